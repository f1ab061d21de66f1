/**
 * Byte-level NDJSON splitting: lines that lie whole inside one Buffer chunk are offered as raw
 * bytes to a fast decoder (`onLineBytes`), with no string made for them. Everything else — a line
 * the fast decoder declines, a line split across chunks, a line long enough to be near the size
 * limit, text chunks — goes through {@link NdjsonSplitter} as before, so blank lines, `\r\n`,
 * multi-byte characters split between chunks and too-large lines are handled exactly as there.
 */
import { NdjsonSplitter, type NdjsonSplitterOptions } from './ndjson-splitter';

/** Options of NdjsonByteSplitter: those of NdjsonSplitter plus the byte hook. */
export interface NdjsonByteSplitterOptions extends NdjsonSplitterOptions {
  /**
   * Tries one line `buf[start..end)` (without `\n` / `\r\n`); returns true when it handled it,
   * false to have the line decoded to text and passed to `onLine`. Must not keep `buf`.
   */
  onLineBytes: (buf: Buffer, start: number, end: number) => boolean;
}

/** Splits a byte stream into lines; see the module comment. */
export class NdjsonByteSplitter {
  private readonly text: NdjsonSplitter;
  private readonly onLineBytes: NdjsonByteSplitterOptions['onLineBytes'];
  /** Longest line (bytes) offered as bytes: one that cannot pass maxLineBytes even as decoded text. */
  private readonly fastMaxBytes: number;
  /** The text splitter holds the start of an unfinished line. */
  private inText = false;

  constructor(opts: NdjsonByteSplitterOptions) {
    this.text = new NdjsonSplitter(opts);
    this.onLineBytes = opts.onLineBytes;
    // An invalid byte decodes to U+FFFD, 3 bytes in UTF-8: a line of ≤ max/3 bytes is never too large.
    this.fastMaxBytes = Math.floor((opts.maxLineBytes ?? 1 << 20) / 3);
  }

  /** Feed one chunk; complete lines are delivered synchronously. */
  push(chunk: Buffer | string): void {
    if (typeof chunk === 'string') {
      this.text.push(chunk);
      if (chunk.length > 0) this.inText = chunk.charCodeAt(chunk.length - 1) !== 10;
      return;
    }
    let start = 0;
    if (this.inText) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.text.push(chunk);
        return;
      }
      this.text.push(chunk.subarray(0, nl + 1));
      this.inText = false;
      start = nl + 1;
    }
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      const end = nl > start && chunk[nl - 1] === 13 ? nl - 1 : nl;
      if (end - start > this.fastMaxBytes || !this.onLineBytes(chunk, start, end)) this.text.push(chunk.subarray(start, nl + 1));
      start = nl + 1;
    }
    if (start < chunk.length) {
      this.text.push(chunk.subarray(start));
      this.inText = true;
    }
  }

  /** Flush the final line (if the input did not end with a newline). No push() afterwards. */
  end(): void {
    this.text.end();
  }
}
