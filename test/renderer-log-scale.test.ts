import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_RATE, MIN_RATE, nextDistinctPosition, rateToSlider, roundSignificant, sliderToRate, SLIDER_STEPS } from '../src-renderer/lib/log-scale';

describe('events/s slider log scale', () => {
  it('maps the ends and each decade to round rates', () => {
    expect(sliderToRate(0)).toBe(1);
    expect(sliderToRate(100)).toBe(10);
    expect(sliderToRate(300)).toBe(1000);
    expect(sliderToRate(500)).toBe(100_000);
    expect(sliderToRate(600)).toBe(1_000_000);
    expect(sliderToRate(SLIDER_STEPS)).toBe(100_000_000);
  });

  it('clamps out-of-range and non-finite positions', () => {
    expect(sliderToRate(-50)).toBe(MIN_RATE);
    expect(sliderToRate(10_000)).toBe(MAX_RATE);
    expect(sliderToRate(Number.NaN)).toBe(MIN_RATE);
    expect(rateToSlider(0)).toBe(0);
    expect(rateToSlider(5e12)).toBe(SLIDER_STEPS);
    expect(rateToSlider(Number.NaN)).toBe(0);
  });

  it('is monotonic and always within 1..100,000,000', () => {
    let prev = 0;
    for (let p = 0; p <= SLIDER_STEPS; p++) {
      const r = sliderToRate(p);
      expect(r).toBeGreaterThanOrEqual(prev);
      expect(r).toBeGreaterThanOrEqual(MIN_RATE);
      expect(r).toBeLessThanOrEqual(MAX_RATE);
      expect(Number.isInteger(r)).toBe(true);
      prev = r;
    }
  });

  it('round-trips: a position comes back within the rounding (3 steps from 10 events/s up), a rate exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: SLIDER_STEPS }), (p) => {
        expect(Math.abs(rateToSlider(sliderToRate(p)) - p)).toBeLessThanOrEqual(3);
      }),
    );
    // The rate shown for a position is a fixed point: showing it again gives the same number.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: SLIDER_STEPS }), (p) => {
        const r = sliderToRate(p);
        expect(sliderToRate(rateToSlider(r))).toBe(r);
      }),
    );
  });

  it('puts any rate on the position of its decade (100 steps per decade)', () => {
    expect(rateToSlider(1000)).toBe(300);
    expect(rateToSlider(50_000)).toBe(470);
    expect(sliderToRate(rateToSlider(50_000))).toBe(50_000);
  });

  it('rounds to two significant digits', () => {
    expect(roundSignificant(1234)).toBe(1200);
    expect(roundSignificant(987_654)).toBe(990_000);
    expect(roundSignificant(1.4)).toBe(1);
    expect(roundSignificant(7.6)).toBe(8);
    expect(roundSignificant(-3)).toBe(0);
  });

  it('arrow steps always reach a different rate, in the right direction, and stop at the ends', () => {
    for (let p = 0; p < SLIDER_STEPS; p++) {
      if (sliderToRate(p) === MAX_RATE) break;
      const next = nextDistinctPosition(p, 1);
      expect(sliderToRate(next)).toBeGreaterThan(sliderToRate(p));
    }
    for (let p = SLIDER_STEPS; p > 0; p--) {
      const prev = nextDistinctPosition(p, -1);
      if (sliderToRate(p) > MIN_RATE) expect(sliderToRate(prev)).toBeLessThan(sliderToRate(p));
      else expect(prev).toBe(0);
    }
    expect(nextDistinctPosition(SLIDER_STEPS, 1)).toBe(SLIDER_STEPS);
    expect(nextDistinctPosition(0, -1)).toBe(0);
    expect(sliderToRate(nextDistinctPosition(500, 1))).toBe(110_000);
  });
});
