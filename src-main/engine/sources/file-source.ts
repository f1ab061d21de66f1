/**
 * File replay: read events from a JSONL (NDJSON), JSON or CSV/TSV file, or stdin (`-`), and hand
 * them over in batches — as fast as the ingress queue accepts (`speed: 'max'`), or paced at the
 * recorded event-time pace × `speed`. JSONL and CSV are streamed (never loaded whole); a JSON
 * document is parsed whole. Bad records are dead-lettered with a reason; a missing or unreadable
 * file, or a JSON document with no record array, makes run() reject with an Error naming the path.
 *
 * Field mapping: see decode/field-mapping.ts. For CSV the paths are column names, and `key` may be
 * a constant: `=seattle` gives every row the key "seattle".
 */
import { createReadStream, promises as fsp } from 'node:fs';
import { fileIdentity, sameFile, type FileIdentity } from './file-identity';
import { extname } from 'node:path';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { StreamEvent } from '../../../src-shared/types';
import type { Source, SourceOutput } from '../component';
import { EdgeDecoder } from '../decode/decode';
import { getPath, type FieldMapping } from '../decode/field-mapping';
import { NdjsonByteSplitter } from '../decode/ndjson-byte-splitter';
import { Utf8Validator } from '../decode/utf8-validator';
import { CsvParser } from './csv';
import { realSleep, ReplayPacer, type SleepFn } from './pacing';

/** Input formats of the file source. */
export type FileFormat = 'jsonl' | 'json' | 'csv';

/** Options of FileSource. */
export interface FileSourceOptions {
  /** File path, or '-' for stdin. */
  path: string;
  /** Default by extension: .jsonl/.ndjson → jsonl, .json → json, .csv/.tsv → csv; otherwise (and stdin) jsonl. */
  format?: FileFormat;
  /** Where key, time, value and unit are in each record (partial; completed with DEFAULT_MAPPING). */
  mapping?: Partial<FieldMapping>;
  /** JSON only: dot path to the record array. Default: the top-level array, else `features`, else the single array-valued property. */
  records?: string;
  /** 'max' (default) = as fast as possible; a number > 0 = recorded speed × factor. */
  speed?: number | 'max';
  /** Largest batch handed to emit, events. Default 4096. */
  batchMaxEvents?: number;
  /** CSV field separator. Default ',' ('\t' for .tsv). */
  delimiter?: string;
  /** Longest JSONL line / CSV row accepted, bytes; longer ones are dead-lettered as too_large. Default 1 MiB. */
  maxLineBytes?: number;
  /** Processing-time clock, ms (for pacing and dead letters). Default Date.now. */
  now?: () => number;
  /** Sleep used for pacing (tests inject a fake). Default setTimeout. */
  sleep?: SleepFn;
  /** The stream read when path is '-'. Default process.stdin. */
  stdin?: Readable;
}

/** Infer the format and CSV delimiter from a path's extension. */
export function formatForPath(path: string): { format: FileFormat; delimiter: string } {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return { format: 'json', delimiter: ',' };
  if (ext === '.csv') return { format: 'csv', delimiter: ',' };
  if (ext === '.tsv' || ext === '.tab') return { format: 'csv', delimiter: '\t' };
  return { format: 'jsonl', delimiter: ',' };
}

/**
 * Find the record array of a parsed JSON document: at `recordsPath` if given; else the document
 * itself if it is an array; else its `features` (GeoJSON); else its only array-valued property.
 * @throws Error saying what was found instead.
 */
