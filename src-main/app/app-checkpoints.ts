/**
 * The app's checkpoints: kept in `<dataDir>/checkpoints/` (the engine's local dir store, partition
 * `main`), taken every 10 s by default and at a clean shutdown. What a checkpoint means in the app:
 * - at startup the newest one is resumed (open windows, output.jsonl, late and dead-letter files
 *   continue exactly); one taken with other settings is set aside, not deleted, into
 *   `checkpoints/stale-<time>/`, and the app starts fresh;
 * - a reconfigure that changes what a checkpoint must match (window, time settings, source) fires
 *   the old windows, so the checkpoints before it describe state that no longer exists: a new
 *   lineage starts (the old ones are discarded, as with `--fresh`) with a checkpoint taken at once;
 * - Stop fires every window; the next Start begins a new lineage too.
 */
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointStatus, LogLine } from '../../src-shared/contract';
import type { CheckpointOptions } from '../engine/checkpoint/coordinator';
import { LocalDirStore } from '../engine/checkpoint/local-dir-store';
import type { PipelinePort } from './pipeline-port';

/** Default time between the app's checkpoints, ms. */
export const APP_CHECKPOINT_INTERVAL_MS = 10_000;

/** The store partition the app's single pipeline uses. */
const PARTITION = 'main';

/** The checkpoint directory of a data dir. */
export function checkpointDir(dataDir: string): string {
  return join(dataDir, 'checkpoints');
}

/** The app's checkpoint store and what it does with it; see the module comment. */
export class AppCheckpoints {
  readonly dir: string;
  private readonly store: LocalDirStore;

  /** `intervalMs`: time between periodic checkpoints (0 = only on demand and at shutdown). */
  constructor(
    dataDir: string,
    readonly intervalMs: number,
    private readonly log: (level: LogLine['level'], msg: string) => void,
  ) {
    this.dir = checkpointDir(dataDir);
    this.store = new LocalDirStore(this.dir, { onWarn: (m) => log('warn', `checkpoints: ${m}`) });
  }

  /** Options for the next pipeline; `fresh` discards the stored checkpoints instead of resuming. */
  options(fresh: boolean): CheckpointOptions {
    return { store: this.store, where: this.dir, intervalMs: this.intervalMs, fresh };
  }

  /**
   * Moves the stored checkpoints (kept, not deleted) into `checkpoints/stale-<time>/` and says so.
   * `reason` is the engine's message naming what differs. @throws Error when the move fails.
   */
  async setAside(reason: string, now = Date.now()): Promise<string> {
    const target = join(this.dir, `stale-${new Date(now).toISOString().replace(/[:.]/g, '-')}`);
    await rename(join(this.dir, PARTITION), target);
    this.log('warn', `${reason}. The app's settings differ from that checkpoint's: it was set aside in ${target} (not deleted) and the app starts fresh`);
    return target;
  }

  /**
   * A new lineage after a reconfigure named `what`: waits for a checkpoint in progress, discards the
   * stored ones (they hold windows that were just fired) and takes the first of the new lineage.
   */
  async newLineage(p: PipelinePort<unknown>, what: string): Promise<void> {
    const ck = p.checkpoints;
    if (ck === undefined) return;
    await ck.checkpoint().catch(() => undefined);
    await this.store.clear(PARTITION);
    const info = await ck.checkpoint().catch(() => undefined);
    this.log('info', `${what} changed: a new checkpoint lineage starts${info ? ` with checkpoint ${info.epoch}` : ''}; the earlier checkpoints (other settings, their windows now fired) were discarded`);
  }

  /** The panel's view of `p`'s checkpoints (`p.checkpoints` present). */
  status(p: PipelinePort<unknown>): CheckpointStatus {
    const { completed, failed, last } = p.checkpoints?.stats ?? { completed: 0, failed: 0 };
    const s: CheckpointStatus = { dir: this.dir, intervalMs: this.intervalMs, completed, failed };
    if (last !== undefined) s.last = { epoch: last.epoch, takenAtMs: last.takenAtMs, durationMs: Math.round(last.durationMs), bytes: last.bytes };
    const r = p.resumedFrom;
    if (r !== undefined) s.resumedFrom = { epoch: r.epoch, takenAtMs: r.takenAtMs };
    return s;
  }
}
