/**
 * Times of windows a day or longer (bug: a file source replaying hourly normals with 86400 s windows
 * showed every row as "00:00:00.000 → 00:00:00.000", the chart's x labels ran "00:00:00, 20:00:00,
 * 16:00:00 …", and the watermark lag axis read "166666.7 h", clipped). Times are built in local time
 * so the expectations hold in any time zone.
 */
import { describe, expect, it } from 'vitest';
import { DAY_MS, formatDateTime, formatDurationMs, formatTime, needsDate, resultsNeedDate } from '../src-renderer/lib/format';
import { formatTimePoint, formatTimeTick, timeAxis, timeTicks } from '../src-renderer/lib/time-ticks';

const local = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => new Date(y, mo - 1, d, h, mi, s).getTime();

describe('dates in times', () => {
  it('formats a local date and time', () => {
    expect(formatDateTime(local(2010, 1, 2, 3, 4, 5) + 6)).toBe('2010-01-02 03:04:05.006');
    expect(formatTime(local(2010, 1, 2, 3, 4, 5), false)).toBe('03:04:05.000');
  });

  it('needs the date for windows of a day or more, spans of a day or more, and ranges crossing midnight', () => {
    const t = local(2010, 3, 1, 12);
    expect(needsDate(t, t + 30_000)).toBe(false);
    expect(needsDate(t, t, DAY_MS)).toBe(true);
    expect(needsDate(t, t + DAY_MS)).toBe(true);
    expect(needsDate(local(2010, 3, 1, 23, 59, 50), local(2010, 3, 2, 0, 0, 10))).toBe(true);
  });

  it('shows daily windows in the results table with distinct dates, short windows as a clock', () => {
    const days = [1, 2, 3].map((d) => ({ windowStart: local(2010, 1, d), windowEnd: local(2010, 1, d + 1) }));
    expect(resultsNeedDate(days)).toBe(true);
    const cells = days.flatMap((r) => [formatTime(r.windowStart, true), formatTime(r.windowEnd, true)]);
    expect(cells.slice(0, 2)).toEqual(['2010-01-01 00:00:00.000', '2010-01-02 00:00:00.000']);
    expect(new Set(cells.filter((_, i) => i % 2 === 0)).size).toBe(3);
    const t = local(2010, 1, 1, 10);
    expect(resultsNeedDate([{ windowStart: t, windowEnd: t + 1000 }, { windowStart: t + 1000, windowEnd: t + 2000 }])).toBe(false);
    expect(resultsNeedDate([])).toBe(false);
  });

  it('labels a multi-day axis with ascending dates on local midnights, never times of day running backwards', () => {
    const start = local(2010, 1, 1, 1);
    const end = start + 100 * 3_600_000; // ~4 days: the old 20 h step gave 00:00, 20:00, 16:00 …
    const axis = timeAxis(start, end);
    expect(axis.mode).toBe('date');
    expect(axis.ticks.length).toBeGreaterThan(1);
    expect(axis.ticks.every((t) => new Date(t).getHours() === 0 && new Date(t).getMinutes() === 0)).toBe(true);
    const labels = axis.ticks.map((t) => formatTimeTick(t, axis.mode));
    expect(labels[0]).toBe('2010-01-02');
    expect([...labels].sort()).toEqual(labels);
    expect(new Set(labels).size).toBe(labels.length);
    expect(formatTimePoint(start, axis.mode)).toBe('2010-01-01 01:00:00.000');
  });

  it('puts long spans on whole days (a year of daily windows) and hour spans on local hours', () => {
    const year = timeTicks(local(2010, 1, 1), local(2010, 12, 31), 5);
    expect(year.length).toBeGreaterThan(1);
    expect(year.length).toBeLessThanOrEqual(6);
    expect(year.every((t) => new Date(t).getHours() === 0)).toBe(true);
    const hours = timeAxis(local(2010, 1, 1, 20), local(2010, 1, 2, 8));
    expect(hours.mode).toBe('date-minute');
    expect(hours.ticks.every((t) => new Date(t).getMinutes() === 0 && new Date(t).getHours() % 3 === 0)).toBe(true);
    expect(hours.ticks.map((t) => formatTimeTick(t, hours.mode))).toContain('01-02 00:00');
  });

  it('dates a single point standing for a daily window; keeps the clock for a live span of seconds', () => {
    const t = local(2010, 6, 1);
    const one = timeAxis(t, t, { windowMs: DAY_MS });
    expect(one.mode).not.toBe('clock');
    expect(formatTimeTick(one.ticks[0], one.mode)).toBe('2010-06-01');
    const live = timeAxis(local(2010, 6, 1, 12, 0, 0) + 300, local(2010, 6, 1, 12, 0, 30) + 300);
    expect(live.mode).toBe('clock');
    expect(live.ticks.map((v) => formatTimeTick(v, live.mode))).toEqual(['12:00:10', '12:00:20', '12:00:30']);
  });
});

describe('long durations', () => {
  it('uses days and years instead of thousands of hours', () => {
    expect(formatDurationMs(5.5 * 3_600_000)).toBe('5.5 h');
    expect(formatDurationMs(3 * DAY_MS)).toBe('3 d');
    expect(formatDurationMs(166_666.7 * 3_600_000)).toBe('19 y');
    expect(formatDurationMs(-2 * DAY_MS)).toBe('-2 d');
  });
});