export function findRecords(doc: unknown, recordsPath: string | undefined, where: string): unknown[] {
  if (recordsPath !== undefined && recordsPath !== '') {
    const found = getPath(doc, recordsPath);
    if (!Array.isArray(found)) {
      const got = found === undefined ? 'nothing' : Array.isArray(found) ? 'an array' : found === null ? 'null' : `a ${typeof found}`;
      throw new Error(`file source: ${where}: records path "${recordsPath}" must name an array, found ${got}`);
    }
    return found;
  }
  if (Array.isArray(doc)) return doc;
  if (typeof doc !== 'object' || doc === null) {
    throw new Error(`file source: ${where}: a JSON document must be an array of records or an object holding one, got ${doc === null ? 'null' : typeof doc}`);
  }
  const obj = doc as Record<string, unknown>;
  if (Array.isArray(obj.features)) return obj.features;
  const arrays = Object.keys(obj).filter((k) => Array.isArray(obj[k]));
  if (arrays.length === 1) return obj[arrays[0]] as unknown[];
  throw new Error(
    arrays.length === 0
      ? `file source: ${where}: the JSON object has no array of records (keys: ${Object.keys(obj).join(', ') || 'none'}); pass records: "<dot.path>"`
      : `file source: ${where}: the JSON object has several arrays (${arrays.join(', ')}); choose one with records: "<dot.path>"`,
  );
}

/** Replays a file or stdin; see the module comment. */
export class FileSource implements Source {
  readonly name = 'file';
  readonly format: FileFormat;
  private readonly path: string;
  private readonly delimiter: string;
  private readonly recordsPath: string | undefined;
  private readonly batchMax: number;
  private readonly maxLineBytes: number;
  private readonly speed: number | 'max';
  private readonly now: () => number;
  private readonly sleep: SleepFn;
  private readonly stdin: Readable | undefined;
  private readonly decoder: EdgeDecoder;
  private readonly abort = new AbortController();
  private stream: Readable | null = null;
  private pacer: ReplayPacer | null = null;
  private bytes = 0;
  /** Sees every byte read: decoding replaces invalid UTF-8 with U+FFFD silently, this says it happened. */
  private readonly utf8 = new Utf8Validator();
  private records = 0;
  /** Raw bytes of the file read so far, counted from its start (a resumed read starts at its offset). */
  private fileOffset = 0;
  /** Offset just after the last newline read, and lines read up to it (JSONL). */
  private lineEnd = 0;
  private lines = 0;
  /** Position covering everything handed over; undefined between the batches of one drain. */
  private clean: FilePosition | undefined;
  private identity: FileIdentity | undefined;
  /** Where seek() asked to resume; CSV and JSON skip this many records instead of seeking bytes. */
  private resumeAt: FilePosition | undefined;
  private skipRecords = 0;
  private started = false;
  private countBytes: ((bytes: number) => void) | undefined;

  /** @throws Error on an invalid mapping, speed, batch size or delimiter. */
  constructor(opts: FileSourceOptions) {
    if (typeof opts.path !== 'string' || opts.path === '') throw new Error('file source: path must be a non-empty string (or "-" for stdin)');
    this.path = opts.path;
    const inferred = opts.path === '-' ? { format: 'jsonl' as const, delimiter: ',' } : formatForPath(opts.path);
    this.format = opts.format ?? inferred.format;
    this.delimiter = opts.delimiter ?? inferred.delimiter;
    this.recordsPath = opts.records;
    this.batchMax = opts.batchMaxEvents ?? 4096;
    if (!(Number.isInteger(this.batchMax) && this.batchMax >= 1)) {
      throw new Error(`file source: batchMaxEvents must be an integer ≥ 1, got ${opts.batchMaxEvents}`);
    }
    this.maxLineBytes = opts.maxLineBytes ?? 1 << 20;
    this.speed = opts.speed ?? 'max';
    if (this.speed !== 'max' && !(typeof this.speed === 'number' && Number.isFinite(this.speed) && this.speed > 0)) {
      throw new Error(`file source: speed must be 'max' or a number > 0 (1 = recorded pace), got ${JSON.stringify(opts.speed)}`);
    }
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? realSleep;
    this.stdin = opts.stdin;
    this.decoder = new EdgeDecoder(this.name, opts.mapping, this.now);
    if (this.format === 'csv' && (this.delimiter.length !== 1 || this.delimiter === '"')) {
      throw new Error(`file source: CSV delimiter must be one character other than '"', got ${JSON.stringify(this.delimiter)}`);
    }
  }

  /**
   * Position of everything handed over: for JSONL the byte offset just after the last line handed
   * over and its line number; for every format the records handed over; and the file's identity.
   * Undefined between the batches of one read, and for stdin (which cannot be rewound).
   */
  position(): FilePosition | undefined {
    return this.path === '-' || this.identity === undefined ? undefined : this.clean;
  }

