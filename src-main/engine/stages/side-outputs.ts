/**
 * The pipeline's side outputs: late events and dead letters, each written as JSONL (when a path is
 * configured), rotated by size with a total cap (what the cap deletes is counted), and handed to
 * listeners (the app shows them).
 */
import type { JsonlCommitPoint } from '../checkpoint/jsonl-commit';
import { JsonlWriter } from '../sinks/jsonl-writer';
import type { SinkMetrics } from '../sinks/sink-metrics';

/** How a side output's file is written: rotation (per-file size, files kept) and append or truncate. */
export interface SideOutputFileOptions {
  maxBytes: number;
  maxFiles: number;
  /** Keep what the file holds (the app: never truncate) or start it empty (the CLI's replays). */
  append: boolean;
}

/** A JSONL file plus in-process listeners for one kind of side record. */
export class SideOutput<T> {
  private readonly writer?: JsonlWriter;
  private readonly listeners = new Set<(batch: T[]) => void>();
  private pending: Promise<void> = Promise.resolve();

  /** `name` labels the discard metric (`late`, `dead_letter`). */
  constructor(
    name: string,
    path: string | undefined,
    file: SideOutputFileOptions,
    private readonly onError: (msg: string) => void,
    metrics?: Pick<SinkMetrics, 'outputDiscarded'>,
  ) {
    if (path === undefined) return;
    this.writer = new JsonlWriter(path, {
      ...file,
      onDiscard: (bytes, lines) => metrics?.outputDiscarded(name, bytes, lines),
    });
  }

  /** Subscribes to every batch; returns the unsubscribe function. */
  subscribe(cb: (batch: T[]) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Writes and publishes a batch (writes are serialized; errors are reported, never thrown). */
  push(batch: T[]): void {
    if (batch.length === 0) return;
    for (const cb of this.listeners) cb(batch);
    if (this.writer !== undefined) {
      const w = this.writer;
      this.pending = this.pending.then(() => w.write(batch)).catch((e: Error) => this.onError(e.message));
    }
  }

  /** Creates the file now (truncated unless appending), so an empty side output still leaves a file. */
  async open(): Promise<void> {
    await this.writer?.open();
  }

  /** Checkpoints: everything pushed so far made durable; undefined when there is no file. */
  async commitPoint(): Promise<JsonlCommitPoint | undefined> {
    await this.pending;
    return this.writer?.commitPoint();
  }

  /** Recovery: takes the file back to a checkpoint's commit point (before anything is pushed). */
  async resumeFrom(point: JsonlCommitPoint | undefined): Promise<void> {
    if (point !== undefined) await this.writer?.resumeFrom(point);
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    await this.pending;
    await this.writer?.close();
  }
}
