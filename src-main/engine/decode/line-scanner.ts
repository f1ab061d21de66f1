/**
 * Fast path of NDJSON decoding: scans the raw UTF-8 bytes of one line for the mapped top-level fields
 * instead of building an object per line with JSON.parse. It accepts only the plain shape
 * `{"name":value,…}` (JSON whitespace anywhere, values that are strings, numbers, true, false or
 * null) and gives up — returns undefined — on anything else: a nested object or array, a
 * duplicate mapped field, an escape inside a mapped string, a number JSON.parse would turn into
 * ±Infinity, a mapped field of an unexpected type, trailing text. The caller then takes the
 * JSON.parse path, which explains every rejection, so the reasons and details stay exactly those of
 * `decodeJsonText`; on every line it accepts the scanner yields the event JSON.parse + decode would.
 *
 * Keys are interned straight from the line's bytes (a small open-addressing table), so a key seen
 * before costs no string allocation and reaches the window operator's key table as the same string
 * object every time. (A first version scanned the decoded string with charCodeAt: it was no faster
 * than JSON.parse; typed-array reads are what make the scan pay.)
 */
import type { StreamEvent } from '../../../src-shared/types';
import type { FieldMapping } from './field-mapping';
import { MAX_EPOCH_MS, parseIsoTime } from './scalars';

const QUOTE = 34;
const BACKSLASH = 92;

/** Field roles found in a line: which of the mapped names sits at which role. */
const KEY = 1;
const TIME = 2;
const VALUE = 4;
const UNIT = 8;

/** Interned keys kept at most; past that the table starts afresh (memory stays bounded). */
const MAX_INTERNED = 1 << 16;

/**
 * Scans NDJSON lines for one FieldMapping. Use {@link LineScanner.forMapping} (undefined when the
 * mapping has dotted paths, which only the object path resolves).
 */
export class LineScanner {
  private readonly nameBytes: Uint8Array[];
  private readonly roles: number[];
  private readonly constantKey: string | undefined;
  private readonly hasUnit: boolean;
  private readonly timeUnit: FieldMapping['timeUnit'];
  // Interning table: open addressing over (hash, length, characters).
  private table: (string | undefined)[] = new Array(1024);
  /** UTF-8 bytes of each interned key (same slots as table). */
  private tableBytes: (Uint8Array | undefined)[] = new Array(1024);
  private hashes = new Int32Array(1024);
  private interned = 0;
  // Fields of the line being scanned (positions in the line, or the number read).
  private keyStart = 0;
  private keyEnd = 0;
  private keyHash = 0;
  private timeNum = 0;
  private timeStrStart = -1;
  private timeStrEnd = 0;
  private valueNum = 0;
  private unitStart = -1;
  private unitEnd = 0;
  private num = 0;

  private constructor(mapping: FieldMapping) {
    this.constantKey = mapping.key.startsWith('=') ? mapping.key.slice(1) : undefined;
    this.hasUnit = mapping.unit !== undefined && mapping.unit !== '';
    this.timeUnit = mapping.timeUnit;
    const byName = new Map<string, number>();
    const add = (name: string, role: number) => byName.set(name, (byName.get(name) ?? 0) | role);
    if (this.constantKey === undefined) add(mapping.key, KEY);
    add(mapping.time, TIME);
    add(mapping.value, VALUE);
    if (this.hasUnit && !mapping.unit!.startsWith('=')) add(mapping.unit!, UNIT);
    this.nameBytes = [...byName.keys()].map((n) => new TextEncoder().encode(n));
    this.roles = [...byName.values()];
  }

  /** A scanner for `mapping`, or undefined when a path is dotted or one name serves two roles. */
  static forMapping(mapping: FieldMapping): LineScanner | undefined {
    const paths = [mapping.key, mapping.time, mapping.value, ...(mapping.unit ? [mapping.unit] : [])];
    if (paths.some((p) => !p.startsWith('=') && p.includes('.'))) return undefined;
    // A constant unit is for the object path (rare); so is one field mapped to two roles.
    if (mapping.unit?.startsWith('=')) return undefined;
    // Invalid UTF-8 in a field name decodes to U+FFFD: only the text path can match such a name.
    if (paths.some((p) => p.includes('\ufffd'))) return undefined;
    const s = new LineScanner(mapping);
    if (s.roles.some((r) => (r & (r - 1)) !== 0)) return undefined;
    return s;
  }

