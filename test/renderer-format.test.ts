import { describe, expect, it } from 'vitest';
import { formatCompact, formatDurationMs, formatInteger, formatValue } from '../src-renderer/lib/format';
import { debounce } from '../src-renderer/lib/debounce';

describe('formatting', () => {
  it('formats counts and rates compactly', () => {
    expect(formatCompact(null)).toBe('—');
    expect(formatCompact(Number.NaN)).toBe('—');
    expect(formatCompact(2.54)).toBe('2.5');
    expect(formatCompact(891.7)).toBe('892');
    expect(formatCompact(1000)).toBe('1k');
    expect(formatCompact(1250)).toBe('1.3k');
    expect(formatCompact(3_400_000)).toBe('3.4M');
    expect(formatInteger(1_000_000)).toBe('1\u202f000\u202f000');
    expect(formatValue(12.345)).toBe('12.35');
  });

  it('formats durations in ms with a fitting unit', () => {
    expect(formatDurationMs(null)).toBe('—');
    expect(formatDurationMs(850)).toBe('850 ms');
    expect(formatDurationMs(12_340)).toBe('12.3 s');
    expect(formatDurationMs(90_000)).toBe('1.5 min');
  });
});

describe('debounce', () => {
  it('runs once with the last arguments; flush runs now; cancel drops', async () => {
    const calls: number[] = [];
    const d = debounce((n: number) => calls.push(n), 5);
    d(1);
    d(2);
    d(3);
    expect(calls).toEqual([]);
    await new Promise((r) => setTimeout(r, 30));
    expect(calls).toEqual([3]);
    d(4);
    d.flush();
    expect(calls).toEqual([3, 4]);
    d.flush();
    expect(calls).toEqual([3, 4]);
    d(5);
    d.cancel();
    await new Promise((r) => setTimeout(r, 30));
    expect(calls).toEqual([3, 4]);
  });
});
