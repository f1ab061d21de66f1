/**
 * Tick positions for time axes (ms since epoch) on round seconds/minutes, so labels never repeat
 * ("18:24:29" twice) and read as a clock.
 */

/** Candidate tick steps, ms. */
const STEPS_MS = [1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000];

/**
 * Ticks in [minMs, maxMs] on multiples of the smallest step giving at most `maxTicks` intervals
 * (so at most `maxTicks` + 1 ticks).
 * Empty for an empty or non-finite range; a single tick for a zero-width range.
 */
export function timeTicks(minMs: number, maxMs: number, maxTicks = 5): number[] {
  if (!Number.isFinite(minMs) || !Number.isFinite(maxMs) || maxMs < minMs || maxTicks < 1) return [];
  if (maxMs === minMs) return [minMs];
  const span = maxMs - minMs;
  const step = STEPS_MS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / 3_600_000) * 3_600_000;
  const ticks: number[] = [];
  for (let t = Math.ceil(minMs / step) * step; t <= maxMs; t += step) ticks.push(t);
  return ticks;
}
