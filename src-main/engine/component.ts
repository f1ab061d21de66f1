/**
 * The two interfaces every plug-in of the engine implements: sources produce event batches, sinks
 * consume result batches. The pipeline owns the queues between them; components never see each other.
 */
import type { DeadLetter, StreamEvent, WindowResult } from '../../src-shared/types';

/**
 * Where a source delivers what it read. Batches are arrays; a queue counts events, not batches.
 */
export interface SourceOutput {
  /**
   * Hand over a batch of valid events. Returns a promise when the ingress queue applies `block`
   * backpressure: the source must await it before reading more (that is how backpressure reaches the
   * source). Under drop policies it returns undefined and never blocks.
   */
  emit(events: StreamEvent[]): Promise<void> | void;
  /** Hand over records rejected at the edge; they are counted by reason and dead-lettered. */
  reject(records: DeadLetter[]): void;
  /** Count raw bytes read (for `bytes in` metrics). */
  bytesIn?(bytes: number): void;
}

/** A producer of events: simulated sensors, a replayed file, a broker subscription, … */
export interface Source {
  /** Stable name used in metrics labels and dead letters (for example "sim", "file", "mqtt"). */
  readonly name: string;
  /**
   * Start reading and deliver to `out`. Resolves when the input is exhausted (finite sources) or
   * after `stop()` (live sources). Rejects only on an unrecoverable error (bad path, refused auth).
   */
  run(out: SourceOutput): Promise<void>;
  /** Ask the source to stop reading; `run` resolves soon after. Idempotent. */
  stop(): Promise<void>;
  /** Serializable read position for checkpoints (offset, sequence, …); undefined if not resumable. */
  position?(): unknown;
}

/** A consumer of window results: console, JSONL file, webhook, WebSocket, … */
export interface Sink {
  /** Stable name used in metrics labels (for example "console", "file", "webhook", "websocket"). */
  readonly name: string;
  /**
   * Deliver one batch. Resolves when the sink has taken responsibility for it (written, or buffered
   * within its own bound). Rejects only when the batch is lost for good after the sink's own retries;
   * the pipeline then counts it as a sink error.
   */
  write(results: WindowResult[]): Promise<void>;
  /** Flush everything accepted so far and release resources. Nothing accepted may be lost. */
  close(): Promise<void>;
  /**
   * Optional: apply a changed configuration entry (same `type`) in place, keeping the queue and what
   * is in it. Returns false when the change needs a new sink (the pipeline then replaces it).
   */
  retune?(config: unknown): boolean;
}
