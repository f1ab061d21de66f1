/**
 * `streamscope run`: the live pipeline with the metrics server, until SIGINT/SIGTERM, then a clean
 * shutdown that fires open windows and flushes sinks, bounded by `--shutdown-timeout` (default
 * 10 s): past it, sinks that retry (webhook) stop and dead-letter what is undelivered. A second
 * SIGINT/SIGTERM cuts the deadline short; everything undelivered is still dead-lettered before the
 * process exits. Settings come from `--config FILE` (JSON, the schema of src-main/engine/config.ts)
 * and flags, flags winning.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError, parseConfig } from '../engine/config';
import { Pipeline } from '../engine/pipeline';
import { deepMerge } from '../engine/stages/config-patch';
import { LIVE_SIM_SOURCE } from '../engine/sources/source-config';
import { durationFlag, numberFlag, parseFlags, UsageError } from './args';
import { CHECKPOINT_FLAGS, CHECKPOINT_USAGE, checkpointOptions, resumedLine } from './checkpoint-flags';
import { printSummary } from './summary';
import { clusterCommand } from './cluster-command';

export const RUN_USAGE = `streamscope run [--config FILE] [--source sim|system|file|http|mqtt|nats] [--rate N] [--sensors N]
    [--jitter 500ms] [--malformed-rate 0.01] [--input FILE [--format F] [--key F] [--time F] [--value F]
    [--time-unit U] [--records PATH] [--speed max|FACTOR]] [--window tumbling:5s] [--time-mode event|processing]
    [--max-out-of-orderness 1s] [--allowed-lateness 0s] [--idle-timeout 2s] [--alert-threshold 80]
    [--output FILE] [--console|--no-console] [--webhook URL] [--websocket-port N] [--late-output FILE]
    [--dead-letter FILE] [--queue-policy block|drop-newest|drop-oldest] [--queue-capacity N]
    [--metrics-host 127.0.0.1] [--metrics-port 9090] [--shutdown-timeout 10s]
    ${CHECKPOINT_USAGE}`;

/**
 * Rotation of `--output` in a live run: 100 MiB per file, 5 rotated files kept (a 600 MiB cap; what
 * it deletes is counted in streamscope_output_discarded_*_total{output="file"}).
 */
const LIVE_OUTPUT_ROTATION = { maxBytes: 100 * 1024 * 1024, maxFiles: 5 };

/** Default bound of a shutdown (first SIGINT/SIGTERM until sinks give up), ms. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** Live defaults: simulated sensors with some jitter, watermarks tolerant of it, idle timeout on. */
const LIVE_DEFAULTS = {
  source: { ...LIVE_SIM_SOURCE },
  maxOutOfOrdernessMs: 1000,
  idleTimeoutMs: 2000,
};

