/**
 * Streaming splitters for HTTP ingest bodies: they cut a body arriving in chunks into record texts
 * without ever holding the whole body. Work on bytes (a newline or bracket byte never occurs inside
 * a multi-byte UTF-8 sequence), so chunk boundaries may fall anywhere.
 * - {@link NdjsonBodySplitter}: one record per line (`\n` or `\r\n`); blank lines are skipped.
 * - {@link JsonValueSplitter}: the elements of one top-level JSON array (`mode: 'array'`), or a
 *   sequence of top-level JSON values (`mode: 'values'`, e.g. one pretty-printed object). Tracks
 *   nesting depth and strings (with escapes); does not validate: each element is parsed later.
 * A record longer than `maxRecordBytes` is skipped (not buffered) and reported as too large.
 */
import { NdjsonSplitter } from '../decode/ndjson-splitter';

/** One piece cut from the body. */
export type SplitItem =
  | { kind: 'record'; text: string }
  /** A record over the size limit: `bytes` its size, `prefix` its first bytes (for the dead letter). */
  | { kind: 'too_large'; bytes: number; prefix: string }
  /** Malformed framing (not an array, a stray comma, unterminated, …): `raw` is what was seen. */
  | { kind: 'error'; detail: string; raw: string };

/** A streaming splitter: feed chunks in order, then call `end()` once. */
export interface BodySplitter {
  push(chunk: Buffer): SplitItem[];
  end(): SplitItem[];
}

const PREFIX_BYTES = 256;
const NL = 0x0a;
const CR = 0x0d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACK = 0x5b;
const RBRACK = 0x5d;

function isWs(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === NL || b === CR;
}

/** Accumulates the bytes of one record across chunks, switching to skip mode past the limit. */
class RecordBuffer {
  private parts: Buffer[] = [];
  private len = 0;
  private prefix = '';
  skipping = false;
  constructor(private readonly max: number) {}

  add(bytes: Buffer): void {
    if (this.skipping) {
      this.len += bytes.length;
      return;
    }
    this.parts.push(bytes);
    this.len += bytes.length;
    if (this.len > this.max) {
      this.prefix = Buffer.concat(this.parts).subarray(0, PREFIX_BYTES).toString('utf8');
      this.parts = [];
      this.skipping = true;
    }
  }

  get empty(): boolean {
    return this.len === 0;
  }

  /** Take the record and reset. */
  take(): SplitItem {
    const item: SplitItem = this.skipping
      ? { kind: 'too_large', bytes: this.len, prefix: this.prefix }
      : { kind: 'record', text: (this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts)).toString('utf8') };
    this.parts = [];
    this.len = 0;
    this.prefix = '';
    this.skipping = false;
    return item;
  }

  /** What was seen so far, for an error's raw text. */
  peek(): string {
    return this.skipping ? this.prefix : Buffer.concat(this.parts).toString('utf8');
  }
}

/** NDJSON / JSON Lines: the engine's line splitter (decode/ndjson-splitter.ts) behind {@link BodySplitter}. */
export class NdjsonBodySplitter implements BodySplitter {
  private readonly lines: NdjsonSplitter;
  private items: SplitItem[] = [];
  /** @param maxRecordBytes longest line kept (bytes); longer lines become `too_large` items. */
  constructor(maxRecordBytes = 1 << 20) {
    this.lines = new NdjsonSplitter({
      maxLineBytes: maxRecordBytes,
      previewChars: PREFIX_BYTES,
      onLine: (text) => {
        if (text.trim() !== '') this.items.push({ kind: 'record', text });
      },
      onTooLarge: (prefix, bytes) => this.items.push({ kind: 'too_large', bytes, prefix }),
    });
  }

  push(chunk: Buffer): SplitItem[] {
    this.lines.push(chunk);
    return this.take();
  }

  end(): SplitItem[] {
    this.lines.end();
    return this.take();
  }

  private take(): SplitItem[] {
    const out = this.items;
    this.items = [];
    return out;
  }
}

/** Splitter of a JSON array's elements (`'array'`) or of concatenated top-level values (`'values'`). */
export class JsonValueSplitter implements BodySplitter {
  private readonly arrayMode: boolean;
  /** Nesting depth at which elements sit: 1 inside the array, 0 for top-level values. */
  private readonly base: number;
  private readonly buf: RecordBuffer;
  private depth = 0;
  private inString = false;
  private escape = false;
  private started = false;
  private done = false;
  private trailingReported = false;
  private inElem = false;
  private elemIsScalar = false;
  private expectingElem = true;
  private sawElem = false;

