import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../src-main/engine/time/duration';

describe('parseDuration', () => {
  it('accepts ms, s, m, h, d and bare numbers (ms)', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('5s')).toBe(5000);
    expect(parseDuration('1.5m')).toBe(90_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration('500')).toBe(500);
    expect(parseDuration(' 10 s ')).toBe(10_000);
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration(1234)).toBe(1234);
    expect(parseDuration('5S')).toBe(5000);
  });

  it('throws a message naming the value and the accepted forms', () => {
    for (const bad of ['-5s', 'abc', '', '5 minutes', '5sec', '1h30m', 'NaN', 'Infinity', '5x']) {
      expect(() => parseDuration(bad), bad).toThrow(new RegExp(`"${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}".*250ms, 5s, 1\\.5m, 2h, 1d`));
    }
    expect(() => parseDuration('-5s')).toThrow(/negative/);
    expect(() => parseDuration(-1)).toThrow(/-1/);
    expect(() => parseDuration(NaN)).toThrow(/NaN/);
    expect(() => parseDuration(Infinity)).toThrow(/Infinity/);
  });
});

describe('formatDuration', () => {
  it('uses the largest exact unit', () => {
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(5000)).toBe('5s');
    expect(formatDuration(90_000)).toBe('1.5m');
    expect(formatDuration(7_200_000)).toBe('2h');
    expect(formatDuration(86_400_000)).toBe('1d');
    expect(formatDuration(0)).toBe('0ms');
    expect(formatDuration(1001)).toBe('1.001s');
  });

  it('property: round-trips through parseDuration', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 86_400_000 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBeCloseTo(ms, 6);
      }),
    );
  });
});
