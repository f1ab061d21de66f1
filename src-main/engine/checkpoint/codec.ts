/**
 * The checkpoint encoding: a JSON header for the structure, and binary sections for the bulk — typed
 * arrays as their raw bytes (little-endian, as the machine writes them), arrays of strings as one
 * JSON text each — so a million keys' flat window state is copied, not walked value by value.
 *
 * Layout: `u32 headerBytes | header JSON (UTF-8) | padding to 8 | sections, each 8-aligned`. In the
 * header a typed array is `{"$ta": i, "t": "f64" | "i32"}`, a string array `{"$sa": i}`, a
 * non-finite number `{"$n": "Infinity" | "-Infinity" | "NaN"}`; `$sections` lists each section's
 * offset and byte length. Integrity (checksum) is the store's job, not the codec's.
 */

type Section = { bytes: Uint8Array; kind: 'f64' | 'i32' | 'json' };

const ALIGN = 8;
const pad = (n: number) => (n + ALIGN - 1) & ~(ALIGN - 1);

/** Smallest array encoded as a string section (below, inline JSON is as good). */
const STRING_SECTION_MIN = 64;

function isStringArray(a: unknown[]): a is string[] {
  if (a.length < STRING_SECTION_MIN) return false;
  for (let i = 0; i < a.length; i++) if (typeof a[i] !== 'string') return false;
  return true;
}

function toTree(v: unknown, sections: Section[]): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : { $n: String(v) };
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Float64Array || v instanceof Int32Array) {
    const kind = v instanceof Float64Array ? 'f64' : 'i32';
    sections.push({ bytes: new Uint8Array(v.buffer, v.byteOffset, v.byteLength), kind });
    return { $ta: sections.length - 1, t: kind };
  }
  if (ArrayBuffer.isView(v)) throw new Error(`checkpoint codec: unsupported typed array ${v.constructor.name}`);
  if (Array.isArray(v)) {
    if (isStringArray(v)) {
      sections.push({ bytes: Buffer.from(JSON.stringify(v)), kind: 'json' });
      return { $sa: sections.length - 1 };
    }
    return v.map((x) => toTree(x, sections));
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toTree(x, sections);
  return out;
}

/**
 * Encodes plain data (objects, arrays, strings, numbers including ±Infinity and NaN, booleans, null,
 * Float64Array, Int32Array) into one byte array.
 * @throws Error on other typed arrays (functions, Maps and class instances are not supported either).
 */
export function encodeState(value: unknown): Uint8Array {
  const sections: Section[] = [];
  const tree = toTree(value, sections);
  // Offsets are relative to the first section; the header's length does not depend on them.
  const table: Array<[number, number]> = [];
  let at = 0;
  for (const s of sections) {
    table.push([at, s.bytes.byteLength]);
    at = pad(at + s.bytes.byteLength);
  }
  const header = Buffer.from(JSON.stringify({ $sections: table, root: tree }));
  const base = pad(4 + header.length);
  const out = new Uint8Array(base + at);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  sections.forEach((s, i) => out.set(s.bytes, base + table[i][0]));
  return out;
}

/**
 * Decodes what {@link encodeState} wrote. Typed arrays are views on one aligned copy of `bytes`.
 * @throws Error when the bytes are not a valid encoding (truncated, bad header).
 */
export function decodeState(bytes: Uint8Array): unknown {
  if (bytes.byteLength < 4) throw new Error('checkpoint codec: truncated (no header length)');
  // Typed-array views need 8-aligned offsets: work on an aligned copy when the input is not.
  const buf = bytes.byteOffset % ALIGN === 0 ? bytes : new Uint8Array(bytes);
  const headerLen = new DataView(buf.buffer, buf.byteOffset, 4).getUint32(0, true);
  if (4 + headerLen > buf.byteLength) throw new Error('checkpoint codec: truncated header');
  const header = JSON.parse(Buffer.from(buf.buffer, buf.byteOffset + 4, headerLen).toString('utf8')) as {
    $sections: Array<[number, number]>;
    root: unknown;
  };
  const base = pad(4 + headerLen);
  const section = (i: number): [number, number] => {
    const s = header.$sections[i];
    if (s === undefined || base + s[0] + s[1] > buf.byteLength) throw new Error(`checkpoint codec: section ${i} out of range`);
    return [buf.byteOffset + base + s[0], s[1]];
  };
  const fromTree = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(fromTree);
    const o = v as Record<string, unknown>;
    if (typeof o.$n === 'string') return Number(o.$n);
    if (typeof o.$ta === 'number') {
      const [off, len] = section(o.$ta);
      return o.t === 'f64' ? new Float64Array(buf.buffer, off, len / 8) : new Int32Array(buf.buffer, off, len / 4);
    }
    if (typeof o.$sa === 'number') {
      const [off, len] = section(o.$sa);
      return JSON.parse(Buffer.from(buf.buffer, off, len).toString('utf8'));
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = fromTree(x);
    return out;
  };
  return fromTree(header.root);
}
