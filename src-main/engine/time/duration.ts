/**
 * Durations as users write them: `250ms`, `5s`, `1.5m`, `2h`, `1d`, or a bare number of ms.
 */

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;

const DURATION_RE = /^(\d+(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+))?\s*(ms|s|m|h|d)?$/i;
const ACCEPTED = 'accepted forms: 250ms, 5s, 1.5m, 2h, 1d, or a bare number of milliseconds';

/**
 * Parse a duration into milliseconds.
 * @param text a string such as "250ms", "5s", "1.5m", "2h", "1d", "500" (bare = ms), or a number of ms.
 * @returns milliseconds (≥ 0, finite; may be fractional, e.g. "0.5ms").
 * @throws Error naming the value and the accepted forms, for negative, NaN, infinite or unparseable input.
 */
export function parseDuration(text: string | number): number {
  if (typeof text === 'number') {
    if (!Number.isFinite(text) || text < 0) {
      throw new Error(`invalid duration ${text}: must be a finite number of milliseconds ≥ 0 (${ACCEPTED})`);
    }
    return text;
  }
  if (typeof text !== 'string') {
    throw new Error(`invalid duration ${JSON.stringify(text)}: expected a string or number (${ACCEPTED})`);
  }
  const trimmed = text.trim();
  const m = DURATION_RE.exec(trimmed);
  if (m === null) {
    const hint = trimmed.startsWith('-') ? ' (durations cannot be negative)' : '';
    throw new Error(`invalid duration "${text}"${hint}; ${ACCEPTED}`);
  }
  const n = Number(m[1] + (m[2] !== undefined ? `e${m[2]}` : ''));
  const unit = (m[3]?.toLowerCase() ?? 'ms') as Unit;
  const ms = n * UNIT_MS[unit];
  if (!Number.isFinite(ms)) throw new Error(`invalid duration "${text}": too large; ${ACCEPTED}`);
  return ms;
}

/**
 * Format milliseconds in the largest unit that keeps at most 3 decimals exactly, so that
 * `parseDuration(formatDuration(ms)) === ms` for whole or millisecond-fraction values:
 * 250 → "250ms", 5000 → "5s", 90000 → "1.5m", 7200000 → "2h", 3723000 → "62.05m".
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit];
    if (abs < size) continue;
    const scaled = (abs * 1000) / size;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6) return `${sign}${+(abs / size).toFixed(3)}${unit}`;
  }
  return `${sign}${+abs.toFixed(3)}ms`;
}
