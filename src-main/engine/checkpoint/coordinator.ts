/**
 * The checkpoint coordinator: every `intervalMs` it takes a consistent snapshot of the pipeline and
 * stores it; at start it restores the newest one. Consistent means one cut through the data flow
 * (Flink's aligned barrier, with the source as the only input):
 *
 * 1. the source is held at a clean position (SourceRunner.barrier): every event before the cut is
 *    in the ingress queue, none after it enters;
 * 2. the operator loop folds what is queued (drain to the barrier), and between two batches the
 *    window operator's state is copied (the only step that blocks the loop: one copy of flat arrays);
 * 3. every sink writes what it was offered and reports its commit point (a file's fsynced length),
 *    the late and dead-letter files likewise; watermark ticks wait meanwhile;
 * 4. the source is released; encoding, checksumming and the atomic write run while it reads on;
 * 5. once stored, the source may acknowledge what the checkpoint covers (NATS ack-all).
 *
 * Recovery restores the operator, takes each file back to its commit point and seeks the source,
 * so the run continues as if nothing happened. A checkpoint of another window spec, time settings or
 * input is refused with a message naming what differs.
 */
import type { DeadLetter, LateEvent } from '../../../src-shared/types';
import type { OperatorLoop } from '../stages/operator-loop';
import type { SideOutput } from '../stages/side-outputs';
import type { SinkSet } from '../stages/sink-set';
import type { SourceRunner } from '../stages/source-runner';
import type { Clock, Cancel } from '../time/clock';
import type { OperatorSnapshot } from '../windows/window-operator';
import { decodeState, encodeState } from './codec';
import type { JsonlCommitPoint } from './jsonl-commit';
import type { CheckpointStore } from './store';

/** Version of the checkpoint content (the frame has its own version). */
const CONTENT_VERSION = 1;

/** How a host turns checkpoints on. */
export interface CheckpointOptions {
  store: CheckpointStore;
  /** Where the store keeps them, for messages (`/path/to/dir`). */
  where: string;
  /** Processing time between checkpoints, ms; 0 = only the final one (and on demand). */
  intervalMs: number;
  /** Checkpoints kept (default 3). */
  keep?: number;
  /** Discard stored checkpoints instead of resuming (`--fresh`). */
  fresh?: boolean;
  /** Store partition (default `main`; the cluster uses one per key partition). */
  partition?: string;
}

/** What the coordinator works with: the pipeline's stages. */
export interface CheckpointDeps {
  clock: Clock;
  log: (level: 'info' | 'warn' | 'error', msg: string) => void;
  loop: OperatorLoop;
  sources: SourceRunner;
  sinks: SinkSet;
  late: SideOutput<LateEvent>;
  deadLetters: SideOutput<DeadLetter>;
  /** The settings a checkpoint must match to be resumed (window, time settings, input identity). */
  fingerprint: () => Record<string, unknown>;
  /** True once the pipeline is stopping: a periodic checkpoint gives up. */
  ending: () => boolean;
}

/** One completed checkpoint, as metrics and the app show it. */
export interface CheckpointInfo {
  epoch: number;
  /** Processing time the cut was taken, ms since epoch. */
  takenAtMs: number;
  /** From the request to the stored file, ms. */
  durationMs: number;
  /** Source held and ticks suspended (cut to release), ms. */
  pauseMs: number;
  /** The operator loop blocked copying the window state, ms. */
  snapshotMs: number;
  /** The event loop blocked encoding the checkpoint (after the source was released), ms. */
  encodeMs: number;
  bytes: number;
}

/** What a resumed run restored, for its stderr line and the app. */
export interface RecoveryInfo {
  epoch: number;
  takenAtMs: number;
  where: string;
  /** The source's position, described for people (`line 41,000 (byte 2,310,442) of in.jsonl`). */
  position: string;
  /** Event-time watermark restored, ms (−Infinity before any event). */
  watermarkMs: number;
  /** The input was already fully processed when the checkpoint was taken. */
  finished: boolean;
  /** Reading, checking and restoring the checkpoint took this long, ms. */
  restoreMs: number;
}

/** The checkpoint content (encoded with codec.ts). */
interface CheckpointData {
  version: number;
  fingerprint: Record<string, unknown>;
  epoch: number;
  takenAtMs: number;
  source?: { name: string; position: unknown };
  operator: OperatorSnapshot;
  sinks: Array<{ key: string; point: unknown }>;
  late?: JsonlCommitPoint;
  deadLetter?: JsonlCommitPoint;
  finished: boolean;
}

/** The newest checkpoint cannot be resumed by this run: other settings, input or content version. */
export class CheckpointMismatchError extends Error {
  override readonly name = 'CheckpointMismatchError';
}

/** Counts and the last completed checkpoint. */
export interface CheckpointStats {
  completed: number;
  failed: number;
  last?: CheckpointInfo;
}

