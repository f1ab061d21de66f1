/**
 * The two interfaces every plug-in of the engine implements: sources produce event batches, sinks
 * consume result batches. The pipeline owns the queues between them; components never see each other.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
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

/** The simulated source's settings that apply while it runs: what a user turns to load the engine. */
export interface SimLoad {
  /** Events per second in total (> 0). */
  rateEventsPerSec: number;
  /** Distinct keys (sensors), >= 1. */
  sensors: number;
  /** Largest out-of-order delay of event times, ms (>= 0). */
  jitterMs: number;
  /** Fraction (0..1) of records produced malformed. */
  malformedRate: number;
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
  /**
   * Read position for checkpoints (offset, sequence, …): plain JSON data covering everything handed
   * to `emit`/`reject` so far. A resumable source (one with `seek`) returns undefined while it stands
   * between the batches of one read (not a clean point); the checkpoint then waits for its next emit.
   */
  position?(): unknown;
  /**
   * Called before `run`: continue after `position` (a value `position()` returned in an earlier
   * process) instead of from the start. Rejects when the input cannot be resumed there (a changed
   * file, a different stream), with a message saying what differs.
   */
  seek?(position: unknown): Promise<void>;
  /**
   * A completed checkpoint covers everything up to `position`: a broker source acknowledges it now
   * (never earlier, so a crash redelivers what no checkpoint holds).
   */
  ack?(position: unknown): void | Promise<void>;
  /** Changes the simulated load in place (rate, keys, jitter, malformed fraction), instead of a restart of the source. */
  setLoad?(load: SimLoad): void;
  /**
   * Answers an HTTP request on the engine's metrics server (HTTP ingest); resolves false when the
   * request is not for this source.
   */
  handle?(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
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
  /**
   * True when the sink delivers after `write()` resolved (buffering, retries) and counts each
   * batch's fate (sent, failed) in the metrics itself; the pipeline then counts neither.
   */
  readonly reportsDelivery?: boolean;
  /** Flush everything accepted so far and release resources. Nothing accepted may be lost. */
  close(): Promise<void>;
  /**
   * Checkpoints: makes everything written so far durable and returns plain data to resume from
   * (for a file: its length after fsync). Sinks without it are at-least-once across a recovery.
   */
  commitPoint?(): Promise<unknown>;
  /** Recovery, before the first write: take back what was written after `point` (truncate a file). */
  resumeFrom?(point: unknown): Promise<void>;
  /** Resolves once the sink can take results (a server listens); rejects if it cannot start. */
  ready?(): Promise<unknown>;
  /**
   * Optional: apply a changed configuration entry (same `type`) in place, keeping the queue and what
   * is in it. Returns false when the change needs a new sink (the pipeline then replaces it).
   */
  retune?(config: unknown): boolean;
}