  /**
   * Resume after `position` (before run): JSONL continues at its byte offset, CSV and JSON skip the
   * records already handed over.
   * @throws Error when the input is stdin, the position is of another file or format, or the file
   * changed (another inode, a different beginning, shorter than the position).
   */
  async seek(position: unknown): Promise<void> {
    if (this.path === '-') throw new Error('file source: stdin cannot be rewound: a checkpoint cannot resume it');
    const p = position as FilePosition;
    if (p?.path !== this.path || p.format !== this.format) {
      throw new Error(`file source: the checkpoint is of input ${JSON.stringify(p?.path)} (${p?.format}), not ${JSON.stringify(this.path)} (${this.format})`);
    }
    const now = await fileIdentity(this.path, p.identity?.headBytes).catch((e: Error) => {
      throw new Error(`file source: cannot read "${this.path}": ${e.message}`);
    });
    const why = sameFile(p.identity, now, this.format === 'jsonl' ? p.offset : 0);
    if (why !== undefined) throw new Error(`file source: "${this.path}" changed since the checkpoint (${why}): refusing to resume into a different file`);
    this.resumeAt = p;
    this.clean = p;
    this.records = p.records;
    this.lines = p.line;
    if (this.format !== 'jsonl') this.skipRecords = p.records;
  }

