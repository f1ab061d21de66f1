/**
 * The pipeline's side outputs: late events and dead letters, each written as JSONL (when a path is
 * configured), counted in metrics, and handed to listeners (the app shows them).
 */
import { JsonlWriter } from '../sinks/jsonl-writer';

/** A JSONL file plus in-process listeners for one kind of side record. */
export class SideOutput<T> {
  private readonly writer?: JsonlWriter;
  private readonly listeners = new Set<(batch: T[]) => void>();
  private pending: Promise<void> = Promise.resolve();

  constructor(
    path: string | undefined,
    private readonly onError: (msg: string) => void,
  ) {
    if (path !== undefined) this.writer = new JsonlWriter(path, { append: false });
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

  /** Creates (truncates) the file now, so an empty side output still leaves an empty file. */
  async open(): Promise<void> {
    await this.writer?.open();
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    await this.pending;
    await this.writer?.close();
  }
}
