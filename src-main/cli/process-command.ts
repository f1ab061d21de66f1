/**
 * `streamscope process`: deterministic replay of a file (or stdin) in event time. Results go out
 * as JSON Lines (the last line for a window is its final result), late events and dead letters to
 * their own files, and a summary to stderr.
 */
import { statSync } from 'node:fs';
import { parseConfig, ConfigError } from '../engine/config';
import { Pipeline } from '../engine/pipeline';
import { parseWindowSpec } from '../engine/windows/window-spec';
import { durationFlag, numberFlag, parseFlags, UsageError } from './args';
import { CHECKPOINT_FLAGS, CHECKPOINT_USAGE, checkpointOptions, resumedLine } from './checkpoint-flags';
import { printSummary } from './summary';

export const PROCESS_USAGE = `streamscope process --input FILE|- [--format jsonl|json|csv] [--key F] [--time F] [--value F]
    [--unit F] [--time-unit ms|s|iso|auto] [--records PATH] --window tumbling:5s|hopping:10s:2s|session:30s
    [--max-out-of-orderness 0s] [--allowed-lateness 0s] [--alert-threshold 80]
    [--output FILE|-] [--late-output FILE] [--dead-letter FILE] ${CHECKPOINT_USAGE}`;

/** Runs the command; resolves with the exit code. Throws UsageError on bad flags. */
export async function processCommand(argv: string[]): Promise<number> {
  const f = parseFlags(argv, {
    input: { type: 'string' },
    format: { type: 'string' },
    key: { type: 'string' },
    time: { type: 'string' },
    value: { type: 'string' },
    unit: { type: 'string' },
    'time-unit': { type: 'string' },
    records: { type: 'string' },
    window: { type: 'string' },
    'max-out-of-orderness': { type: 'string' },
    'allowed-lateness': { type: 'string' },
    'alert-threshold': { type: 'string' },
    output: { type: 'string' },
    'late-output': { type: 'string' },
    'dead-letter': { type: 'string' },
    ...CHECKPOINT_FLAGS,
  });
  const checkpoints = checkpointOptions(f);
  if (f.input === undefined) throw new UsageError('--input is required (a file path, or - for stdin)');
  if (f.window === undefined) throw new UsageError('--window is required, e.g. --window tumbling:5s');
  let window;
  try {
    window = parseWindowSpec(f.window);
  } catch (e) {
    throw new UsageError(`--window: ${(e as Error).message}`);
  }
  const mapping = Object.fromEntries(
    Object.entries({ key: f.key, time: f.time, value: f.value, unit: f.unit, timeUnit: f['time-unit'] }).filter(([, v]) => v !== undefined),
  );
  const output = f.output ?? '-';
  if (checkpoints !== undefined && (output === '-' || f.input === '-')) {
    throw new UsageError('--checkpoint-dir needs --input FILE and --output FILE: standard input cannot be rewound, and results on standard output cannot be taken back after a crash');
  }
  const outStat = checkpoints === undefined ? undefined : statSync(output, { throwIfNoEntry: false });
  if (outStat !== undefined && !outStat.isFile()) {
    throw new UsageError(`--checkpoint-dir needs --output to be a regular file (${output} is not): a checkpoint records its durable length to roll back to after a crash`);
  }
  let config;
  try {
    config = parseConfig({
      source: { type: 'file', path: f.input, format: f.format, mapping, records: f.records },
      window,
      timeMode: 'event',
      maxOutOfOrdernessMs: durationFlag('max-out-of-orderness', f['max-out-of-orderness']) ?? 0,
      allowedLatenessMs: durationFlag('allowed-lateness', f['allowed-lateness']) ?? 0,
      alertThreshold: numberFlag('alert-threshold', f['alert-threshold']) ?? 80,
      queues: { ingress: { maxEvents: 65_536, policy: 'block' }, sink: { maxEvents: 65_536, policy: 'block' } },
      sinks: [{ type: 'file', path: output }],
      lateOutput: f['late-output'],
      deadLetter: f['dead-letter'],
      metrics: false,
    });
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  if (f.input !== '-') {
    const st = statSync(f.input, { throwIfNoEntry: false });
    if (st === undefined) throw new UsageError(`--input ${f.input}: no such file`);
    if (st.isDirectory()) throw new UsageError(`--input ${f.input}: is a directory, expected a file`);
  }
  const pipeline = new Pipeline(config, { checkpoints });
  let failed: string | undefined;
  pipeline.onLog((l) => {
    if (l.level === 'error') failed ??= l.msg;
  });
  try {
    await pipeline.start();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (pipeline.resumedFrom !== undefined) process.stderr.write(resumedLine(pipeline.resumedFrom));
  let suspended = false;
  if (checkpoints !== undefined) {
    // A clean stop keeps open windows in a final checkpoint; the same command continues from it.
    const onSignal = (sig: string) => {
      process.stderr.write(`${sig}: stopping with a final checkpoint\n`);
      suspended = true;
      void pipeline.suspend();
    };
    process.once('SIGINT', () => onSignal('SIGINT'));
    process.once('SIGTERM', () => onSignal('SIGTERM'));
  }
  await pipeline.done;
  const last = pipeline.checkpoints?.stats.last;
  if (suspended) process.stderr.write(`streamscope: stopped with checkpoint ${last?.epoch ?? '(none stored)'}; run the same command to continue\n`);
  if (failed !== undefined) {
    process.stderr.write(`streamscope: ${failed}\n`);
    return 1;
  }
  const summary = pipeline.metrics.snapshot();
  printSummary(summary, process.stderr);
  if (summary.eventsRejected > 0 && summary.eventsReceived === 0) {
    // Nothing usable in the input: a wrong --format or field mapping, not a successful run.
    process.stderr.write(`streamscope: every record was rejected (${summary.eventsRejected}); check --format and the field mapping (--key, --time, --value)\n`);
    return 1;
  }
  return 0;
}
