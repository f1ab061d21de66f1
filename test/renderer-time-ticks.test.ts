import { describe, expect, it } from 'vitest';
import { timeTicks } from '../src-renderer/lib/time-ticks';

describe('timeTicks', () => {
  it('puts at most maxTicks ticks on round seconds inside the range', () => {
    const t0 = 1_700_000_000_300;
    const ticks = timeTicks(t0, t0 + 3_400, 5);
    expect(ticks).toEqual([t0 + 700, t0 + 1_700, t0 + 2_700]);
    expect(ticks.every((t) => t % 1000 === 0)).toBe(true);
  });

  it('widens the step for longer ranges (30 s → 10 s steps; 5 min → 60 s steps)', () => {
    const t0 = 1_700_000_000_000;
    expect(timeTicks(t0, t0 + 30_000, 5)).toEqual([t0, t0 + 10_000, t0 + 20_000, t0 + 30_000]);
    const five = timeTicks(t0, t0 + 300_000, 5);
    expect(five.length).toBeLessThanOrEqual(6);
    expect(new Set(five.slice(1).map((t, i) => t - five[i]))).toEqual(new Set([60_000]));
  });

  it('never repeats a label and handles empty or degenerate ranges', () => {
    expect(timeTicks(5, 4)).toEqual([]);
    expect(timeTicks(Number.NaN, 4)).toEqual([]);
    expect(timeTicks(7, 7)).toEqual([7]);
    const t = timeTicks(0, 86_400_000 * 3, 5);
    expect(t.length).toBeGreaterThan(0);
    expect(t.length).toBeLessThanOrEqual(6);
  });
});