/** Runs until a signal; resolves with the exit code. Throws UsageError on bad flags or config. */
export async function runCommand(argv: string[]): Promise<number> {
  if (argv.includes('--cluster')) return clusterCommand(argv);
  const f = parseFlags(argv, {
    config: { type: 'string' },
    source: { type: 'string' },
    rate: { type: 'string' },
    sensors: { type: 'string' },
    jitter: { type: 'string' },
    'malformed-rate': { type: 'string' },
    input: { type: 'string' },
    format: { type: 'string' },
    key: { type: 'string' },
    time: { type: 'string' },
    value: { type: 'string' },
    'time-unit': { type: 'string' },
    records: { type: 'string' },
    speed: { type: 'string' },
    window: { type: 'string' },
    'time-mode': { type: 'string' },
    'max-out-of-orderness': { type: 'string' },
    'allowed-lateness': { type: 'string' },
    'idle-timeout': { type: 'string' },
    'alert-threshold': { type: 'string' },
    output: { type: 'string' },
    console: { type: 'boolean' },
    'no-console': { type: 'boolean' },
    webhook: { type: 'string' },
    'websocket-port': { type: 'string' },
    'late-output': { type: 'string' },
    'dead-letter': { type: 'string' },
    'queue-policy': { type: 'string' },
    'queue-capacity': { type: 'string' },
    'metrics-host': { type: 'string' },
    'metrics-port': { type: 'string' },
    'shutdown-timeout': { type: 'string' },
    ...CHECKPOINT_FLAGS,
  });
  const shutdownTimeoutMs = durationFlag('shutdown-timeout', f['shutdown-timeout']) ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const checkpoints = checkpointOptions(f);
  let fileConfig: Record<string, unknown> = {};
  if (f.config !== undefined) {
    let text: string;
    try {
      text = await readFile(f.config, 'utf8');
    } catch (e) {
      throw new UsageError(`--config ${f.config}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new UsageError(`--config ${f.config}: not valid JSON (${(e as Error).message})`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new UsageError(`--config ${f.config}: must be a JSON object of settings (see README), got ${Array.isArray(parsed) ? 'an array' : JSON.stringify(parsed)}`);
    }
    fileConfig = parsed as Record<string, unknown>;
  }

  const overrides: Record<string, unknown> = {};
  const sourceType = f.source ?? (f.input !== undefined ? 'file' : undefined);
  const source: Record<string, unknown> = {};
  if (sourceType !== undefined) source.type = sourceType;
  if (f.rate !== undefined) source.rateEventsPerSec = numberFlag('rate', f.rate);
  if (f.sensors !== undefined) source.sensors = numberFlag('sensors', f.sensors);
  if (f.jitter !== undefined) source.jitterMs = durationFlag('jitter', f.jitter);
  if (f['malformed-rate'] !== undefined) source.malformedRate = numberFlag('malformed-rate', f['malformed-rate']);
  if (f.input !== undefined) source.path = f.input;
  if (f.format !== undefined) source.format = f.format;
  if (f.records !== undefined) source.records = f.records;
  if (f.speed !== undefined) source.speed = f.speed === 'max' ? 'max' : numberFlag('speed', f.speed);
  const mapping = Object.fromEntries(
    Object.entries({ key: f.key, time: f.time, value: f.value, timeUnit: f['time-unit'] }).filter(([, v]) => v !== undefined),
  );
  if (Object.keys(mapping).length > 0) source.mapping = mapping;
  if (Object.keys(source).length > 0) overrides.source = source;
  if (f.window !== undefined) overrides.window = f.window;
  if (f['time-mode'] !== undefined) overrides.timeMode = f['time-mode'];
  if (f['max-out-of-orderness'] !== undefined) overrides.maxOutOfOrdernessMs = durationFlag('max-out-of-orderness', f['max-out-of-orderness']);
  if (f['allowed-lateness'] !== undefined) overrides.allowedLatenessMs = durationFlag('allowed-lateness', f['allowed-lateness']);
  if (f['idle-timeout'] !== undefined) overrides.idleTimeoutMs = durationFlag('idle-timeout', f['idle-timeout']);
  if (f['alert-threshold'] !== undefined) overrides.alertThreshold = numberFlag('alert-threshold', f['alert-threshold']);
  if (f['late-output'] !== undefined) overrides.lateOutput = f['late-output'];
  if (f['dead-letter'] !== undefined) overrides.deadLetter = f['dead-letter'];
  if (f['queue-policy'] !== undefined || f['queue-capacity'] !== undefined) {
    const q = { policy: f['queue-policy'], maxEvents: numberFlag('queue-capacity', f['queue-capacity']) };
    overrides.queues = { ingress: q, sink: q };
  }
  if (f['metrics-host'] !== undefined || f['metrics-port'] !== undefined) {
    overrides.metrics = { host: f['metrics-host'], port: numberFlag('metrics-port', f['metrics-port']) };
  }
  // Sink flags add to the config's sinks (a flag replaces a config sink of the same kind);
  // --no-console removes the console sink. Default without config sinks or flags: console.
  let sinks: Array<Record<string, unknown>> = Array.isArray(fileConfig.sinks)
    ? (fileConfig.sinks as Array<Record<string, unknown>>)
    : [{ type: 'console' }];
  const put = (sink: Record<string, unknown>) => {
    sinks = [...sinks.filter((x) => x.type !== sink.type), sink];
  };
  if (f.console === true) put({ type: 'console' });
  if (f.output !== undefined) put({ type: 'file', path: f.output, ...LIVE_OUTPUT_ROTATION });
  if (f.webhook !== undefined) put({ type: 'webhook', url: f.webhook, deadLetterPath: 'webhook-dead-letter.jsonl' });
  if (f['websocket-port'] !== undefined) put({ type: 'websocket', port: numberFlag('websocket-port', f['websocket-port']) });
  if (f['no-console'] === true) sinks = sinks.filter((x) => x.type !== 'console');
  overrides.sinks = sinks;

  let config;
  try {
    const base = fileConfig.source === undefined && sourceType === undefined ? LIVE_DEFAULTS : { ...LIVE_DEFAULTS, source: {} };
    const merged = deepMerge(deepMerge(base, fileConfig), overrides) as Record<string, unknown>;
    if (merged.source !== undefined && (merged.source as Record<string, unknown>).type !== 'sim') {
      // Sim-only fields from the live defaults do not apply to other sources.
      const { sensors: _s, rateEventsPerSec: _r, jitterMs: _j, ...rest } = merged.source as Record<string, unknown>;
      merged.source = { ...rest, ...(source.rateEventsPerSec !== undefined ? { rateEventsPerSec: source.rateEventsPerSec } : {}) };
    }
    config = parseConfig(merged);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  // After the values are checked, so a bad --rate or --window is named before a missing sink.
  if (config.sinks.length === 0) {
    throw new UsageError('no sink left: results would go nowhere (add --output FILE, --console, --webhook URL or --websocket-port N)');
  }

  const deadline = new AbortController();
  const pipeline = new Pipeline(config, { shutdownSignal: deadline.signal, checkpoints });
  pipeline.onLog((l) => process.stderr.write(`${new Date(l.at).toISOString()} ${l.level} ${l.msg}\n`));
  try {
    await pipeline.start();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const m = pipeline.metricsServer;
  if (m !== undefined) process.stderr.write(`metrics: ${m.url}/metrics  ${m.url}/metrics.json  ${m.url}/healthz\n`);
  if (pipeline.resumedFrom !== undefined) process.stderr.write(resumedLine(pipeline.resumedFrom));
  let signals = 0;
  const onSignal = (sig: string) => {
    signals += 1;
    if (signals === 1) {
      setTimeout(() => deadline.abort(), shutdownTimeoutMs).unref();
      if (checkpoints !== undefined) {
        process.stderr.write(`${sig}: shutting down with a final checkpoint (open windows kept in it, sinks flushed; at most ${shutdownTimeoutMs} ms, again to cut it short)\n`);
        void pipeline.suspend();
        return;
      }
      process.stderr.write(`${sig}: shutting down (firing open windows, flushing sinks; at most ${shutdownTimeoutMs} ms, again to cut it short)\n`);
      void pipeline.stop();
    } else if (signals === 2) {
      process.stderr.write(`${sig} again: giving up on deliveries; writing what is undelivered to the dead-letter files\n`);
      deadline.abort();
    }
  };
  // `on`, not `once`: a second signal must not kill the process before the dead letters are written.
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  await pipeline.done;
  printSummary(pipeline.metrics.snapshot(), process.stderr);
  return pipeline.sourceFailure === undefined ? 0 : 1;
}