  /**
   * Read the whole input and deliver it. Resolves at end of input or after stop().
   * @throws Error naming the path when the file cannot be read, or a JSON document has no record array.
   */
  async run(out: SourceOutput): Promise<void> {
    if (this.started) throw new Error('file source: run() may be called once');
    this.started = true;
    if (this.speed !== 'max') this.pacer = new ReplayPacer(this.speed, this.now);
    this.countBytes = out.bytesIn?.bind(out);
    const stream = await this.open();
    this.stream = stream;
    try {
      if (this.format === 'jsonl') await this.readJsonl(stream, out);
      else if (this.format === 'csv') await this.readCsv(stream, out);
      else await this.readJson(stream, out);
    } catch (err) {
      if (this.abort.signal.aborted) return;
      if (err instanceof Error && err.message.startsWith('file source:')) throw err;
      throw new Error(`file source: cannot read "${this.path}": ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      if (stream !== this.stdin && stream !== process.stdin) stream.destroy();
    }
  }

  /** Stop reading; run() resolves soon after (after a pending emit returns). Idempotent. */
  async stop(): Promise<void> {
    if (this.abort.signal.aborted) return;
    this.abort.abort();
    this.stream?.destroy();
  }

  private async open(): Promise<Readable> {
    if (this.path === '-') return this.stdin ?? process.stdin;
    try {
      const st = await fsp.stat(this.path);
      if (st.isDirectory()) throw new Error('it is a directory');
      this.identity = await fileIdentity(this.path);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      throw new Error(`file source: cannot read "${this.path}": ${msg}`);
    }
    const start = this.format === 'jsonl' ? (this.resumeAt?.offset ?? 0) : 0;
    this.fileOffset = this.lineEnd = start;
    this.clean ??= this.cursor();
    return createReadStream(this.path, { start });
  }

  /** Position after every record read so far (meaningful once they are all handed over). */
  private cursor(): FilePosition {
    return { path: this.path, format: this.format, offset: this.lineEnd, line: this.lines, records: this.records, identity: this.identity! };
  }

  /** CSV and JSON resume: true while the record just decoded is one handed over before the checkpoint. */
  private skipped(): boolean {
    if (this.skipRecords === 0) return false;
    this.skipRecords--;
    return true;
  }

  private async *chunks(stream: Readable): AsyncGenerator<Buffer | string> {
    let first = true;
    for await (const chunk of stream) {
      if (this.abort.signal.aborted) return;
      let c = chunk as Buffer | string;
      const raw = typeof c === 'string' ? Buffer.byteLength(c) : c.length;
      this.fileOffset += raw;
      if (first) {
        first = false;
        if (this.fileOffset === raw) c = stripBom(c);
      }
      const n = typeof c === 'string' ? Buffer.byteLength(c) : c.length;
      if (typeof c !== 'string') this.utf8.push(c);
      this.bytes += n;
      this.countBytes?.(n);
      yield c;
    }
  }

  private async readJsonl(stream: Readable, out: SourceOutput): Promise<void> {
    const max = this.maxLineBytes;
    const splitter = new NdjsonByteSplitter({
      maxLineBytes: max,
      onLineBytes: (buf, start, end) => {
        // Once the input held invalid UTF-8, every line goes through the text path, where it is judged.
        if (this.utf8.invalid || !this.decoder.lineBytes(buf, start, end)) return false; // counted in onLine
        this.lines++;
        return true;
      },
      onLine: (line) => {
        this.lines++;
        if (!this.rejectedAsInvalidUtf8(line)) this.decoder.line(line);
      },
      onTooLarge: (preview, bytes) => {
        this.lines++;
        this.decoder.reject(preview, 'too_large', `line of ${bytes} bytes exceeds the limit of ${max} bytes (maxLineBytes); only its start is kept`);
      },
    });
    for await (const chunk of this.chunks(stream)) {
      splitter.push(chunk);
      // Newline bytes never occur inside a UTF-8 character: the last one ends the last complete line.
      const nl = typeof chunk === 'string' ? -1 : chunk.lastIndexOf(10);
      if (nl >= 0) this.lineEnd = this.fileOffset - (chunk.length - nl - 1);
      await this.flushIfFull(out);
    }
    if (!this.abort.signal.aborted) {
      splitter.end();
      this.lineEnd = this.fileOffset;
    }
    await this.flush(out);
  }

  private async readCsv(stream: Readable, out: SourceOutput): Promise<void> {
    const mapping = this.decoder.mapping;
    let header: string[] | null = null;
    const parser = new CsvParser({
      delimiter: this.delimiter,
      maxRowChars: this.maxLineBytes,
      onRow: (fields, raw, rowNumber) => {
        if (header === null) {
          header = fields.map((f) => f.trim());
          this.checkColumns(header, mapping);
          return;
        }
        if (this.skipped()) return;
        if (this.rejectedAsInvalidUtf8(raw)) return;
        if (fields.length !== header.length) {
          this.decoder.reject(
            raw,
            'invalid_csv',
            `CSV row ${rowNumber} (header = row 1) has ${fields.length} fields, the header has ${header.length} (${header.join(this.delimiter)})`,
          );
          return;
        }
        const rec: Record<string, string> = {};
        for (let i = 0; i < fields.length; i++) rec[header[i]] = fields[i];
        this.decoder.record(rec, raw, true);
      },
      onBadRow: (raw, detail, rowNumber, tooLarge) => {
        if (this.skipped()) return;
        this.decoder.reject(raw, tooLarge ? 'too_large' : 'invalid_csv', `CSV row ${rowNumber} (header = row 1): ${detail}`);
      },
    });
    const text = new StringDecoder('utf8');
    for await (const chunk of this.chunks(stream)) {
      parser.push(typeof chunk === 'string' ? chunk : text.write(chunk));
      await this.flushIfFull(out);
    }
    if (!this.abort.signal.aborted) {
      const rest = text.end();
      if (rest) parser.push(rest);
      parser.end();
    }
    await this.flush(out);
  }

  /**
   * A record holding U+FFFD in an input that had invalid UTF-8 bytes is not what the file holds (the
   * decoder replaced them): it is dead-lettered as `invalid_utf8` instead of keyed under a changed name.
   */
  private rejectedAsInvalidUtf8(raw: string): boolean {
    if (!this.utf8.invalid || !raw.includes('\uFFFD')) return false;
    this.decoder.reject(raw, 'invalid_utf8', 'the record is not valid UTF-8 (invalid bytes shown as U+FFFD)');
    return true;
  }

  private checkColumns(header: string[], mapping: FieldMapping): void {
    const missing: string[] = [];
    if (!mapping.key.startsWith('=') && !header.includes(mapping.key)) missing.push(`key "${mapping.key}"`);
    if (!header.includes(mapping.time)) missing.push(`time "${mapping.time}"`);
    if (!header.includes(mapping.value)) missing.push(`value "${mapping.value}"`);
    if (missing.length > 0) {
      throw new Error(
        `file source: "${this.path}": CSV header has no column for ${missing.join(', ')}; columns are: ${header.join(', ')}` +
          (missing.some((m) => m.startsWith('key')) ? ' (use key "=name" for a constant key)' : ''),
      );
    }
  }

  private async readJson(stream: Readable, out: SourceOutput): Promise<void> {
    const parts: Buffer[] = [];
    for await (const chunk of this.chunks(stream)) parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    if (this.abort.signal.aborted) return;
    let doc: unknown;
    try {
      doc = JSON.parse(Buffer.concat(parts).toString('utf8'));
    } catch (err) {
      throw new Error(`file source: "${this.path}" is not a valid JSON document: ${(err as Error).message}`);
    }
    parts.length = 0;
    const records = findRecords(doc, this.recordsPath, `"${this.path}"`);
    for (let i = this.skipRecords; i < records.length && !this.abort.signal.aborted; i++) {
      const el = records[i];
      if (this.utf8.invalid && this.rejectedAsInvalidUtf8(JSON.stringify(el))) continue;
      this.decoder.record(el);
      if (this.decoder.pendingEvents + this.decoder.pendingRejects >= this.batchMax) await this.flush(out);
    }
    await this.flush(out);
  }

  private async flushIfFull(out: SourceOutput): Promise<void> {
    if (this.pacer !== null || this.decoder.pendingEvents >= this.batchMax || this.decoder.pendingRejects >= this.batchMax) {
      await this.flush(out);
    }
  }

  /** Hand over the decoded batch: dead letters at once, events in slices of batchMax (paced if asked). */
  private async flush(out: SourceOutput): Promise<void> {
    const { events, rejects } = this.decoder.drain();
    this.records += events.length + rejects.length;
    // Everything decoded so far is handed over once this drain's last batch is emitted.
    const end = this.cursor();
    this.clean = undefined;
    if (rejects.length > 0) out.reject(rejects);
    if (events.length === 0) {
      this.clean = end;
      return;
    }
    if (this.pacer === null) {
      for (let i = 0; i < events.length && !this.abort.signal.aborted; i += this.batchMax) {
        if (i + this.batchMax >= events.length) this.clean = end;
        await this.emit(out, i === 0 && events.length <= this.batchMax ? events : events.slice(i, i + this.batchMax));
      }
      return;
    }
    let start = 0;
    for (let i = 0; i < events.length; i++) {
      const wait = this.pacer.delayMs(events[i].timestamp);
      if (wait > 2) {
        if (i > start) await this.emit(out, events.slice(start, i));
        start = i;
        await this.sleep(wait, this.abort.signal);
        if (this.abort.signal.aborted) return;
      }
      if (i + 1 - start >= this.batchMax) {
        if (i + 1 === events.length) this.clean = end;
        await this.emit(out, events.slice(start, i + 1));
        start = i + 1;
      }
    }
    this.clean = end;
    if (start < events.length) await this.emit(out, events.slice(start));
  }

  private async emit(out: SourceOutput, events: StreamEvent[]): Promise<void> {
    const p = out.emit(events);
    if (p) await p;
  }
}

/** A file source's checkpoint position (see FileSource.position). */
export interface FilePosition {
  path: string;
  format: FileFormat;
  /** JSONL: byte offset just after the last line handed over. */
  offset: number;
  /** JSONL: lines handed over (the line number of the last one). */
  line: number;
  /** Records handed over (events and dead letters). */
  records: number;
  identity: FileIdentity;
}

/** Drops a UTF-8 byte-order mark at the very start of the input (editors on Windows write one). */
function stripBom(chunk: Buffer | string): Buffer | string {
  if (typeof chunk === 'string') return chunk.charCodeAt(0) === 0xfeff ? chunk.slice(1) : chunk;
  return chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? chunk.subarray(3) : chunk;
}
