/**
 * The webhook sink: window results POSTed in batches as `{"results":[...]}` (application/json),
 * retried with exponential backoff and full jitter, dead-lettered to a JSONL file when every try
 * failed. The buffer is bounded: when it is full, `write()` waits (backpressure to the sink queue).
 * Each batch carries an `Idempotency-Key` (sha256 of its results without `emittedAt`), the same on
 * every retry and in its dead letter, so a receiver can drop a batch it already processed.
 * Shutdown is bounded: see {@link WebhookSink.close}.
 */
import { createHash } from 'node:crypto';
import pRetry from 'p-retry';
import { z } from 'zod';
import type { WindowResult } from '../../../src-shared/types';
import type { Sink } from '../component';
import { realSleep as sleep } from '../sources/pacing';
import { JsonlWriter } from './jsonl-writer';
import type { SinkMetrics } from './sink-metrics';

const webhookShape = {
  /** Metrics name of the sink; default "webhook". */
  name: z.string().min(1).optional(),
  /** Endpoint, http or https. */
  url: z.url({ protocol: /^https?$/, error: 'url must be an http:// or https:// URL' }),
  /** Most results in one POST. */
  batchMaxResults: z.number().int().min(1).max(100_000).default(500),
  /** A partial batch is sent at the latest this long (ms) after its first result was buffered. */
  flushIntervalMs: z.number().int().min(0).default(200),
  /**
   * Per-request timeout, ms. Long by default: a slow receiver that answers is better waited for
   * than re-sent to (a timed-out batch may have been processed; its retry carries the same key).
   */
  timeoutMs: z.number().int().min(1).default(30_000),
  /** Retries after the first try (so at most retries + 1 requests per batch). */
  retries: z.number().int().min(0).max(100).default(5),
  /** Backoff cap of the first retry, ms; doubles per retry up to maxBackoffMs (full jitter below it). */
  minBackoffMs: z.number().int().min(0).default(100),
  /** Largest wait between two tries, ms; also caps a server's Retry-After. */
  maxBackoffMs: z.number().int().min(0).default(10_000),
  /** Results held (buffered + in flight) before `write()` waits. */
  maxBufferedResults: z.number().int().min(1).default(10_000),
  /** JSONL file receiving batches that failed for good: `{ reason, status?, error, idempotencyKey, results, attempts, at }`. */
  deadLetterPath: z.string().min(1).optional(),
  /** Rotate the dead-letter file past this many bytes (0 = never); default 64 MiB. */
  deadLetterMaxBytes: z.number().int().min(0).default(64 * 1024 * 1024),
  /** Rotated dead-letter files kept (total cap; what it deletes is counted); default 4. */
  deadLetterMaxFiles: z.number().int().min(0).max(1000).default(4),
  /**
   * Longest time `close()` keeps delivering, ms (default 10 s); then what is undelivered is
   * dead-lettered with reason `shutdown_deadline`. The host's shutdown signal cuts it short.
   */
  shutdownTimeoutMs: z.number().int().min(0).default(10_000),
  /** Extra request headers (content-type is always application/json). */
  headers: z.record(z.string(), z.string()).optional(),
};

const backoffOrder = (o: { minBackoffMs: number; maxBackoffMs: number }) => o.maxBackoffMs >= o.minBackoffMs;
const backoffError = { message: 'maxBackoffMs must be >= minBackoffMs', path: ['maxBackoffMs'] };

/** Options of the webhook sink (all serialisable). */
export const webhookSinkOptionsSchema = z.object(webhookShape).strict().refine(backoffOrder, backoffError);

/** The `sinks[]` entry of a pipeline config for the webhook sink. */
export const webhookSinkConfigSchema = z
  .object({ ...webhookShape, type: z.literal('webhook') })
  .strict()
  .refine(backoffOrder, backoffError);

/** Options accepted by {@link WebhookSink} (defaults filled in by the schema). */
export type WebhookSinkOptions = z.input<typeof webhookSinkOptionsSchema>;

/** Counters of a {@link WebhookSink}; counts are results unless named batches. */
export interface WebhookSinkStats {
  /** Results acknowledged by the endpoint (2xx). */
  sent: number;
  /** Batches that failed for good (retries exhausted or a non-retryable status). */
  failedBatches: number;
  /** Results written to the dead-letter file. */
  deadLettered: number;
  /** Requests repeated after a failed try. */
  retries: number;
  /** Results lost: failed for good with no dead-letter file, or the dead-letter write failed. */
  lost: number;
  /** Results held right now (buffered + in flight). */
  buffered: number;
}

