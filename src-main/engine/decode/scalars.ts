/**
 * Strict scalar parsers used at the edge: ISO-8601 timestamps (regex, never Date.parse's lenient
 * guessing) and decimal numbers written as text (CSV cells).
 */

/** Largest |ms| a JavaScript Date can represent (±100,000,000 days). */
export const MAX_EPOCH_MS = 8.64e15;

// YYYY-MM-DD, optionally followed by T (or a space) hh:mm[:ss[.fraction]] and an optional offset
// (Z, ±hh:mm, ±hhmm, ±hh).
const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MS_400_YEARS = 12_622_780_800_000;

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/**
 * Parse an ISO-8601 date or date-time into epoch ms. No offset means UTC; a date alone is UTC
 * midnight; fractional seconds are truncated to the ms. Returns undefined when the text is not
 * ISO-8601 or names an impossible date/time (month 13, Feb 30, 25:00, offset beyond ±23:59).
 */
export function parseIsoTime(text: string): number | undefined {
  if (text.length === 24) {
    const fast = parseCanonicalIso(text);
    if (fast !== undefined) return fast;
  }
  const m = ISO_RE.exec(text);
  if (m === null) return undefined;
  const y = +m[1];
  const mo = +m[2];
  const d = +m[3];
  if (mo < 1 || mo > 12 || d < 1) return undefined;
  const dim = mo === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[mo - 1];
  if (d > dim) return undefined;
  let h = 0;
  let mi = 0;
  let s = 0;
  let ms = 0;
  if (m[4] !== undefined) {
    h = +m[4];
    mi = +m[5];
    s = m[6] !== undefined ? +m[6] : 0;
    if (h > 23 || mi > 59 || s > 59) return undefined;
    if (m[7] !== undefined) ms = +(m[7] + '00').slice(0, 3);
  }
  let offsetMin = 0;
  const off = m[8];
  if (off !== undefined && off !== 'Z' && off !== 'z') {
    const sign = off[0] === '-' ? -1 : 1;
    const digits = off.slice(1).replace(':', '');
    const oh = +digits.slice(0, 2);
    const om = digits.length > 2 ? +digits.slice(2, 4) : 0;
    if (oh > 23 || om > 59) return undefined;
    offsetMin = sign * (oh * 60 + om);
  }
  // Date.UTC maps years 0..99 to 1900..1999; shift by a 400-year cycle to avoid that.
  const t =
    y < 100
      ? Date.UTC(y + 400, mo - 1, d, h, mi, s, ms) - MS_400_YEARS
      : Date.UTC(y, mo - 1, d, h, mi, s, ms);
  return t - offsetMin * 60_000;
}

function digits(s: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Fast path for the canonical `YYYY-MM-DDTHH:MM:SS.sssZ` (Date#toISOString); undefined otherwise. */
function parseCanonicalIso(s: string): number | undefined {
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58) return undefined;
  if (s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 46 || s.charCodeAt(23) !== 90) return undefined;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const sec = digits(s, 17, 2);
  const ms = digits(s, 20, 3);
  if (y < 100 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 || ms < 0) return undefined;
  if (d > (mo === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[mo - 1])) return undefined;
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms);
}

const DECIMAL_RE = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const NON_FINITE_RE = /^\s*[+-]?(?:nan|inf|infinity)\s*$/i;

/**
 * Parse a decimal number written as text (`12`, `-3.5`, `.5`, `1e3`, surrounding spaces ok).
 * Returns the number (which may be ±Infinity for text like `1e400` or `Infinity`, or NaN for `NaN`,
 * so the caller can reject it as non-finite), or undefined when the text is not a number at all
 * (`abc`, `0x10`, `1,5`, ``).
 */
export function parseNumberText(text: string): number | undefined {
  if (DECIMAL_RE.test(text)) return Number(text);
  if (NON_FINITE_RE.test(text)) {
    const t = text.trim().toLowerCase();
    if (t.endsWith('nan')) return NaN;
    return t.startsWith('-') ? -Infinity : Infinity;
  }
  return undefined;
}
