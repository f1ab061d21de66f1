/**
 * Cluster row: takeover time with a large per-partition state, against the real NATS JetStream on
 * 127.0.0.1:4222. Two `streamscope run --cluster` instances share 2 partitions; each partition gets
 * `keysPerPartition` keys of open window state; once a checkpoint covers it, the owner of partition 0
 * is SIGKILLed and one event per partition closes the windows. Takeover time = kill → first result of
 * that partition in the survivor's file (lease expiry + checkpoint load + restore + firing). The
 * checkpoint's size and the survivor's own "resumed" log time are reported beside it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Objm } from '@nats-io/obj';
import { connect } from '@nats-io/transport-node';
import { NatsObjectCheckpointStore } from '../../src-main/engine/cluster/nats-checkpoint-store';
import { decodePartitionCheckpoint } from '../../src-main/engine/cluster/partition-checkpoint';
import { ROOT } from '../lib/bundle';

export interface TakeoverRun {
  ok: boolean;
  error?: string;
  /** Kill → first result of the taken-over partition (ms). */
  takeoverMs?: number;
  leaseTtlMs: number;
  /** Bytes of the taken-over partition's checkpoint. */
  checkpointBytes?: number;
  keysPerPartition: number;
}

const WINDOW = 'tumbling:1m';

async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs the row. Never throws: failures come back as `ok: false`. */
export async function runClusterTakeover(keysPerPartition: number, leaseTtlMs = 5000, timeoutMs = 300_000): Promise<TakeoverRun> {
  const id = `bench_${process.pid}_${Date.now().toString(36)}`;
  const dir = mkdtempSync(join(tmpdir(), 'ss-takeover-'));
  const nc = await connect({ servers: '127.0.0.1:4222' });
  const jsm = await jetstreamManager(nc);
  const children = new Map<string, { child: ChildProcess; stderr: () => string }>();
  const base = `bench.${id}`;
  try {
    await jsm.streams.add({ name: id, subjects: [`${base}.>`] });
    for (const name of ['x', 'y']) {
      const child = spawn(
        process.execPath,
        [join(ROOT, 'bin', 'streamscope.mjs'), 'run', '--cluster', '--stream', id, '--subjects', `${base}.>`, '--partitions', '2',
          '--output-dir', join(dir, name), '--instance', name, '--cluster-name', id, '--window', WINDOW, '--lease-ttl', `${leaseTtlMs}ms`,
          '--checkpoint-interval', '1s', '--metrics-port', '0'],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      children.set(name, { child, stderr: () => stderr });
      if (name === 'x') await until(() => stderr.includes(': acquired '), 'x owns partitions', 60_000);
    }
    const count = (text: string, s: string) => text.split(s).length - 1;
    const owns = (text: string, p: number) => count(text, ` partition ${p}: acquired `) > count(text, ` partition ${p}: lease lost `);
    const owner = (p: number) => [...children].find(([, c]) => owns(c.stderr(), p))?.[0];
    await until(() => owner(0) !== undefined && owner(1) !== undefined && owner(0) !== owner(1), 'one partition each', 60_000);

    // State: keysPerPartition keys per partition, all in the first minute window.
    const js = jetstream(nc);
    const t0 = Date.UTC(2026, 0, 1);
    const lastSeq = [0, 0];
    for (let p = 0; p < 2; p++) {
      for (let i = 0; i < keysPerPartition; i += 1000) {
        const acks = await Promise.all(
          Array.from({ length: Math.min(1000, keysPerPartition - i) }, (_, j) =>
            js.publish(`${base}.${p}`, JSON.stringify({ sensorId: `p${p}-k${i + j}`, timestamp: t0 + ((i + j) % 50_000), value: j % 100 })),
          ),
        );
        lastSeq[p] = Math.max(lastSeq[p], ...acks.map((a) => a.seq));
      }
    }
    const store = await NatsObjectCheckpointStore.open(nc, { bucket: `${id}_checkpoints` });
    let checkpointBytes = 0;
    await until(async () => {
      const l = await store.latest('0');
      if (!l) return false;
      checkpointBytes = l.bytes.length;
      return decodePartitionCheckpoint(l.bytes, WINDOW).seq >= lastSeq[0];
    }, 'a checkpoint covering partition 0', timeoutMs);

    const victim = owner(0)!;
    const survivor = victim === 'x' ? 'y' : 'x';
    const file = join(dir, survivor, 'partition-0.jsonl');
    const killedAt = performance.now();
    children.get(victim)!.child.kill('SIGKILL');
    for (let p = 0; p < 2; p++) await js.publish(`${base}.${p}`, JSON.stringify({ sensorId: 'close', timestamp: t0 + 120_000, value: 0 }));
    await until(() => existsSync(file) && statSync(file).size > 0, 'first result of the taken-over partition', timeoutMs);
    return { ok: true, takeoverMs: performance.now() - killedAt, leaseTtlMs, checkpointBytes, keysPerPartition };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err), leaseTtlMs, keysPerPartition };
  } finally {
    for (const [, c] of children) c.child.kill('SIGKILL');
    await jsm.streams.delete(id).catch(() => undefined);
    await new Kvm(nc).open(`${id}_leases`).then((kv) => kv.destroy()).catch(() => undefined);
    await new Objm(nc).open(`${id}_checkpoints`).then((os) => os.destroy()).catch(() => undefined);
    await nc.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