/** Why a batch ended up in the dead-letter file. */
export type WebhookDeadLetterReason = 'retries_exhausted' | 'not_retryable' | 'internal_error' | 'shutdown_deadline';

/** Runtime dependencies of a {@link WebhookSink} (not part of the config). */
export interface WebhookSinkDeps {
  /** Where deliveries, dead letters, losses and rotation discards are counted. */
  metrics?: SinkMetrics;
  /**
   * Aborted when the host's shutdown deadline passed (or a second SIGINT/SIGTERM cut it short):
   * the sink stops trying and dead-letters everything undelivered, now and on later writes.
   */
  shutdownSignal?: AbortSignal;
}

/**
 * The batch's `Idempotency-Key`: hex sha256 over the JSON of its results without `emittedAt`
 * (the processing time of the emission), so a re-emission of the same results after a recovery
 * carries the same key.
 */
export function idempotencyKey(results: readonly WindowResult[]): string {
  const stable = results.map(({ emittedAt: _at, ...rest }) => rest);
  return createHash('sha256').update(JSON.stringify(stable)).digest('hex');
}

/** One line of the webhook dead-letter file. */
export interface WebhookDeadLetter {
  reason: WebhookDeadLetterReason;
  /** Last HTTP status seen, when the last try got a response. */
  status?: number;
  /** Last error, human-readable. */
  error: string;
  /** Requests made for this batch. */
  attempts: number;
  /** The key every request of this batch carried. */
  idempotencyKey: string;
  /** Processing time of the decision, ms since epoch. */
  at: number;
  results: WindowResult[];
}

/** A failed try; `retryable` says whether p-retry may try again. */
class AttemptError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'AttemptError';
  }
}

/**
 * `Retry-After` (delta-seconds or an HTTP date) → ms from now, or undefined when absent/invalid.
 */
export function parseRetryAfterMs(value: string | null, nowMs = Date.now()): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * POSTs results in batches of at most `batchMaxResults`, one request in flight at a time (so the
 * endpoint sees results in order, and a slow endpoint gets bigger batches, never more requests).
 * Network errors, timeouts, 5xx and 429 are retried up to `retries` times, waiting a random time in
 * [0, min(maxBackoffMs, minBackoffMs·2^n)) (full jitter) or the server's Retry-After (capped at
 * maxBackoffMs); other statuses are not retried. After a batch failed for good, the next batch's
 * first try waits a backoff too (so a dead endpoint is not hammered batch after batch).
 * A batch that fails for good goes to `deadLetterPath`; without one the loss is counted
 * (`stats().lost`, metrics reason `lost`) and `close()` rejects naming it. `write()` never rejects
 * for another batch's fate: each batch is counted once, as delivered, dead-lettered or lost, in
 * the metrics (the sink reports its own deliveries: {@link reportsDelivery}).
 * Throws (constructor) a ZodError on invalid options.
 */
export class WebhookSink implements Sink {
  readonly name: string;
  private readonly opts: z.output<typeof webhookSinkOptionsSchema>;
  private readonly deadLetters: JsonlWriter | null;
  private buffer: WindowResult[] = [];
  private inFlight = 0;
  private flushDue = false;
  private timer: NodeJS.Timeout | null = null;
  private pumping: Promise<void> | null = null;
  private spaceWaiters: Array<() => void> = [];
  private closing = false;
  private closed: Promise<void> | null = null;
  private readonly counters = { sent: 0, failedBatches: 0, deadLettered: 0, retries: 0, lost: 0 };
  /** Batches in a row that failed for good (0 after a success): the next first try backs off. */
  private failureStreak = 0;
  /** Aborted at the shutdown deadline: stop trying, dead-letter what is left. */
  private readonly giveUp = new AbortController();
  private deadlineTimer: NodeJS.Timeout | null = null;
  private readonly metrics?: SinkMetrics;
  /** This sink counts its deliveries and failures itself (they happen after `write()` resolved). */
  readonly reportsDelivery = true;

  constructor(options: WebhookSinkOptions, deps: WebhookSinkDeps = {}) {
    this.opts = webhookSinkOptionsSchema.parse(options);
    const name = this.opts.name ?? 'webhook';
    this.name = name;
    this.metrics = deps.metrics;
    this.deadLetters = this.opts.deadLetterPath
      ? new JsonlWriter(this.opts.deadLetterPath, {
          append: true,
          maxBytes: this.opts.deadLetterMaxBytes,
          maxFiles: this.opts.deadLetterMaxFiles,
          onDiscard: (bytes, lines) => deps.metrics?.outputDiscarded(`${name}_dead_letter`, bytes, lines),
        })
      : null;
    const signal = deps.shutdownSignal;
    if (signal?.aborted) this.giveUp.abort();
    else signal?.addEventListener('abort', () => this.abandon(), { once: true });
  }

