/**
 * Tick positions and labels for time axes (ms since epoch): ticks on round local seconds, minutes,
 * hours or days, so labels never repeat ("18:24:29" twice) and read as a clock, or as a calendar
 * once the axis spans a day or more.
 */
import { DAY_MS, formatClock, formatDate, formatDateTime, needsDate } from './format';

const HOUR_MS = 3_600_000;

/** Candidate tick steps below a day, ms. */
const STEPS_MS = [
  1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000,
  HOUR_MS, 2 * HOUR_MS, 3 * HOUR_MS, 6 * HOUR_MS, 12 * HOUR_MS,
];

/** Candidate tick steps of a day or more, in days (then multiples of a year's 365 days). */
const STEPS_DAYS = [1, 2, 7, 14, 30, 60, 90, 180, 365];

/** Offset of local time from UTC at `ms`, ms (positive east of Greenwich). */
function localOffsetMs(ms: number): number {
  return -new Date(ms).getTimezoneOffset() * 60_000;
}

/** The local calendar day of `ms` as a day number (days since 1970-01-01 in that calendar). */
function localDayNumber(ms: number): number {
  const d = new Date(ms);
  return Math.round(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) / DAY_MS);
}

/** Local midnight starting calendar day `day` (see {@link localDayNumber}), ms since epoch. */
function localMidnight(day: number): number {
  const u = new Date(day * DAY_MS);
  return new Date(u.getUTCFullYear(), u.getUTCMonth(), u.getUTCDate()).getTime();
}

/** The tick step {@link timeTicks} uses for a span, ms (whole days from a day on). */
export function timeTickStep(spanMs: number, maxTicks = 5): number {
  const step = STEPS_MS.find((s) => spanMs / s <= maxTicks);
  if (step !== undefined) return step;
  const days = STEPS_DAYS.find((d) => spanMs / (d * DAY_MS) <= maxTicks) ?? Math.ceil(spanMs / maxTicks / (365 * DAY_MS)) * 365;
  return days * DAY_MS;
}

/**
 * Ticks in [minMs, maxMs] on multiples (in local time) of the smallest step giving at most
 * `maxTicks` intervals (so at most `maxTicks` + 1 ticks). Steps of a day or more fall on local
 * midnights (calendar days, so daylight-saving changes do not shift them).
 * Empty for an empty or non-finite range; a single tick for a zero-width range.
 */
export function timeTicks(minMs: number, maxMs: number, maxTicks = 5): number[] {
  if (!Number.isFinite(minMs) || !Number.isFinite(maxMs) || maxMs < minMs || maxTicks < 1) return [];
  if (maxMs === minMs) return [minMs];
  const step = timeTickStep(maxMs - minMs, maxTicks);
  const ticks: number[] = [];
  if (step >= DAY_MS) {
    const days = Math.round(step / DAY_MS);
    let day = localDayNumber(minMs);
    if (localMidnight(day) < minMs) day += 1;
    day = Math.ceil(day / days) * days;
    for (let t = localMidnight(day); t <= maxMs; day += days, t = localMidnight(day)) ticks.push(t);
    return ticks;
  }
  const offset = localOffsetMs(minMs);
  for (let t = Math.ceil((minMs + offset) / step) * step - offset; t <= maxMs; t += step) ticks.push(t);
  return ticks;
}

/**
 * How the labels of one time axis read: 'clock' HH:MM:SS; with the date (the axis spans a day or
 * more, crosses midnight, or shows windows of a day or more): 'date' YYYY-MM-DD when every tick is a
 * local midnight, 'date-minute' MM-DD HH:MM when every tick is on a whole minute, else 'date-second'
 * MM-DD HH:MM:SS.
 */
export type TimeLabelMode = 'clock' | 'date' | 'date-minute' | 'date-second';

/** A time axis: its ticks and how to label them (and the points, in tooltips). */
export interface TimeAxis {
  ticks: number[];
  mode: TimeLabelMode;
}

/** The ticks and label mode of an axis over [minMs, maxMs] whose points stand for windows of `windowMs`. */
export function timeAxis(minMs: number, maxMs: number, opts: { maxTicks?: number; windowMs?: number } = {}): TimeAxis {
  const ticks = timeTicks(minMs, maxMs, opts.maxTicks ?? 5);
  if (!needsDate(minMs, maxMs, opts.windowMs ?? 0)) return { ticks, mode: 'clock' };
  if (ticks.every((t) => t === localMidnight(localDayNumber(t)))) return { ticks, mode: 'date' };
  if (ticks.every((t) => new Date(t).getSeconds() === 0 && new Date(t).getMilliseconds() === 0)) return { ticks, mode: 'date-minute' };
  return { ticks, mode: 'date-second' };
}

/** The label of tick `ms` on an axis labelled in `mode`. */
export function formatTimeTick(ms: number, mode: TimeLabelMode): string {
  if (!Number.isFinite(ms)) return '—';
  const clock = formatClock(ms);
  if (mode === 'clock') return clock.slice(0, 8);
  const date = formatDate(ms);
  if (mode === 'date') return date;
  return `${date.slice(5)} ${clock.slice(0, mode === 'date-minute' ? 5 : 8)}`;
}

/** The tooltip label of a point on an axis labelled in `mode`: the full time, with the date when the axis has it. */
export function formatTimePoint(ms: number, mode: TimeLabelMode): string {
  return mode === 'clock' ? formatClock(ms) : formatDateTime(ms);
}
