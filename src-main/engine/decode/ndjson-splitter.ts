/**
 * Streaming line splitter for NDJSON over Buffer or string chunks. Handles lines split across
 * chunks (including multi-byte UTF-8 characters split between Buffers), `\r\n`, and a final line
 * with no newline (emitted by `end()`). A line longer than `maxLineBytes` is not buffered: the
 * splitter keeps only a short preview and reports it through `onTooLarge` once its newline arrives.
 */
import { StringDecoder } from 'node:string_decoder';

/** Options of NdjsonSplitter. */
export interface NdjsonSplitterOptions {
  /** Called for every complete line, without its `\n` / `\r\n`. Blank lines are passed too. */
  onLine: (line: string) => void;
  /** Called instead of onLine for a line over maxLineBytes: a preview (≤ previewChars) and its size in bytes (UTF-8). */
  onTooLarge?: (preview: string, bytes: number) => void;
  /** Longest accepted line in UTF-8 bytes, without the newline. Default 1 MiB. */
  maxLineBytes?: number;
  /** Characters kept of a too-large line for the dead letter. Default 256. */
  previewChars?: number;
}

/** UTF-8 size of a string, computed only when the length alone cannot decide (≤ 3 bytes per UTF-16 unit). */
function overLimit(s: string, max: number): boolean {
  if (s.length > max) return true;
  if (s.length * 3 <= max) return false;
  return Buffer.byteLength(s, 'utf8') > max;
}

/** Splits a byte or text stream into lines; see the module comment. */
export class NdjsonSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private readonly onLine: (line: string) => void;
  private readonly onTooLarge: (preview: string, bytes: number) => void;
  private readonly maxLineBytes: number;
  private readonly previewChars: number;
  /** Text of the current, incomplete line (always within maxLineBytes). */
  private pending = '';
  /** When ≥ 0, the current line is over the limit: we discard it and count its bytes here. */
  private oversizeBytes = -1;
  private oversizePreview = '';
  private ended = false;

  constructor(opts: NdjsonSplitterOptions) {
    this.onLine = opts.onLine;
    this.onTooLarge = opts.onTooLarge ?? (() => {});
    this.maxLineBytes = opts.maxLineBytes ?? 1 << 20;
    this.previewChars = opts.previewChars ?? 256;
    if (!(this.maxLineBytes > 0)) throw new Error(`maxLineBytes must be a positive number of bytes, got ${opts.maxLineBytes}`);
  }

  /** Feed one chunk; complete lines are delivered synchronously. */
  push(chunk: Buffer | Uint8Array | string): void {
    if (this.ended) throw new Error('NdjsonSplitter: push() after end()');
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk as Buffer);
    if (text.length === 0) return;
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl >= 0) {
      this.finishLine(text, start, nl);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    if (start < text.length) this.appendPartial(text.slice(start));
  }

  /** Flush the final line (if the input did not end with a newline). No push() afterwards. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    const rest = this.decoder.end();
    if (rest.length > 0) this.appendPartial(rest);
    if (this.oversizeBytes >= 0) {
      this.emitOversize();
    } else if (this.pending.length > 0) {
      const line = this.pending;
      this.pending = '';
      this.emit(line);
    }
  }

  private finishLine(text: string, start: number, nl: number): void {
    if (this.oversizeBytes >= 0) {
      this.oversizeBytes += Buffer.byteLength(text.slice(start, nl), 'utf8');
      this.emitOversize();
      return;
    }
    let line = text.slice(start, nl);
    if (this.pending.length > 0) {
      line = this.pending + line;
      this.pending = '';
    }
    this.emit(line);
  }

  private emit(line: string): void {
    if (line.charCodeAt(line.length - 1) === 13 /* \r */) line = line.slice(0, -1);
    if (overLimit(line, this.maxLineBytes)) {
      this.onTooLarge(line.slice(0, this.previewChars), Buffer.byteLength(line, 'utf8'));
      return;
    }
    this.onLine(line);
  }

  private appendPartial(part: string): void {
    if (this.oversizeBytes >= 0) {
      this.oversizeBytes += Buffer.byteLength(part, 'utf8');
      return;
    }
    const joined = this.pending + part;
    // +1 allows for a `\r` that belongs to a `\r\n` split across chunks.
    if (overLimit(joined, this.maxLineBytes + 1)) {
      this.oversizePreview = joined.slice(0, this.previewChars);
      this.oversizeBytes = Buffer.byteLength(joined, 'utf8');
      this.pending = '';
      return;
    }
    this.pending = joined;
  }

  private emitOversize(): void {
    // The byte count includes a trailing \r if the line ended with \r\n; close enough for a report.
    const preview = this.oversizePreview;
    const bytes = this.oversizeBytes;
    this.oversizeBytes = -1;
    this.oversizePreview = '';
    this.onTooLarge(preview, bytes);
  }
}

/** Split a whole text into lines the same way (convenience for tests and small inputs). */
export function splitLines(text: string, maxLineBytes?: number): string[] {
  const lines: string[] = [];
  const s = new NdjsonSplitter({ onLine: (l) => lines.push(l), maxLineBytes });
  s.push(text);
  s.end();
  return lines;
}