/** Takes and restores checkpoints for one pipeline; see the module comment. */
export class CheckpointCoordinator {
  private readonly partition: string;
  private readonly keep: number;
  private epoch = 0;
  private timer?: Cancel;
  private running?: Promise<CheckpointInfo | undefined>;
  private cut = false;
  private recoveryPosition: unknown;
  private pendingSinks: Array<{ key: string; point: unknown }> = [];
  private unlock?: () => Promise<void>;
  private readonly listeners = new Set<(info: CheckpointInfo | undefined, error?: string) => void>();
  readonly stats: CheckpointStats = { completed: 0, failed: 0 };
  /** Set once recover() restored a checkpoint. */
  resumed?: RecoveryInfo;

  constructor(
    private readonly deps: CheckpointDeps,
    readonly options: CheckpointOptions,
  ) {
    this.partition = options.partition ?? 'main';
    this.keep = Math.max(1, options.keep ?? 3);
  }

  /** True while the cut is being taken: watermark ticks must not fire windows then. */
  get cutting(): boolean {
    return this.cut;
  }

  /** The source position to resume from (after recover()), if any. */
  get sourcePosition(): unknown {
    return this.recoveryPosition;
  }

  /** Told after every checkpoint: its info, or an error message. */
  onCheckpoint(cb: (info: CheckpointInfo | undefined, error?: string) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /**
   * Before the outputs open: restores the newest checkpoint's operator state and takes the late and
   * dead-letter files back to it (or discards every checkpoint with `fresh`). Returns what was
   * restored, or undefined for a fresh start.
   * @throws Error when the checkpoint was taken with other settings or input, or its files cannot be rewound.
   */
  async recover(): Promise<RecoveryInfo | undefined> {
    const { store, where } = this.options;
    this.unlock ??= await store.lock(this.partition);
    if (this.options.fresh === true) {
      await store.clear(this.partition);
      this.deps.log('info', `checkpoints in ${where} discarded (--fresh)`);
      return undefined;
    }
    const t0 = this.deps.clock.monotonicMs();
    const stored = await store.latest(this.partition);
    this.epoch = Math.max(0, ...(await store.list(this.partition)));
    if (stored === undefined) return undefined;
    const data = decodeState(stored.bytes) as CheckpointData;
    if (data.version !== CONTENT_VERSION) throw new CheckpointMismatchError(`checkpoint ${stored.epoch} in ${where} has content version ${data.version}; this Streamscope reads ${CONTENT_VERSION}: use --fresh to start over`);
    const mismatch = describeMismatch(data.fingerprint, this.deps.fingerprint());
    if (mismatch !== undefined) {
      throw new CheckpointMismatchError(`checkpoint ${stored.epoch} in ${where} was taken with other settings (${mismatch}): run with the same settings to resume it, or add --fresh to discard it`);
    }
    this.deps.loop.current.restore(data.operator);
    await this.deps.late.resumeFrom(data.late);
    await this.deps.deadLetters.resumeFrom(data.deadLetter);
    this.pendingSinks = data.sinks;
    this.recoveryPosition = data.finished ? undefined : data.source?.position;
    this.resumed = {
      epoch: stored.epoch,
      takenAtMs: data.takenAtMs,
      where,
      position: describePosition(data.source?.position),
      watermarkMs: data.operator.base.wm,
      finished: data.finished,
      restoreMs: this.deps.clock.monotonicMs() - t0,
    };
    this.deps.log('info', `checkpoint ${stored.epoch} restored in ${Math.round(this.resumed.restoreMs)} ms`);
    return this.resumed;
  }

  /** After the sinks are built, before any result: each sink takes back what it wrote after the checkpoint. */
  async rewindSinks(): Promise<void> {
    await this.deps.sinks.resumeFrom(this.pendingSinks);
    this.pendingSinks = [];
  }

  /** Starts the periodic checkpoints. */
  start(): void {
    if (this.options.intervalMs > 0) this.timer ??= this.deps.clock.setInterval(() => void this.checkpoint().catch(() => {}), this.options.intervalMs);
  }

  /** Stops the periodic checkpoints and waits for one in progress. */
  async stop(): Promise<void> {
    this.timer?.();
    this.timer = undefined;
    await this.running?.catch(() => {});
  }

  /** Gives up the store's lock (the pipeline stopped). */
  async release(): Promise<void> {
    await this.stop();
    const unlock = this.unlock;
    this.unlock = undefined;
    await unlock?.();
  }

  /**
   * Takes a checkpoint now (one at a time: a request while one runs gets that one). Resolves with
   * its info, or undefined when the pipeline stopped before the cut.
   * @throws Error when storing fails (counted as failed, reported through onCheckpoint).
   */
  checkpoint(): Promise<CheckpointInfo | undefined> {
    this.running ??= this.take(false).finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * The last checkpoint of a run whose input was fully processed and every window fired, taken
   * while nothing runs any more (source stopped, loop ended): a restart resumes into an empty tail.
   */
  async final(): Promise<CheckpointInfo | undefined> {
    await this.stop();
    return this.take(true);
  }

  /**
   * The checkpoint of a clean shutdown (SIGINT/SIGTERM): a cut like any other, then `beforeRelease`
   * runs while the source is still held (the pipeline closes its ingress there, so nothing after the
   * cut is processed) and open windows stay in the checkpoint instead of firing.
   * @throws Error when it cannot be stored.
   */
  async suspend(beforeRelease: () => void): Promise<CheckpointInfo | undefined> {
    await this.stop();
    return this.take(false, beforeRelease);
  }

  /**
   * A cut with the source held (see the module comment), then encode and store. While the pipeline
   * is stopping (final), the source has stopped and the loop ended: the cut is simply the state.
   */
  private async take(finished: boolean, beforeRelease?: () => void): Promise<CheckpointInfo | undefined> {
    const { clock, loop, sources, sinks, late, deadLetters } = this.deps;
    const t0 = clock.monotonicMs();
    const hadSource = sources.current !== undefined;
    const barrier = await sources.barrier();
    let data: CheckpointData;
    let snapshotMs = 0;
    let pauseMs = 0;
    try {
      if (hadSource && barrier.source === undefined && !finished) {
        beforeRelease?.();
        barrier.release();
        return undefined; // the source stopped meanwhile
      }
      await barrier.enqueued;
      // A final checkpoint comes after the loop ended (nothing left to fold).
      if (!finished) await loop.whenIdle(() => this.deps.ending());
      if (this.deps.ending() && !finished) {
        beforeRelease?.();
        barrier.release();
        return undefined;
      }
      const tCut = clock.monotonicMs();
      data = await loop.atBarrier(async () => {
        this.cut = true;
        try {
          const s0 = clock.monotonicMs();
          const operator = loop.current.snapshot();
          snapshotMs = clock.monotonicMs() - s0;
          const sinkPoints = await sinks.commitPoints();
          const [latePoint, deadPoint] = await Promise.all([late.commitPoint(), deadLetters.commitPoint()]);
          const source = barrier.source ?? sources.lastStopped;
          const position = barrier.position ?? source?.position?.();
          return {
            version: CONTENT_VERSION,
            fingerprint: this.deps.fingerprint(),
            epoch: this.epoch + 1,
            takenAtMs: clock.now(),
            ...(source !== undefined && position !== undefined ? { source: { name: source.name, position } } : {}),
            operator,
            sinks: sinkPoints,
            late: latePoint,
            deadLetter: deadPoint,
            finished,
          };
        } finally {
          this.cut = false;
        }
      });
      pauseMs = clock.monotonicMs() - tCut;
    } catch (e) {
      beforeRelease?.();
      barrier.release();
      this.fail(`checkpoint failed: ${(e as Error).message}`);
      throw e;
    }
    beforeRelease?.();
    barrier.release();
    try {
      await clock.yieldToIo();
      const e0 = clock.monotonicMs();
      const bytes = encodeState(data);
      const encodeMs = clock.monotonicMs() - e0;
      await this.options.store.put(this.partition, data.epoch, bytes);
      this.epoch = data.epoch;
      await this.options.store.prune(this.partition, this.keep);
      const info: CheckpointInfo = { epoch: data.epoch, takenAtMs: data.takenAtMs, durationMs: clock.monotonicMs() - t0, pauseMs, snapshotMs, encodeMs, bytes: bytes.byteLength };
      this.stats.completed++;
      this.stats.last = info;
      if (data.source !== undefined) await barrier.source?.ack?.(data.source.position);
      for (const cb of this.listeners) cb(info);
      return info;
    } catch (e) {
      this.fail(`checkpoint ${data.epoch} not stored in ${this.options.where}: ${(e as Error).message}`);
      throw e;
    }
  }

  private fail(msg: string): void {
    this.stats.failed++;
    this.deps.log('error', msg);
    for (const cb of this.listeners) cb(undefined, msg);
  }
}

/** The first differences between a checkpoint's fingerprint and the run's, as `field: was → now`. */
function describeMismatch(then: Record<string, unknown>, now: Record<string, unknown>): string | undefined {
  const diffs: string[] = [];
  for (const k of new Set([...Object.keys(then), ...Object.keys(now)])) {
    const a = JSON.stringify(then[k]);
    const b = JSON.stringify(now[k]);
    if (a !== b) diffs.push(`${k}: checkpoint ${a ?? 'none'}, this run ${b ?? 'none'}`);
  }
  return diffs.length === 0 ? undefined : diffs.join('; ');
}

/** A source position in words, for the `resumed from checkpoint` line. */
function describePosition(position: unknown): string {
  if (position === undefined || position === null || typeof position !== 'object') return 'no source position (the source starts afresh)';
  const p = position as Record<string, unknown>;
  if (typeof p.path === 'string') {
    const where = p.format === 'jsonl' ? `line ${p.line} (byte ${p.offset})` : `record ${p.records}`;
    return `${where} of ${p.path}`;
  }
  if (typeof p.generatedRecords === 'number') return `simulated record ${p.generatedRecords}`;
  if (typeof p.stream === 'string' && typeof p.consumers === 'object' && p.consumers !== null) {
    const seqs = Object.entries(p.consumers as Record<string, { emittedStreamSeq: number }>).map(([d, c]) => `${d} ${c.emittedStreamSeq}`);
    return `JetStream stream ${p.stream} after sequence ${seqs.join(', ')}`;
  }
  return JSON.stringify(position).slice(0, 200);
}