  /**
   * The event of the line `line[start..end)` (UTF-8, without its newline), or undefined when the
   * line is not of the plain accepted shape (then JSON.parse + decodeRecord decide). Never throws.
   */
  scan(line: Uint8Array, start: number, end: number): StreamEvent | undefined {
    if (line[start] !== 123 /* { */) return undefined;
    let seen = 0;
    this.unitStart = -1;
    this.timeStrStart = -1;
    let p = skipWs(line, start + 1, end);
    if (p >= end || line[p] === 125 /* } */) return undefined;
    for (;;) {
      if (line[p] !== QUOTE) return undefined;
      // Field name: plain characters only (an escaped name goes to JSON.parse).
      const nameStart = ++p;
      let ch = 0;
      while (p < end && (ch = line[p]) !== QUOTE) {
        if (ch === BACKSLASH || ch < 32) return undefined;
        p++;
      }
      if (p >= end) return undefined;
      const role = this.roleOf(line, nameStart, p);
      p = skipWs(line, p + 1, end);
      if (p >= end || line[p] !== 58 /* : */) return undefined;
      p = skipWs(line, p + 1, end);
      if (p >= end) return undefined;
      if (role !== 0) {
        if ((seen & role) !== 0) return undefined; // duplicate: JSON.parse keeps the last one
        seen |= role;
        p = this.readMapped(line, role, p, end);
      } else {
        p = this.skipValue(line, p, end);
      }
      if (p < 0) return undefined;
      p = skipWs(line, p, end);
      if (p >= end) return undefined;
      ch = line[p];
      if (ch === 44 /* , */) {
        p = skipWs(line, p + 1, end);
        if (p >= end) return undefined;
        continue;
      }
      if (ch !== 125 || skipWs(line, p + 1, end) !== end) return undefined;
      break;
    }
    return this.build(line, seen);
  }

  private build(line: Uint8Array, seen: number): StreamEvent | undefined {
    if ((seen & (TIME | VALUE)) !== (TIME | VALUE)) return undefined;
    let sensorId: string;
    if (this.constantKey !== undefined) sensorId = this.constantKey;
    else if ((seen & KEY) === 0) return undefined;
    else sensorId = this.intern(line);
    let timestamp: number | undefined;
    if (this.timeStrStart >= 0) {
      if (this.timeUnit !== 'auto' && this.timeUnit !== 'iso') return undefined;
      timestamp = parseIsoTime(utf8(line, this.timeStrStart, this.timeStrEnd));
      if (timestamp === undefined) return undefined;
    } else {
      if (this.timeUnit === 'iso') return undefined;
      timestamp = this.timeUnit === 's' ? Math.round(this.timeNum * 1000) : this.timeNum;
    }
    if (!(timestamp >= -MAX_EPOCH_MS && timestamp <= MAX_EPOCH_MS)) return undefined;
    const value = this.valueNum;
    if (this.unitStart >= 0) return { sensorId, timestamp, value, unit: utf8(line, this.unitStart, this.unitEnd) };
    return { sensorId, timestamp, value };
  }

  private roleOf(line: Uint8Array, start: number, end: number): number {
    const len = end - start;
    for (let i = 0; i < this.nameBytes.length; i++) {
      const bytes = this.nameBytes[i];
      if (bytes.length !== len) continue;
      let j = 0;
      while (j < len && bytes[j] === line[start + j]) j++;
      if (j === len) return this.roles[i];
    }
    return 0;
  }

  /** Reads a mapped field's value at p; returns the position after it, or -1 when it is not of the fast shape. */
  private readMapped(line: Uint8Array, role: number, p: number, end: number): number {
    const c = line[p];
    if (c === QUOTE) {
      if (role === VALUE) return -1; // a quoted number: the object path rejects it
      const from = ++p;
      let h = 0x811c9dc5 | 0;
      let ch = 0;
      while (p < end && (ch = line[p]) !== QUOTE) {
        if (ch === BACKSLASH || ch < 32) return -1;
        h = Math.imul(h ^ ch, 0x01000193);
        p++;
      }
      if (p >= end) return -1;
      if (role === KEY) {
        this.keyStart = from;
        this.keyEnd = p;
        this.keyHash = h;
      } else if (role === UNIT) {
        this.unitStart = from;
        this.unitEnd = p;
      } else {
        this.timeStrStart = from;
        this.timeStrEnd = p;
      }
      return p + 1;
    }
    if (role === KEY || role === UNIT) return -1; // null, a number …: the object path explains or rejects
    p = this.readNumber(line, p, end);
    if (p < 0 || !Number.isFinite(this.num)) return -1;
    if (role === TIME) this.timeNum = this.num;
    else this.valueNum = this.num;
    return p;
  }

  /**
   * Reads a JSON number at p into `num` (JSON's grammar exactly); returns the position after it, or
   * -1. Integers of up to 15 digits are summed directly (exact); anything else goes through
   * Number(), which rounds a decimal literal the same way JSON.parse does.
   */
  private readNumber(line: Uint8Array, p: number, end: number): number {
    const start = p;
    let c = line[p];
    const neg = c === 45; /* - */
    if (neg) c = ++p < end ? line[p] : -1;
    let v = 0;
    let digits = 0;
    if (c === 48 /* 0 */) {
      c = ++p < end ? line[p] : -1;
      digits = 1;
    } else if (c >= 49 && c <= 57) {
      do {
        v = v * 10 + (c - 48);
        digits++;
        c = ++p < end ? line[p] : -1;
      } while (c >= 48 && c <= 57);
    } else {
      return -1;
    }
    let simple = digits <= 15;
    if (c === 46 /* . */) {
      simple = false;
      c = ++p < end ? line[p] : -1;
      if (!(c >= 48 && c <= 57)) return -1;
      do c = ++p < end ? line[p] : -1;
      while (c >= 48 && c <= 57);
    }
    if (c === 101 || c === 69 /* e E */) {
      simple = false;
      c = ++p < end ? line[p] : -1;
      if (c === 43 || c === 45) c = ++p < end ? line[p] : -1;
      if (!(c >= 48 && c <= 57)) return -1;
      do c = ++p < end ? line[p] : -1;
      while (c >= 48 && c <= 57);
    }
    this.num = simple ? (neg ? -v : v) : Number(latin1(line, start, p));
    return p;
  }

