/**
 * The webhook sink: window results POSTed in batches as `{"results":[...]}` (application/json),
 * retried with exponential backoff and full jitter, dead-lettered to a JSONL file when every try
 * failed. The buffer is bounded: when it is full, `write()` waits (backpressure to the sink queue).
 */
import pRetry from 'p-retry';
import { z } from 'zod';
import type { WindowResult } from '../../../src-shared/types';
import type { Sink } from '../component';
import { JsonlWriter } from './jsonl-writer';

const webhookShape = {
  /** Metrics name of the sink; default "webhook". */
  name: z.string().min(1).optional(),
  /** Endpoint, http or https. */
  url: z.url({ protocol: /^https?$/, error: 'url must be an http:// or https:// URL' }),
  /** Most results in one POST. */
  batchMaxResults: z.number().int().min(1).max(100_000).default(500),
  /** A partial batch is sent at the latest this long (ms) after its first result was buffered. */
  flushIntervalMs: z.number().int().min(0).default(200),
  /** Per-request timeout, ms (AbortSignal.timeout). */
  timeoutMs: z.number().int().min(1).default(5000),
  /** Retries after the first try (so at most retries + 1 requests per batch). */
  retries: z.number().int().min(0).max(100).default(5),
  /** Backoff cap of the first retry, ms; doubles per retry up to maxBackoffMs (full jitter below it). */
  minBackoffMs: z.number().int().min(0).default(100),
  /** Largest wait between two tries, ms; also caps a server's Retry-After. */
  maxBackoffMs: z.number().int().min(0).default(10_000),
  /** Results held (buffered + in flight) before `write()` waits. */
  maxBufferedResults: z.number().int().min(1).default(10_000),
  /** JSONL file receiving batches that failed for good: `{ reason, status?, error, results, attempts, at }`. */
  deadLetterPath: z.string().min(1).optional(),
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
export type WebhookDeadLetterReason = 'retries_exhausted' | 'not_retryable' | 'internal_error';

/** One line of the webhook dead-letter file. */
export interface WebhookDeadLetter {
  reason: WebhookDeadLetterReason;
  /** Last HTTP status seen, when the last try got a response. */
  status?: number;
  /** Last error, human-readable. */
  error: string;
  /** Requests made for this batch. */
  attempts: number;
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
 * endpoint sees results in order). Network errors, timeouts, 5xx and 429 are retried up to
 * `retries` times, waiting a random time in [0, min(maxBackoffMs, minBackoffMs·2^n)) (full jitter)
 * or the server's Retry-After (capped at maxBackoffMs); other statuses are not retried.
 * A batch that fails for good goes to `deadLetterPath` and `write()` keeps resolving. Without a
 * dead-letter file the loss is counted (`stats().lost`) and the next `write()` or `close()`
 * rejects with an error naming the lost results (the batch of that `write()` is still accepted).
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
  private pendingError: Error | null = null;
  private readonly counters = { sent: 0, failedBatches: 0, deadLettered: 0, retries: 0, lost: 0 };

  constructor(options: WebhookSinkOptions) {
    this.opts = webhookSinkOptionsSchema.parse(options);
    this.name = this.opts.name ?? 'webhook';
    this.deadLetters = this.opts.deadLetterPath ? new JsonlWriter(this.opts.deadLetterPath, { append: true }) : null;
  }

  /** Counters since construction. */
  stats(): WebhookSinkStats {
    return { ...this.counters, buffered: this.buffer.length + this.inFlight };
  }

  /**
   * Buffer a batch. Resolves once it is buffered; waits first while the buffer holds
   * `maxBufferedResults` or more. Rejects after `close()`, or to report an earlier loss (see class).
   */
  async write(results: WindowResult[]): Promise<void> {
    if (this.closing) throw new Error(`webhook sink ${this.name}: write after close`);
    while (this.buffer.length + this.inFlight >= this.opts.maxBufferedResults) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
      if (this.closing) throw new Error(`webhook sink ${this.name}: closed while waiting for buffer space`);
    }
    for (const r of results) this.buffer.push(r);
    if (results.length > 0) this.kick();
    this.throwPendingError();
  }

  /** Send everything buffered (with retries), close the dead-letter file, then resolve. */
  close(): Promise<void> {
    if (this.closed) return this.closed;
    this.closing = true;
    this.clearTimer();
    this.closed = (async () => {
      while (this.buffer.length > 0 || this.pumping) {
        if (!this.pumping) this.kick();
        if (!this.pumping) break;
        await this.pumping;
      }
      this.wakeWriters();
      await this.deadLetters?.close();
      this.throwPendingError();
    })();
    return this.closed;
  }

  private throwPendingError(): void {
    const err = this.pendingError;
    if (!err) return;
    this.pendingError = null;
    throw err;
  }

  private sendNow(): boolean {
    return (
      this.buffer.length >= this.opts.batchMaxResults ||
      this.flushDue ||
      this.closing ||
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

  /** Send one batch with retries; on final failure dead-letter it. Never throws. */
  private async deliver(batch: WindowResult[]): Promise<void> {
    const body = JSON.stringify({ results: batch });
    let attempts = 0;
    try {
      await pRetry(
        () => {
          attempts += 1;
          return this.postOnce(body);
        },
        {
          retries: this.opts.retries,
          minTimeout: 0, // the wait happens in shouldRetry (full jitter / Retry-After)
          shouldRetry: async ({ error, retriesConsumed }) => {
            if (!(error instanceof AttemptError) || !error.retryable) return false;
            await sleep(this.backoffMs(retriesConsumed, error.retryAfterMs));
            this.counters.retries += 1;
            return true;
          },
        },
      );
      this.counters.sent += batch.length;
    } catch (err) {
      this.counters.failedBatches += 1;
      const attemptError = err instanceof AttemptError ? err : null;
      const reason: WebhookDeadLetterReason = !attemptError
        ? 'internal_error'
        : attemptError.retryable
          ? 'retries_exhausted'
          : 'not_retryable';
      await this.deadLetter({
        reason,
        ...(attemptError?.status !== undefined ? { status: attemptError.status } : {}),
        error: err instanceof Error ? err.message : String(err),
        attempts,
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

  private async postOnce(body: string): Promise<void> {
    const { url, timeoutMs } = this.opts;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { ...this.opts.headers, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      if (e.name === 'TimeoutError' || e.name === 'AbortError') {
        throw new AttemptError(`POST ${url} timed out after ${timeoutMs} ms`, true);
      }
      const detail = e.cause?.code ?? e.cause?.message ?? e.message;
      throw new AttemptError(`POST ${url} failed: ${detail}`, true);
    }
    // Read the body so the connection can be reused; its content does not matter.
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return;
    const status = res.status;
    const retryable = status >= 500 || status === 429;
    const retryAfterMs = retryable ? parseRetryAfterMs(res.headers.get('retry-after')) : undefined;
    throw new AttemptError(`POST ${url} answered HTTP ${status}`, retryable, status, retryAfterMs);
  }

  private async deadLetter(entry: WebhookDeadLetter): Promise<void> {
    const n = entry.results.length;
    if (!this.deadLetters) {
      this.counters.lost += n;
      this.pendingError = new Error(
        `webhook sink ${this.name}: ${n} results lost (${entry.reason}: ${entry.error}); set deadLetterPath to keep them`,
      );
      return;
    }
    try {
      await this.deadLetters.write([entry]);
      this.counters.deadLettered += n;
    } catch (err) {
      this.counters.lost += n;
      this.pendingError = new Error(
        `webhook sink ${this.name}: ${n} results lost, dead-letter write failed: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