  /** Counters since construction. */
  stats(): WebhookSinkStats {
    return { ...this.counters, buffered: this.buffer.length + this.inFlight };
  }

  /**
   * Buffer a batch. Resolves once it is buffered; waits first while the buffer holds
   * `maxBufferedResults` or more. After the shutdown deadline the batch is dead-lettered at once
   * (reason `shutdown_deadline`). Rejects only after `close()` resolved or began.
   */
  async write(results: WindowResult[]): Promise<void> {
    if (this.closing && !this.giveUp.signal.aborted) throw new Error(`webhook sink ${this.name}: write after close`);
    while (!this.giveUp.signal.aborted && this.buffer.length + this.inFlight >= this.opts.maxBufferedResults) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
    if (this.giveUp.signal.aborted) {
      if (results.length > 0) await this.deadLetterAll([...results]);
      return;
    }
    for (const r of results) this.buffer.push(r);
    if (results.length > 0) this.kick();
  }

  /**
   * Send everything buffered (with retries) for at most `shutdownTimeoutMs` (or until the host's
   * shutdown signal), then dead-letter what is still undelivered — the batch in flight is aborted
   * and kept with its key — close the dead-letter file, and resolve. Rejects, after all that, when
   * results were lost (no dead-letter file, or its write failed).
   */
  close(): Promise<void> {
    if (this.closed) return this.closed;
    this.closing = true;
    this.clearTimer();
    if (!this.giveUp.signal.aborted) {
      this.deadlineTimer = setTimeout(() => this.abandon(), this.opts.shutdownTimeoutMs);
      this.deadlineTimer.unref?.();
    }
    this.closed = (async () => {
      while (this.buffer.length > 0 || this.pumping) {
        if (!this.pumping) this.kick();
        if (!this.pumping) break;
        await this.pumping;
      }
      if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
      this.wakeWriters();
      await this.deadLetters?.close();
      if (this.counters.lost > 0) {
        throw new Error(
          `webhook sink ${this.name}: ${this.counters.lost} results lost${this.lastLoss ? ` (${this.lastLoss})` : ''}; set deadLetterPath to keep them`,
        );
      }
    })();
    return this.closed;
  }

  /** The shutdown deadline passed: stop retrying, abort the request in flight, free waiting writers. */
  private abandon(): void {
    if (this.giveUp.signal.aborted) return;
    this.giveUp.abort();
    this.wakeWriters();
    this.kick();
  }

  private lastLoss: string | null = null;

  private sendNow(): boolean {
    return (
      this.buffer.length >= this.opts.batchMaxResults ||
      this.flushDue ||
      this.closing ||
      this.giveUp.signal.aborted ||
      this.buffer.length + this.inFlight >= this.opts.maxBufferedResults
    );
  }

  /** Start the sender if there is a reason to send now; otherwise make sure the flush timer runs. */
  private kick(): void {
    if (this.pumping || this.buffer.length === 0) return;
    if (!this.sendNow()) {
      this.armTimer();
      return;
    }
    this.pumping = this.pump().finally(() => {
      this.pumping = null;
      if (this.buffer.length > 0) this.kick();
    });
  }

