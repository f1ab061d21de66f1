/**
 * `streamscope run --cluster`: one instance of an elastic cluster on NATS JetStream (one command per
 * instance). Partitions are claimed by leases, window state moves with checkpoints in the Object
 * Store, and each instance writes its results to its own directory, one file per partition.
 * SIGINT/SIGTERM: last checkpoints, leases released, exit 0.
 */
import { hostname } from 'node:os';
import { connect } from '@nats-io/transport-node';
import { ClusterWorker } from '../engine/cluster/cluster-worker';
import { registerClusterMetrics } from '../engine/cluster/cluster-metrics';
import { EngineMetrics } from '../engine/metrics/engine-metrics';
import { startMetricsServer } from '../engine/metrics/metrics-server';
import { partitionBase } from '../engine/sources/nats-partition';
import { formatWindowSpec, parseWindowSpec } from '../engine/windows/window-spec';
import { durationFlag, numberFlag, parseFlags, UsageError } from './args';

export const CLUSTER_USAGE = `streamscope run --cluster --stream NAME --subjects BASE.> --partitions N --output-dir DIR
    [--create-stream] [--instance ID] [--cluster-name NAME] [--nats 127.0.0.1:4222] [--window tumbling:5s]
    [--max-out-of-orderness 1s] [--allowed-lateness 0s] [--alert-threshold 80] [--lease-ttl 10s]
    [--checkpoint-interval 10s] [--metrics-host 127.0.0.1] [--metrics-port 9090]`;

function required<T>(name: string, v: T | undefined): T {
  if (v === undefined) throw new UsageError(`--cluster needs --${name} (usage: ${CLUSTER_USAGE})`);
  return v;
}

/** Runs one instance until a signal; resolves with the exit code. Throws UsageError on bad flags. */
export async function clusterCommand(argv: string[]): Promise<number> {
  const f = parseFlags(argv, {
    cluster: { type: 'boolean' },
    stream: { type: 'string' },
    'create-stream': { type: 'boolean' },
    subjects: { type: 'string' },
    partitions: { type: 'string' },
    'output-dir': { type: 'string' },
    instance: { type: 'string' },
    'cluster-name': { type: 'string' },
    nats: { type: 'string' },
    window: { type: 'string' },
    'max-out-of-orderness': { type: 'string' },
    'allowed-lateness': { type: 'string' },
    'alert-threshold': { type: 'string' },
    'lease-ttl': { type: 'string' },
    'checkpoint-interval': { type: 'string' },
    'metrics-host': { type: 'string' },
    'metrics-port': { type: 'string' },
  });
  const partitions = numberFlag('partitions', required('partitions', f.partitions))!;
  if (!Number.isInteger(partitions) || partitions < 1) throw new UsageError(`--partitions: an integer >= 1, got ${partitions}`);
  let subjectBase: string;
  try {
    subjectBase = partitionBase(required('subjects', f.subjects));
  } catch (e) {
    throw new UsageError(`--subjects: ${(e as Error).message}`);
  }
  let window;
  try {
    window = parseWindowSpec(f.window ?? 'tumbling:5s');
  } catch (e) {
    throw new UsageError(`--window: ${(e as Error).message}`);
  }
  const instanceId = f.instance ?? `${hostname()}-${process.pid}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const clusterName = f['cluster-name'] ?? 'streamscope';
  if (!/^[A-Za-z0-9_-]+$/.test(clusterName)) throw new UsageError(`--cluster-name: letters, digits, - or _ only (got ${clusterName})`);
  const leaseTtlMs = durationFlag('lease-ttl', f['lease-ttl']) ?? 10_000;
  const checkpointIntervalMs = durationFlag('checkpoint-interval', f['checkpoint-interval']) ?? 10_000;

  const nc = await connect({ servers: (f.nats ?? '127.0.0.1:4222').split(','), maxReconnectAttempts: -1, name: `streamscope-${instanceId}` });
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${instanceId} ${line}\n`);
  const worker = new ClusterWorker({
    nc,
    stream: required('stream', f.stream),
    subjectBase,
    createStream: f['create-stream'] === true,
    partitions,
    instanceId,
    outDir: required('output-dir', f['output-dir']),
    operator: {
      window,
      maxOutOfOrdernessMs: durationFlag('max-out-of-orderness', f['max-out-of-orderness']) ?? 1000,
      allowedLatenessMs: durationFlag('allowed-lateness', f['allowed-lateness']) ?? 0,
      alertThreshold: numberFlag('alert-threshold', f['alert-threshold']) ?? 80,
    },
    windowText: formatWindowSpec(window),
    leaseBucket: `${clusterName}_leases`,
    checkpointBucket: `${clusterName}_checkpoints`,
    leaseTtlMs,
    checkpointIntervalMs,
    log,
  });
  try {
    await worker.start();
  } catch (e) {
    await nc.close();
    throw new UsageError((e as Error).message);
  }
  const metrics = new EngineMetrics();
  registerClusterMetrics(metrics.registry, worker);
  const server = await startMetricsServer({
    metrics,
    host: f['metrics-host'],
    port: numberFlag('metrics-port', f['metrics-port']),
  });
  log(`cluster instance started; metrics: ${server.url}/metrics`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  log('stopping: last checkpoints, releasing leases');
  await worker.stop();
  await server.close();
  await nc.close();
  return 0;
}
