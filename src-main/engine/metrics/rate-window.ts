/**
 * Per-second rates of monotonic counters over a sliding window of processing time, computed from
 * samples of the counters taken whenever a rate is asked for (no timers, no per-event work).
 */

interface Sample {
  t: number;
  values: number[];
}

/** Minimum spacing of stored samples, ms (bounds memory to windowMs / MIN_SPACING_MS samples). */
const MIN_SPACING_MS = 100;

/** Sliding-window rate estimator for a fixed-length vector of counters. */
export class RateWindow {
  private samples: Sample[] = [];

  /**
   * @param startedAt processing time (ms) at which every counter was 0.
   * @param windowMs length of the window, ms (rates are averaged over roughly this span).
   */
  constructor(
    startedAt: number,
    private readonly windowMs: number,
  ) {
    this.samples.push({ t: startedAt, values: [] });
  }

  /**
   * Record the counters' current `values` at time `nowMs` and return their rates, per second, over
   * `[nowMs - windowMs, nowMs]`: the counters at the window start are interpolated linearly between
   * the samples around it (early on, the window starts at the first sample). A counter missing from
   * a sample counts as 0. Returns zeros when no time has passed.
   */
  sample(nowMs: number, values: number[]): number[] {
    const s = this.samples;
    const cutoff = nowMs - this.windowMs;
    while (s.length > 1 && s[1].t <= cutoff) s.shift();
    let baseT = s[0].t;
    let baseAt = (i: number) => s[0].values[i] ?? 0;
    if (s.length > 1 && s[0].t < cutoff) {
      const a = s[0];
      const b = s[1];
      const f = (cutoff - a.t) / (b.t - a.t);
      baseT = cutoff;
      baseAt = (i) => (a.values[i] ?? 0) + f * ((b.values[i] ?? 0) - (a.values[i] ?? 0));
    }
    const dtSec = (nowMs - baseT) / 1000;
    const rates = values.map((v, i) => (dtSec > 0 ? Math.max(0, (v - baseAt(i)) / dtSec) : 0));
    const last = s[s.length - 1];
    if (nowMs - last.t >= MIN_SPACING_MS) s.push({ t: nowMs, values: values.slice() });
    return rates;
  }
}