  private armTimer(): void {
    if (this.timer || this.closing) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flushDue = true;
      this.kick();
    }, this.opts.flushIntervalMs);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async pump(): Promise<void> {
    while (this.buffer.length > 0 && this.sendNow()) {
      this.clearTimer();
      if (this.giveUp.signal.aborted) {
        await this.deadLetterAll(this.buffer.splice(0));
        this.wakeWriters();
        return;
      }
      const batch = this.buffer.splice(0, this.opts.batchMaxResults);
      this.inFlight = batch.length;
      if (this.buffer.length === 0) this.flushDue = false;
      try {
        await this.deliver(batch);
      } finally {
        this.inFlight = 0;
        this.wakeWriters();
      }
    }
  }

  private wakeWriters(): void {
    const waiters = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Send one batch with retries; on final failure (or the shutdown deadline) dead-letter it. Never throws. */
  private async deliver(batch: WindowResult[]): Promise<void> {
    const body = JSON.stringify({ results: batch });
    const key = idempotencyKey(batch);
    const signal = this.giveUp.signal;
    let attempts = 0;
    try {
      // After a batch failed for good, back off before this one's first try too.
      if (this.failureStreak > 0) await sleep(this.backoffMs(this.failureStreak, undefined), signal);
      await pRetry(
        () => {
          if (signal.aborted) throw new AttemptError('shutdown deadline passed before the request', false);
          attempts += 1;
          return this.postOnce(body, key);
        },
        {
          retries: this.opts.retries,
          minTimeout: 0, // the wait happens in shouldRetry (full jitter / Retry-After)
          shouldRetry: async ({ error, retriesConsumed }) => {
            if (!(error instanceof AttemptError) || !error.retryable || signal.aborted) return false;
            await sleep(this.backoffMs(retriesConsumed, error.retryAfterMs), signal);
            if (signal.aborted) return false;
            this.counters.retries += 1;
            return true;
          },
        },
      );
      this.counters.sent += batch.length;
      this.failureStreak = 0;
      this.metrics?.sent(this.name, 'sink', batch.length);
    } catch (err) {
      this.counters.failedBatches += 1;
      this.failureStreak += 1;
      const attemptError = err instanceof AttemptError ? err : null;
      const reason: WebhookDeadLetterReason = signal.aborted
        ? 'shutdown_deadline'
        : !attemptError
          ? 'internal_error'
          : attemptError.retryable
            ? 'retries_exhausted'
            : 'not_retryable';
      await this.deadLetter({
        reason,
        ...(attemptError?.status !== undefined ? { status: attemptError.status } : {}),
        error: err instanceof Error ? err.message : String(err),
        attempts,
        idempotencyKey: key,
        at: Date.now(),
        results: batch,
      });
    }
  }

  /** Dead-letter undelivered results after the shutdown deadline, in batches of `batchMaxResults`. */
  private async deadLetterAll(results: WindowResult[]): Promise<void> {
    for (let i = 0; i < results.length; i += this.opts.batchMaxResults) {
      const batch = results.slice(i, i + this.opts.batchMaxResults);
      this.counters.failedBatches += 1;
      await this.deadLetter({
        reason: 'shutdown_deadline',
        error: 'the shutdown deadline passed before this batch was delivered',
        attempts: 0,
        idempotencyKey: idempotencyKey(batch),
        at: Date.now(),
        results: batch,
      });
    }
  }

  /** Full jitter: random in [0, min(max, min·2^n)); a Retry-After wins, capped at maxBackoffMs. */
  private backoffMs(retriesConsumed: number, retryAfterMs: number | undefined): number {
    if (retryAfterMs !== undefined) return Math.min(retryAfterMs, this.opts.maxBackoffMs);
    const cap = Math.min(this.opts.maxBackoffMs, this.opts.minBackoffMs * 2 ** retriesConsumed);
    return Math.floor(Math.random() * cap);
  }

  private async postOnce(body: string, key: string): Promise<void> {
    const { url, timeoutMs } = this.opts;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { ...this.opts.headers, 'content-type': 'application/json', 'idempotency-key': key },
        body,
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), this.giveUp.signal]),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      if (this.giveUp.signal.aborted) throw new AttemptError(`POST ${url} aborted at the shutdown deadline (the receiver may have it)`, false);
      if (e.name === 'TimeoutError' || e.name === 'AbortError') {
        throw new AttemptError(`POST ${url} timed out after ${timeoutMs} ms`, true);
      }
      const detail = e.cause?.code ?? e.cause?.message ?? e.message;
      throw new AttemptError(`POST ${url} failed: ${detail}`, true);
    }
    // Read the body so the connection can be reused; its content does not matter.
    await res.arrayBuffer().catch(() => undefined);
    if (this.giveUp.signal.aborted && !res.ok) throw new AttemptError(`POST ${url} answered HTTP ${res.status} at the shutdown deadline`, false, res.status);
    if (res.ok) return;
    const status = res.status;
    const retryable = status >= 500 || status === 429;
    const retryAfterMs = retryable ? parseRetryAfterMs(res.headers.get('retry-after')) : undefined;
    throw new AttemptError(`POST ${url} answered HTTP ${status}`, retryable, status, retryAfterMs);
  }

  /** Keep a batch that failed for good (or count it lost); counted once, against this batch. */
  private async deadLetter(entry: WebhookDeadLetter): Promise<void> {
    const n = entry.results.length;
    this.metrics?.errors(this.name, 'sink', entry.reason, n);
    if (!this.deadLetters) {
      this.loss(n, `${entry.reason}: ${entry.error}`);
      return;
    }
    try {
      await this.deadLetters.write([entry]);
      this.counters.deadLettered += n;
      this.metrics?.sinkDeadLettered(this.name, entry.reason, n);
    } catch (err) {
      this.loss(n, `dead-letter write failed: ${(err as Error).message}`);
    }
  }

  private loss(n: number, why: string): void {
    this.counters.lost += n;
    this.lastLoss = why;
    this.metrics?.sinkDeadLettered(this.name, 'lost', n);
  }
}

