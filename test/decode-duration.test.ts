import { describe, expect, it } from 'vitest';
import { parseDuration } from '../src-main/engine/time/duration';

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
