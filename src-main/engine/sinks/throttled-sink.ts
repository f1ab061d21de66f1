/**
 * The throttled demo sink: a slow downstream to practise backpressure on, without writing a server.
 * It takes `resultsPerSec` results per second (a batch of n results takes n / resultsPerSec seconds)
 * plus `latencyMsPerBatch` per batch (a round trip), then discards the results: it stands for a
 * database or an API that cannot keep up. Its queue fills when results arrive faster than that, and
 * drains when the speed is raised (the new speed applies from the next batch) or the sink removed.
 */
import { z } from 'zod';
import type { WindowResult } from '../../../src-shared/types';
import type { Sink } from '../component';
import { realSleep, type SleepFn } from '../sources/pacing';

/** Longest single wait, ms: a speed change applies to a batch in progress within this. */
const STEP_MS = 100;

/** Serialisable options of the throttled sink. */
export const throttledSinkOptionsSchema = z
  .object({
    /** Results accepted per second (> 0). Default 100. */
    resultsPerSec: z.number().positive().max(1e9).default(100),
    /** Extra time per batch, ms (a round trip). Default 0. */
    latencyMsPerBatch: z.number().min(0).max(60_000).default(0),
  })
  .strict();

/** The `sinks[]` entry of a pipeline config for the throttled demo sink. */
export const throttledSinkConfigSchema = throttledSinkOptionsSchema.extend({ type: z.literal('throttled') }).strict();

/** Options of {@link ThrottledSink}; `sleep` (tests) is not part of the config. */
export type ThrottledSinkOptions = z.input<typeof throttledSinkOptionsSchema> & { sleep?: SleepFn };

/** A sink that is slow on purpose; see the module comment. */
export class ThrottledSink implements Sink {
  readonly name = 'throttled';
  private resultsPerSec: number;
  private latencyMs: number;
  private readonly sleep: SleepFn;
  private readonly abort = new AbortController();
  private taken = 0;

  /** @throws ZodError naming the option when it is out of range. */
  constructor(opts: ThrottledSinkOptions = {}) {
    const o = throttledSinkOptionsSchema.parse({ resultsPerSec: opts.resultsPerSec, latencyMsPerBatch: opts.latencyMsPerBatch });
    this.resultsPerSec = o.resultsPerSec;
    this.latencyMs = o.latencyMsPerBatch;
    this.sleep = opts.sleep ?? realSleep;
  }

  /** Results this sink has taken so far. */
  get takenResults(): number {
    return this.taken;
  }

  /**
   * Waits latencyMsPerBatch + n / resultsPerSec s, then counts and discards the batch. The wait is
   * taken in steps of at most STEP_MS at the speed in force, so a new speed applies within a step.
   */
  async write(results: WindowResult[]): Promise<void> {
    if (this.latencyMs > 0) await this.sleep(this.latencyMs, this.abort.signal);
    let left = results.length;
    while (left > 0) {
      const speed = this.resultsPerSec;
      const ms = Math.min(STEP_MS, (left / speed) * 1000);
      await this.sleep(ms, this.abort.signal);
      left -= Math.max(1, (ms / 1000) * speed);
    }
    this.taken += results.length;
  }

  /** A new speed applies from the next batch; the queue keeps what it holds. */
  retune(config: unknown): boolean {
    const parsed = throttledSinkConfigSchema.safeParse(config);
    if (!parsed.success) return false;
    this.resultsPerSec = parsed.data.resultsPerSec;
    this.latencyMs = parsed.data.latencyMsPerBatch;
    return true;
  }

  /** Nothing is buffered here: every batch was taken by the time write resolved. */
  async close(): Promise<void> {}
}