  /** Skips an unmapped scalar value (validating it as JSON); -1 on objects, arrays, bad text. */
  private skipValue(line: Uint8Array, p: number, end: number): number {
    const c = line[p];
    if (c === QUOTE) {
      p++;
      let ch = 0;
      while (p < end && (ch = line[p]) !== QUOTE) {
        if (ch < 32) return -1;
        if (ch === BACKSLASH) {
          const e = ++p < end ? line[p] : -1;
          if (e === 117 /* u */) {
            if (p + 4 >= end) return -1;
            for (let i = 1; i <= 4; i++) if (!isHex(line[p + i])) return -1;
            p += 4;
          } else if (!(e === QUOTE || e === BACKSLASH || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116)) {
            return -1;
          }
        }
        p++;
      }
      return p < end ? p + 1 : -1;
    }
    if (c === 116) return literal(line, p, end, TRUE);
    if (c === 102) return literal(line, p, end, FALSE);
    if (c === 110) return literal(line, p, end, NULL);
    return this.readNumber(line, p, end);
  }

  /** The key at keyStart..keyEnd as a string, the same object for the same characters. */
  private intern(line: Uint8Array): string {
    const start = this.keyStart;
    const len = this.keyEnd - start;
    const h = this.keyHash;
    const mask = this.table.length - 1;
    let i = h & mask;
    for (;;) {
      const k = this.table[i];
      if (k === undefined) break;
      if (this.hashes[i] === h && sameBytes(this.tableBytes[i]!, line, start, len)) return k;
      i = (i + 1) & mask;
    }
    const key = utf8(line, start, this.keyEnd);
    const bytes = Uint8Array.prototype.slice.call(line, start, this.keyEnd); // a copy (Buffer's slice is a view)
    if (this.interned >= MAX_INTERNED) {
      this.resetTable(this.table.length);
    } else if ((this.interned + 1) * 2 > this.table.length) {
      this.grow();
    } else {
      this.table[i] = key;
      this.tableBytes[i] = bytes;
      this.hashes[i] = h;
      this.interned++;
      return key;
    }
    this.insert(key, bytes, h);
    return key;
  }

  private insert(key: string, bytes: Uint8Array, h: number): void {
    const mask = this.table.length - 1;
    let i = h & mask;
    while (this.table[i] !== undefined) i = (i + 1) & mask;
    this.table[i] = key;
    this.tableBytes[i] = bytes;
    this.hashes[i] = h;
    this.interned++;
  }

  private grow(): void {
    const oldKeys = this.table;
    const oldBytes = this.tableBytes;
    const oldHashes = this.hashes;
    this.resetTable(oldKeys.length * 2);
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i];
      if (k !== undefined) this.insert(k, oldBytes[i]!, oldHashes[i]);
    }
  }

  private resetTable(size: number): void {
    this.table = new Array(size);
    this.tableBytes = new Array(size);
    this.hashes = new Int32Array(size);
    this.interned = 0;
  }
}

function sameBytes(k: Uint8Array, line: Uint8Array, start: number, len: number): boolean {
  if (k.length !== len) return false;
  for (let j = 0; j < len; j++) if (k[j] !== line[start + j]) return false;
  return true;
}

const utf8Decoder = new TextDecoder('utf-8');

/** UTF-8 text of line[start..end) (invalid sequences become U+FFFD, as when decoding the whole input). */
function utf8(line: Uint8Array, start: number, end: number): string {
  return Buffer.isBuffer(line) ? line.toString('utf8', start, end) : utf8Decoder.decode(line.subarray(start, end));
}

/** Text of ASCII bytes line[start..end). */
function latin1(line: Uint8Array, start: number, end: number): string {
  return Buffer.isBuffer(line) ? line.toString('latin1', start, end) : String.fromCharCode(...line.subarray(start, end));
}

const TRUE = [116, 114, 117, 101];
const FALSE = [102, 97, 108, 115, 101];
const NULL = [110, 117, 108, 108];

/** Position after the literal `word` at p, or -1. */
function literal(line: Uint8Array, p: number, end: number, word: number[]): number {
  if (p + word.length > end) return -1;
  for (let i = 0; i < word.length; i++) if (line[p + i] !== word[i]) return -1;
  return p + word.length;
}

/** First position ≥ p that is not JSON whitespace (end when none). */
function skipWs(line: Uint8Array, p: number, end: number): number {
  while (p < end) {
    const c = line[p];
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return p;
    p++;
  }
  return end;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}
