/** Number formatting for tiles, tables and chart axes. Pure, locale-independent. */

/** Compact count: 950, 1.2k, 3.4M (below 10 one decimal: 2.5). Non-finite or null → "—". */
export function formatCompact(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${trim(value / 1e9)}G`;
  if (abs >= 1e6) return `${trim(value / 1e6)}M`;
  if (abs >= 1e3) return `${trim(value / 1e3)}k`;
  return abs >= 10 ? Math.round(value).toString() : trim(value);
}

/** Full integer with thin grouping: 1 000 000. */
export function formatInteger(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
}

/** One day, ms. */
export const DAY_MS = 86_400_000;

/** A Julian year (365.25 days), ms: the unit of very long durations. */
const YEAR_MS = 365.25 * DAY_MS;

/**
 * A duration in ms as "850 ms", "12.3 s", "4.1 min", "5.5 h", "3.2 d", "19 y" (so a lag of years
 * stays a short label instead of "166666.7 h"). null → "—".
 */
export function formatDurationMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(ms)} ms`;
  if (abs < 60_000) return `${trim(ms / 1000)} s`;
  if (abs < 3_600_000) return `${trim(ms / 60_000)} min`;
  if (abs < DAY_MS) return `${trim(ms / 3_600_000)} h`;
  if (abs < 365 * DAY_MS) return `${trim(ms / DAY_MS)} d`;
  const years = ms / YEAR_MS;
  return `${Math.abs(years) >= 1000 ? formatCompact(years) : trim(years)} y`;
}

/** A value with up to 2 decimals. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return Math.abs(value) >= 1000 ? formatCompact(value) : trim(value, 2);
}

const pad = (n: number, w = 2) => n.toString().padStart(w, '0');

/** Event/processing time (ms since epoch) as local HH:MM:SS.mmm. */
export function formatClock(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** The local calendar date of `ms` as YYYY-MM-DD. */
export function formatDate(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Local date and time: YYYY-MM-DD HH:MM:SS.mmm. */
export function formatDateTime(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  return `${formatDate(ms)} ${formatClock(ms)}`;
}

/** {@link formatDateTime} when `withDate`, else {@link formatClock}. */
export function formatTime(ms: number, withDate: boolean): string {
  return withDate ? formatDateTime(ms) : formatClock(ms);
}

/** Whether two times fall on the same local calendar day. */
export function sameLocalDay(a: number, b: number): boolean {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return true;
  const x = new Date(a);
  const y = new Date(b);
  return x.getFullYear() === y.getFullYear() && x.getMonth() === y.getMonth() && x.getDate() === y.getDate();
}

/**
 * Whether times in [minMs, maxMs] need their date to be read unambiguously: the span, or the length
 * of the windows they belong to (`windowMs`), is a day or more, or the range crosses a local midnight.
 * (A clock alone shows every daily window as "00:00:00.000 → 00:00:00.000".)
 */
export function needsDate(minMs: number, maxMs: number, windowMs = 0): boolean {
  if (!Number.isFinite(minMs) || !Number.isFinite(maxMs)) return false;
  return windowMs >= DAY_MS || Math.abs(maxMs - minMs) >= DAY_MS || !sameLocalDay(minMs, maxMs);
}

/** Whether a table of windows needs dates: see {@link needsDate} over all their starts and ends. */
export function resultsNeedDate(rows: readonly { windowStart: number; windowEnd: number }[]): boolean {
  if (rows.length === 0) return false;
  let min = Infinity;
  let max = -Infinity;
  let longest = 0;
  for (const r of rows) {
    min = Math.min(min, r.windowStart);
    max = Math.max(max, r.windowEnd);
    longest = Math.max(longest, r.windowEnd - r.windowStart);
  }
  return needsDate(min, max, longest);
}

function trim(value: number, decimals = 1): string {
  const s = value.toFixed(decimals);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}
