/**
 * The checkpoint flags shared by `streamscope run` and `streamscope process`: `--checkpoint-dir DIR`
 * turns checkpoints on (every `--checkpoint-interval`, default 10 s) and resumes from the newest one
 * found there; `--fresh` discards them first.
 */
import { resolve } from 'node:path';
import type { CheckpointOptions, RecoveryInfo } from '../engine/checkpoint/coordinator';
import { LocalDirStore } from '../engine/checkpoint/local-dir-store';
import { durationFlag, UsageError } from './args';

/** The flag definitions, for parseFlags. */
export const CHECKPOINT_FLAGS = {
  'checkpoint-dir': { type: 'string' },
  'checkpoint-interval': { type: 'string' },
  fresh: { type: 'boolean' },
} as const;

/** Usage text of the flags. */
export const CHECKPOINT_USAGE = '[--checkpoint-dir DIR [--checkpoint-interval 10s] [--fresh]]';

/** Default time between checkpoints, ms. */
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 10_000;

/**
 * Checkpoint options from the parsed flags, or undefined without `--checkpoint-dir`.
 * @throws UsageError on an interval or --fresh without a directory.
 */
export function checkpointOptions(f: { 'checkpoint-dir'?: string; 'checkpoint-interval'?: string; fresh?: boolean }): CheckpointOptions | undefined {
  const dir = f['checkpoint-dir'];
  if (dir === undefined) {
    if (f['checkpoint-interval'] !== undefined || f.fresh === true) throw new UsageError('--checkpoint-interval and --fresh need --checkpoint-dir DIR');
    return undefined;
  }
  const intervalMs = durationFlag('checkpoint-interval', f['checkpoint-interval']) ?? DEFAULT_CHECKPOINT_INTERVAL_MS;
  const where = resolve(dir);
  const store = new LocalDirStore(where, { onWarn: (m) => process.stderr.write(`streamscope: warning: ${m}\n`) });
  return { store, where, intervalMs, fresh: f.fresh === true };
}

/** The stderr line of a resumed run. */
export function resumedLine(r: RecoveryInfo): string {
  const wm = Number.isFinite(r.watermarkMs) ? `, watermark ${new Date(r.watermarkMs).toISOString()}` : '';
  const done = r.finished ? ' (that run had processed all of its input)' : '';
  return `streamscope: resumed from checkpoint ${r.epoch} in ${r.where} (taken ${new Date(r.takenAtMs).toISOString()}): ${r.position}${wm}${done}\n`;
}
