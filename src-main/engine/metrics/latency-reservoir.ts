/**
 * The most recent N latency observations in a ring buffer, for cheap p50/p99 in snapshots
 * (Prometheus gets the full histogram; the dashboard gets quantiles of recent results).
 */

/** Ring buffer of the last `size` observations (seconds). */
export class LatencyReservoir {
  private readonly buf: Float64Array;
  private count = 0;

  constructor(size: number) {
    this.buf = new Float64Array(size);
  }

  /** Add one observation (seconds). O(1). */
  add(seconds: number): void {
    this.buf[this.count % this.buf.length] = seconds;
    this.count++;
  }

  /**
   * Nearest-rank quantiles (each q in 0..1) of the retained observations, seconds; null for each
   * when nothing was observed yet.
   */
  quantiles(qs: number[]): Array<number | null> {
    const n = Math.min(this.count, this.buf.length);
    if (n === 0) return qs.map(() => null);
    const sorted = this.buf.slice(0, n).sort();
    return qs.map((q) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]);
  }
}