  /** @param maxRecordBytes longest element kept (bytes); longer ones become `too_large` items. */
  constructor(mode: 'array' | 'values', maxRecordBytes = 1 << 20) {
    this.arrayMode = mode === 'array';
    this.base = this.arrayMode ? 1 : 0;
    this.buf = new RecordBuffer(maxRecordBytes);
  }

  push(chunk: Buffer): SplitItem[] {
    const out: SplitItem[] = [];
    let elemStart = 0;
    const finish = (end: number) => {
      this.buf.add(chunk.subarray(elemStart, end));
      const item = this.buf.take();
      out.push(item.kind === 'record' ? { kind: 'record', text: item.text.trim() } : item);
      this.inElem = false;
    };
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (this.done) {
        if (!isWs(b) && !this.trailingReported) {
          this.trailingReported = true;
          out.push({ kind: 'error', detail: 'data after the closing ] of the array', raw: chunk.subarray(i, i + PREFIX_BYTES).toString('utf8') });
        }
        continue;
      }
      if (this.inElem) {
        if (this.inString) {
          if (this.escape) this.escape = false;
          else if (b === BACKSLASH) this.escape = true;
          else if (b === QUOTE) {
            this.inString = false;
            if (!this.arrayMode && this.elemIsScalar && this.depth === this.base) finish(i + 1);
          }
          continue;
        }
        if (this.depth > this.base) {
          if (b === QUOTE) this.inString = true;
          else if (b === LBRACE || b === LBRACK) this.depth++;
          else if (b === RBRACE || b === RBRACK) {
            this.depth--;
            if (!this.arrayMode && this.depth === this.base) finish(i + 1);
          }
          continue;
        }
        if (this.arrayMode) {
          // At array level inside an element: it ends at ',' or ']'; anything else belongs to it.
          if (b === COMMA) {
            finish(i);
            this.expectingElem = true;
          } else if (b === RBRACK) {
            finish(i);
            this.depth = 0;
            this.done = true;
          } else if (b === QUOTE) this.inString = true;
          else if (b === LBRACE || b === LBRACK) this.depth++;
          continue;
        }
        // Values mode, a top-level scalar: ends at whitespace or where a new value starts.
        if (isWs(b)) {
          finish(i);
          continue;
        }
        if (b !== LBRACE && b !== LBRACK && b !== QUOTE) continue;
        finish(i); // and fall through: b starts the next value
      }
      if (isWs(b)) continue;
      if (this.arrayMode) {
        if (!this.started) {
          if (b === LBRACK) {
            this.started = true;
            this.depth = 1;
          } else {
            this.done = true;
            this.trailingReported = true;
            out.push({ kind: 'error', detail: 'body is not a JSON array (expected [)', raw: chunk.subarray(i, i + PREFIX_BYTES).toString('utf8') });
          }
          continue;
        }
        if (b === COMMA) {
          if (this.expectingElem) out.push({ kind: 'error', detail: 'empty array element (stray comma)', raw: ',' });
          this.expectingElem = true;
          continue;
        }
        if (b === RBRACK) {
          if (this.expectingElem && this.sawElem) out.push({ kind: 'error', detail: 'trailing comma before ]', raw: ',]' });
          this.depth = 0;
          this.done = true;
          continue;
        }
      }
      this.inElem = true;
      elemStart = i;
      this.sawElem = true;
      this.expectingElem = false;
      this.elemIsScalar = b !== LBRACE && b !== LBRACK;
      if (!this.elemIsScalar) this.depth++;
      else if (b === QUOTE) this.inString = true;
    }
    if (this.inElem) this.buf.add(chunk.subarray(elemStart));
    return out;
  }

  end(): SplitItem[] {
    const out: SplitItem[] = [];
    if (this.inElem) {
      if (!this.arrayMode && this.elemIsScalar && !this.inString) {
        const item = this.buf.take();
        out.push(item.kind === 'record' ? { kind: 'record', text: item.text.trim() } : item);
      } else {
        out.push({ kind: 'error', detail: this.arrayMode ? 'unterminated JSON array (body ended inside an element)' : 'unterminated JSON value', raw: this.buf.peek() });
        this.buf.take();
      }
      this.inElem = false;
    } else if (this.arrayMode && this.started && !this.done) {
      out.push({ kind: 'error', detail: 'unterminated JSON array (missing ])', raw: '' });
    }
    return out;
  }
}
