/**
 * Sliding-window meter of "time spent in a state", as Flink's backPressuredTimeMsPerSecond /
 * busyTimeMsPerSecond: intervals of processing time are spread over fixed buckets, and the rate is
 * the covered time divided by the window length, in ms per second (0..1000).
 */

/** Bucket width, ms. */
const BUCKET_MS = 250;
/**
 * Buckets kept; the window covers (BUCKETS-1)*BUCKET_MS .. BUCKETS*BUCKET_MS of processing time
 * (~2 s: short enough that a recovery reads as ~0 within a few seconds, long enough to be steady).
 */
const BUCKETS = 8;

/** Accumulates time intervals and reports them as ms per second over the last ~2 s. */
export class LoadMeter {
  private readonly ms = new Float64Array(BUCKETS);
  private readonly idx = new Float64Array(BUCKETS).fill(-1);
  private totalMs = 0;

  /** @param startedAt processing time (ms) the meter starts at; the window never reaches before it. */
  constructor(private readonly startedAt: number) {}

  /** Total ms recorded since start (monotonic). */
  get total(): number {
    return this.totalMs;
  }

  /** Record that the state held during `[fromMs, toMs]` (processing time, ms). Ignores empty spans. */
  add(fromMs: number, toMs: number): void {
    if (fromMs < this.startedAt) fromMs = this.startedAt;
    if (!(toMs > fromMs)) return;
    this.totalMs += toMs - fromMs;
    const last = Math.floor(toMs / BUCKET_MS);
    const first = Math.max(Math.floor(fromMs / BUCKET_MS), last - BUCKETS + 1);
    for (let k = first; k <= last; k++) {
      const overlap = Math.min(toMs, (k + 1) * BUCKET_MS) - Math.max(fromMs, k * BUCKET_MS);
      if (overlap > 0) this.addToBucket(k, overlap);
    }
  }

  /**
   * Ms per second (0..1000) the state held over the window ending at `nowMs`, including an
   * in-progress span that started at `openSince` (ms) if given.
   */
  perSecond(nowMs: number, openSince: number | null = null): number {
    const cur = Math.floor(nowMs / BUCKET_MS);
    const firstBucket = cur - BUCKETS + 1;
    const windowStart = Math.max(this.startedAt, firstBucket * BUCKET_MS);
    const windowMs = nowMs - windowStart;
    if (windowMs <= 0) return openSince !== null ? 1000 : 0;
    let covered = 0;
    for (let s = 0; s < BUCKETS; s++) {
      const k = this.idx[s];
      if (k >= firstBucket && k <= cur) covered += this.ms[s];
    }
    if (openSince !== null) covered += Math.max(0, nowMs - Math.max(openSince, windowStart));
    return clamp((covered / windowMs) * 1000);
  }

  private addToBucket(k: number, amount: number): void {
    const slot = ((k % BUCKETS) + BUCKETS) % BUCKETS;
    if (this.idx[slot] !== k) {
      if (this.idx[slot] > k) return; // older than the window already rotated past it
      this.idx[slot] = k;
      this.ms[slot] = 0;
    }
    this.ms[slot] += amount;
  }
}

/** Clamp to 0..1000 ms per second. */
export function clamp(msPerSec: number): number {
  return msPerSec < 0 ? 0 : msPerSec > 1000 ? 1000 : msPerSec;
}
