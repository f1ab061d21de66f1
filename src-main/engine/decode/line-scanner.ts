/**
 * Fast path of NDJSON decoding: scans the characters of one line for the mapped top-level fields
 * instead of building an object per line with JSON.parse. It accepts only the plain shape
 * `{"name":value,…}` (JSON whitespace anywhere, values that are strings, numbers, true, false or
 * null) and gives up — returns undefined — on anything else: a nested object or array, a
 * duplicate mapped field, an escape inside a mapped string, a number JSON.parse would turn into
 * ±Infinity, a mapped field of an unexpected type, trailing text. The caller then takes the
 * JSON.parse path, which explains every rejection, so the reasons and details stay exactly those of
 * `decodeJsonText`; on every line it accepts the scanner yields the event JSON.parse + decode would.
 *
 * Keys are interned straight from the line's characters (a small open-addressing table), so a key
 * seen before costs no string allocation and reaches the window operator's key table as the same
 * string object every time.
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
  private readonly names: string[];
  private readonly roles: number[];
  private readonly constantKey: string | undefined;
  private readonly hasUnit: boolean;
  private readonly timeUnit: FieldMapping['timeUnit'];
  // Interning table: open addressing over (hash, length, characters).
  private table: (string | undefined)[] = new Array(1024);
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
  private pos = 0;
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
    this.names = [...byName.keys()];
    this.roles = [...byName.values()];
  }

  /** A scanner for `mapping`, or undefined when a path is dotted or one name serves two roles. */
  static forMapping(mapping: FieldMapping): LineScanner | undefined {
    const paths = [mapping.key, mapping.time, mapping.value, ...(mapping.unit ? [mapping.unit] : [])];
    if (paths.some((p) => !p.startsWith('=') && p.includes('.'))) return undefined;
    // A constant unit is for the object path (rare); so is one field mapped to two roles.
    if (mapping.unit?.startsWith('=')) return undefined;
    const s = new LineScanner(mapping);
    if (s.roles.some((r) => (r & (r - 1)) !== 0)) return undefined;
    return s;
  }

  /**
   * The event of `line`, or undefined when the line is not of the plain accepted shape (then
   * JSON.parse + decodeRecord decide). Never throws.
   */
  scan(line: string): StreamEvent | undefined {
    if (line.charCodeAt(0) !== 123 /* { */) return undefined;
    this.pos = 1;
    let seen = 0;
    this.unitStart = -1;
    this.timeStrStart = -1;
    let c = this.skipWs(line);
    if (c === 125 /* } */) return undefined;
    for (;;) {
      if (c !== QUOTE) return undefined;
      // Field name: plain characters only (an escaped name goes to JSON.parse).
      const nameStart = ++this.pos;
      for (;;) {
        const ch = line.charCodeAt(this.pos);
        if (ch === QUOTE) break;
        if (ch === BACKSLASH || ch < 32 || ch !== ch) return undefined;
        this.pos++;
      }
      const role = this.roleOf(line, nameStart, this.pos);
      this.pos++;
      if (this.skipWs(line) !== 58 /* : */) return undefined;
      this.pos++;
      c = this.skipWs(line);
      if (role !== 0) {
        if ((seen & role) !== 0) return undefined; // duplicate: JSON.parse keeps the last one
        seen |= role;
        if (!this.readMapped(line, role, c)) return undefined;
      } else if (!this.skipValue(line, c)) {
        return undefined;
      }
      c = this.skipWs(line);
      if (c === 44 /* , */) {
        this.pos++;
        c = this.skipWs(line);
        continue;
      }
      if (c !== 125) return undefined;
      this.pos++;
      this.skipWs(line);
      if (this.pos !== line.length) return undefined;
      break;
    }
    return this.build(line, seen);
  }

  private build(line: string, seen: number): StreamEvent | undefined {
    if ((seen & (TIME | VALUE)) !== (TIME | VALUE)) return undefined;
    let sensorId: string;
    if (this.constantKey !== undefined) sensorId = this.constantKey;
    else if ((seen & KEY) === 0) return undefined;
    else sensorId = this.intern(line);
    let timestamp: number | undefined;
    if (this.timeStrStart >= 0) {
      if (this.timeUnit !== 'auto' && this.timeUnit !== 'iso') return undefined;
      timestamp = parseIsoTime(line.slice(this.timeStrStart, this.timeStrEnd));
      if (timestamp === undefined) return undefined;
    } else {
      if (this.timeUnit === 'iso') return undefined;
      timestamp = this.timeUnit === 's' ? Math.round(this.timeNum * 1000) : this.timeNum;
    }
    if (!(timestamp >= -MAX_EPOCH_MS && timestamp <= MAX_EPOCH_MS)) return undefined;
    const value = this.valueNum;
    if (this.unitStart >= 0) return { sensorId, timestamp, value, unit: line.slice(this.unitStart, this.unitEnd) };
    return { sensorId, timestamp, value };
  }

  private roleOf(line: string, start: number, end: number): number {
    const len = end - start;
    for (let i = 0; i < this.names.length; i++) {
      const name = this.names[i];
      if (name.length !== len) continue;
      let j = 0;
      while (j < len && name.charCodeAt(j) === line.charCodeAt(start + j)) j++;
      if (j === len) return this.roles[i];
    }
    return 0;
  }

  /** Reads a mapped field's value at pos (first char `c`); false when it is not of the fast shape. */
  private readMapped(line: string, role: number, c: number): boolean {
    if (role === KEY || role === UNIT) {
      if (c !== QUOTE) return false; // null, a number …: the object path explains or rejects
      const start = ++this.pos;
      let h = 0x811c9dc5 | 0;
      for (;;) {
        const ch = line.charCodeAt(this.pos);
        if (ch === QUOTE) break;
        if (ch === BACKSLASH || ch < 32 || ch !== ch) return false;
        h = Math.imul(h ^ ch, 0x01000193);
        this.pos++;
      }
      if (role === KEY) {
        this.keyStart = start;
        this.keyEnd = this.pos;
        this.keyHash = h;
      } else {
        this.unitStart = start;
        this.unitEnd = this.pos;
      }
      this.pos++;
      return true;
    }
    if (c === QUOTE) {
      if (role !== TIME) return false;
      const start = ++this.pos;
      for (;;) {
        const ch = line.charCodeAt(this.pos);
        if (ch === QUOTE) break;
        if (ch === BACKSLASH || ch < 32 || ch !== ch) return false;
        this.pos++;
      }
      this.timeStrStart = start;
      this.timeStrEnd = this.pos;
      this.pos++;
      return true;
    }
    if (!this.readNumber(line, c) || !Number.isFinite(this.num)) return false;
    if (role === TIME) this.timeNum = this.num;
    else this.valueNum = this.num;
    return true;
  }

  /**
   * Reads a JSON number at pos into `num` (JSON's grammar exactly). Integers of up to 15 digits are
   * summed directly (exact); anything else goes through Number(), which rounds a decimal literal
   * the same way JSON.parse does.
   */
  private readNumber(line: string, c: number): boolean {
    const start = this.pos;
    const neg = c === 45; /* - */
    if (neg) c = line.charCodeAt(++this.pos);
    let v = 0;
    let digits = 0;
    if (c === 48 /* 0 */) {
      c = line.charCodeAt(++this.pos);
      digits = 1;
    } else if (c >= 49 && c <= 57) {
      do {
        v = v * 10 + (c - 48);
        digits++;
        c = line.charCodeAt(++this.pos);
      } while (c >= 48 && c <= 57);
    } else {
      return false;
    }
    let simple = digits <= 15;
    if (c === 46 /* . */) {
      simple = false;
      c = line.charCodeAt(++this.pos);
      if (!(c >= 48 && c <= 57)) return false;
      do c = line.charCodeAt(++this.pos);
      while (c >= 48 && c <= 57);
    }
    if (c === 101 || c === 69 /* e E */) {
      simple = false;
      c = line.charCodeAt(++this.pos);
      if (c === 43 || c === 45) c = line.charCodeAt(++this.pos);
      if (!(c >= 48 && c <= 57)) return false;
      do c = line.charCodeAt(++this.pos);
      while (c >= 48 && c <= 57);
    }
    this.num = simple ? (neg ? -v : v) : Number(line.slice(start, this.pos));
    return true;
  }

  /** Skips an unmapped scalar value (validating it as JSON); false on objects, arrays, bad text. */
  private skipValue(line: string, c: number): boolean {
    if (c === QUOTE) {
      this.pos++;
      for (;;) {
        const ch = line.charCodeAt(this.pos);
        if (ch === QUOTE) break;
        if (ch < 32 || ch !== ch) return false;
        if (ch === BACKSLASH) {
          const e = line.charCodeAt(++this.pos);
          if (e === 117 /* u */) {
            for (let i = 1; i <= 4; i++) if (!isHex(line.charCodeAt(this.pos + i))) return false;
            this.pos += 4;
          } else if (!(e === QUOTE || e === BACKSLASH || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116)) {
            return false;
          }
        }
        this.pos++;
      }
      this.pos++;
      return true;
    }
    if (c === 116) return this.literal(line, 'true');
    if (c === 102) return this.literal(line, 'false');
    if (c === 110) return this.literal(line, 'null');
    return this.readNumber(line, c);
  }

  private literal(line: string, word: string): boolean {
    if (!line.startsWith(word, this.pos)) return false;
    this.pos += word.length;
    return true;
  }

  /** Skips JSON whitespace from pos; returns the char code there (NaN at the end of the line). */
  private skipWs(line: string): number {
    let c = line.charCodeAt(this.pos);
    while (c === 32 || c === 9 || c === 10 || c === 13) c = line.charCodeAt(++this.pos);
    return c;
  }

  /** The key at keyStart..keyEnd as a string, the same object for the same characters. */
  private intern(line: string): string {
    const start = this.keyStart;
    const len = this.keyEnd - start;
    const h = this.keyHash;
    const mask = this.table.length - 1;
    let i = h & mask;
    for (;;) {
      const k = this.table[i];
      if (k === undefined) break;
      if (this.hashes[i] === h && k.length === len && sameChars(k, line, start)) return k;
      i = (i + 1) & mask;
    }
    // A flat copy (a slice could keep the whole chunk it was cut from alive).
    const key = JSON.parse(line.slice(start - 1, this.keyEnd + 1)) as string;
    if (this.interned >= MAX_INTERNED) {
      this.resetTable(this.table.length);
    } else if ((this.interned + 1) * 2 > this.table.length) {
      this.grow();
    } else {
      this.table[i] = key;
      this.hashes[i] = h;
      this.interned++;
      return key;
    }
    this.insert(key, h);
    return key;
  }

  private insert(key: string, h: number): void {
    const mask = this.table.length - 1;
    let i = h & mask;
    while (this.table[i] !== undefined) i = (i + 1) & mask;
    this.table[i] = key;
    this.hashes[i] = h;
    this.interned++;
  }

  private grow(): void {
    const oldKeys = this.table;
    const oldHashes = this.hashes;
    this.resetTable(oldKeys.length * 2);
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i];
      if (k !== undefined) this.insert(k, oldHashes[i]);
    }
  }

  private resetTable(size: number): void {
    this.table = new Array(size);
    this.hashes = new Int32Array(size);
    this.interned = 0;
  }
}

function sameChars(k: string, line: string, start: number): boolean {
  for (let j = 0; j < k.length; j++) if (k.charCodeAt(j) !== line.charCodeAt(start + j)) return false;
  return true;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}
