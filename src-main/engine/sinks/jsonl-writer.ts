/**
 * A small append-only JSON Lines writer: one JSON object per line, written through an fs.WriteStream
 * that honours `drain` (backpressure), with rotation by size and a total cap: at most `maxFiles`
 * rotated files of about `maxBytes` each are kept beside the current one, so the files together
 * hold at most (maxFiles + 1) × maxBytes (plus one line). What rotation deletes is reported through
 * `onDiscard` (bytes and lines) and counted in `stats()`. The one mechanism behind the file sink,
 * the late-events and dead-letter side outputs and the webhook's dead letters.
 */
import { createReadStream, createWriteStream, fsync, type WriteStream } from 'node:fs';
import { promisify } from 'node:util';
import { rewindJsonl, syncDir, type JsonlCommitPoint } from '../checkpoint/jsonl-commit';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, extname } from 'node:path';

/** Options of a {@link JsonlWriter}. */
export interface JsonlWriterOptions {
  /** Keep what the file already holds (true) or truncate it when first opened (false, default). */
  append?: boolean;
  /**
   * Rotate when the current file would grow past this many bytes; 0 (default) = never rotate.
   * A single line larger than `maxBytes` still gets written, alone in a fresh file.
   */
  maxBytes?: number;
  /** Rotated files kept (`name.1.jsonl` … `name.N.jsonl`); older ones are deleted. Default 5. */
  maxFiles?: number;
  /** Called with the bytes and lines of each file rotation deletes (the cap discarding data). */
  onDiscard?: (bytes: number, lines: number) => void;
  /** Encodes one object as its line (without newline); must equal JSON.stringify. Default JSON.stringify. */
  encode?: (o: unknown) => string | undefined;
}

/** Rotation settings of a side output or an app file: per-file size and files kept. */
export interface RotationOptions {
  /** Rotate past this many bytes; 0 = never. */
  maxBytes: number;
  /** Rotated files kept; total cap = (maxFiles + 1) × maxBytes. */
  maxFiles: number;
}

/** Counters of a {@link JsonlWriter}. */
export interface JsonlWriterStats {
  /** Lines (objects) accepted by the stream. */
  lines: number;
  /** Bytes accepted by the stream, all files together. */
  bytes: number;
  /** Times the current file was rotated. */
  rotations: number;
  /** Bytes deleted by rotation (the total cap), also of files written before this writer. */
  discardedBytes: number;
  /** Lines deleted by rotation. */
  discardedLines: number;
}

/**
 * Path of the `index`-th rotated file: `out/output.jsonl` → `out/output.1.jsonl`
 * (`name` without extension → `name.1`).
 */
export function rotatedPath(path: string, index: number): string {
  const ext = extname(path);
  if (!ext) return `${path}.${index}`;
  return `${path.slice(0, -ext.length)}.${index}${ext}`;
}

/**
 * Writes arrays of objects as JSON lines to `path`. Parent directories are created on open.
 * Calls are serialised: each `write` resolves once its lines are accepted by the stream without
 * exceeding its highWaterMark (after 'drain' if needed). Rejects on I/O errors (the error sticks:
 * every later call rejects too) and on values JSON cannot encode (nothing of that call is written).
 */
export class JsonlWriter {
  readonly path: string;
  private append: boolean;
  private readonly maxBytes: number;
  private readonly maxFiles: number;
  private readonly encode: (o: unknown) => string | undefined;
  private stream: WriteStream | null = null;
  private currentBytes = 0;
  private opened = false;
  private closed = false;
  private failure: Error | null = null;
  /** Tail of the serialised operation chain. */
  private chain: Promise<void> = Promise.resolve();
  private readonly counters: JsonlWriterStats = { lines: 0, bytes: 0, rotations: 0, discardedBytes: 0, discardedLines: 0 };
  private readonly onDiscard?: (bytes: number, lines: number) => void;

  /** `path` is a file path, or `-` for standard output (no rotation then). */
  constructor(path: string, options: JsonlWriterOptions = {}) {
    if (!path) throw new Error('JsonlWriter: path must be a non-empty string');
    const maxBytes = options.maxBytes ?? 0;
    const maxFiles = options.maxFiles ?? 5;
    if (!Number.isFinite(maxBytes) || maxBytes < 0) throw new Error(`JsonlWriter: maxBytes must be >= 0, got ${maxBytes}`);
    if (!Number.isInteger(maxFiles) || maxFiles < 0) throw new Error(`JsonlWriter: maxFiles must be an integer >= 0, got ${maxFiles}`);
    this.path = path;
    this.append = options.append ?? false;
    this.maxBytes = maxBytes;
    this.maxFiles = maxFiles;
    this.onDiscard = options.onDiscard;
    this.encode = options.encode ?? ((o) => JSON.stringify(o));
  }

  /** Counters since construction. */
  stats(): JsonlWriterStats {
    return { ...this.counters };
  }

  /** Create parent directories and open (truncate unless `append`) the file. Idempotent. */
  open(): Promise<void> {
    return this.enqueue(() => this.ensureOpen());
  }

  /** Append one line per object. Resolves when the stream has accepted them (see class doc). */
  write(objects: readonly unknown[]): Promise<void> {
    if (objects.length === 0) return this.enqueue(async () => {});
    let lines: string[];
    try {
      lines = objects.map((o) => {
        const text = this.encode(o);
        if (text === undefined) throw new Error(`cannot encode a value of type ${typeof o} as JSON`);
        return text + '\n';
      });
    } catch (err) {
      return Promise.reject(new Error(`JsonlWriter(${this.path}): ${(err as Error).message}`));
    }
    return this.enqueue(() => this.writeLines(lines));
  }

  /**
   * Checkpoints: makes everything written so far durable (flushed, fsynced, rotated files and their
   * directory too) and returns the point to resume from: the current file's inode and length.
   * @throws Error for standard output (it cannot be taken back) or on an I/O error.
   */
  commitPoint(): Promise<JsonlCommitPoint> {
    let point!: JsonlCommitPoint;
    return this.enqueue(async () => {
      if (this.path === STDOUT_PATH) throw new Error('results written to standard output cannot be taken back after a crash: write them to a file');
      await this.ensureOpen();
      const stream = this.stream!;
      await flushed(stream);
      if (this.failure) throw this.failure;
      await promisify(fsync)(fdOf(stream));
      await syncDir(dirname(this.path));
      point = { ino: (await stat(this.path)).ino, bytes: this.currentBytes };
    }).then(() => point);
  }

  /**
   * Recovery (before anything is written): undoes rotations made after `point` and truncates the
   * file to the point's length, then appends from there.
   * @throws Error when no file holding the point's inode is found, or it is shorter than the point.
   */
  resumeFrom(point: JsonlCommitPoint): Promise<void> {
    return this.enqueue(async () => {
      if (this.opened) throw new Error(`JsonlWriter(${this.path}): resumeFrom() after writing`);
      await rewindJsonl((i) => (i === 0 ? this.path : rotatedPath(this.path, i)), point, this.maxFiles);
      this.append = true;
    });
  }

  /** Flush everything written so far, close the file and resolve after it is closed. Idempotent. */
  close(): Promise<void> {
    if (this.closed) return this.chain.then(() => {}, () => {});
    this.closed = true;
    const done = this.chain.catch(() => {}).then(() => this.endStream());
    this.chain = done;
    return done;
  }

  private enqueue(op: () => Promise<void>): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`JsonlWriter(${this.path}): write after close`));
    const run = this.chain.then(() => {
      if (this.failure) throw this.failure;
      return op();
    });
    // Keep the chain alive after a rejection; the caller still sees it through `run`.
    this.chain = run.catch(() => {});
    return run;
  }

  private async ensureOpen(): Promise<void> {
    if (this.opened) return;
    if (this.path === STDOUT_PATH) {
      // Standard output: written in place (never reopened, so a shared redirect is not truncated).
      this.stream = process.stdout as unknown as WriteStream;
      this.opened = true;
      return;
    }
    await mkdir(dirname(this.path), { recursive: true });
    this.currentBytes = 0;
    if (this.append) {
      try {
        this.currentBytes = (await stat(this.path)).size;
      } catch {
        this.currentBytes = 0;
      }
    }
    this.stream = await this.openStream(this.append ? 'a' : 'w');
    this.opened = true;
  }

  private openStream(flags: 'a' | 'w'): Promise<WriteStream> {
    return new Promise((resolve, reject) => {
      const stream = createWriteStream(this.path, { flags });
      const onError = (err: Error) => reject(wrapIo(this.path, err));
      stream.once('error', onError);
      stream.once('ready', () => {
        stream.off('error', onError);
        // A later I/O error becomes sticky; pending writes see it through waitAccepted().
        stream.on('error', (err) => {
          this.failure ??= wrapIo(this.path, err);
        });
        resolve(stream);
      });
    });
  }

  private async writeLines(lines: string[]): Promise<void> {
    await this.ensureOpen();
    if (this.maxBytes === 0) {
      // No rotation: one buffer for the whole call (a byte count per line cost more than the encoding;
      // `+=` measured faster than lines.join('') here).
      let text = '';
      for (const line of lines) text += line;
      const buf = Buffer.from(text);
      return this.writeChunk(buf, buf.length, lines.length);
    }
    let chunk = '';
    let chunkBytes = 0;
    let chunkLines = 0;
    for (const line of lines) {
      const bytes = Buffer.byteLength(line);
      if (this.maxBytes > 0 && this.currentBytes + chunkBytes > 0 && this.currentBytes + chunkBytes + bytes > this.maxBytes) {
        await this.writeChunk(chunk, chunkBytes, chunkLines);
        chunk = '';
        chunkBytes = 0;
        chunkLines = 0;
        if (this.currentBytes > 0) await this.rotate();
      }
      chunk += line;
      chunkBytes += bytes;
      chunkLines += 1;
    }
    await this.writeChunk(chunk, chunkBytes, chunkLines);
  }

  private async writeChunk(chunk: string | Buffer, bytes: number, lines: number): Promise<void> {
    if (lines === 0) return;
    const stream = this.stream!;
    const accepted = stream.write(chunk);
    this.currentBytes += bytes;
    this.counters.bytes += bytes;
    this.counters.lines += lines;
    if (!accepted) await waitDrain(stream);
    if (this.failure) throw this.failure;
  }

  /** Close the current file, shift `name.i` → `name.(i+1)`, drop the oldest, reopen a fresh file. */
  private async rotate(): Promise<void> {
    // A checkpoint's commit point may lie in a later file: what rotates out must be durable too.
    if (this.stream !== null) {
      await flushed(this.stream);
      await promisify(fsync)(fdOf(this.stream));
    }
    await this.endStream();
    if (this.maxFiles === 0) {
      await this.discard(this.path);
    } else {
      // Only the contiguous run name.1 … name.k exists (we made it); shift that, not maxFiles names.
      let k = 0;
      while (k < this.maxFiles && (await exists(rotatedPath(this.path, k + 1)))) k += 1;
      if (k === this.maxFiles) {
        await this.discard(rotatedPath(this.path, this.maxFiles));
        k -= 1;
      }
      for (let i = k; i >= 1; i--) {
        await renameIfExists(rotatedPath(this.path, i), rotatedPath(this.path, i + 1));
      }
      await rename(this.path, rotatedPath(this.path, 1));
    }
    this.stream = await this.openStream('w');
    this.currentBytes = 0;
    this.counters.rotations += 1;
  }

  /** Delete a file the cap no longer keeps, counting its bytes and lines first. */
  private async discard(path: string): Promise<void> {
    const { bytes, lines } = await measure(path);
    await rm(path, { force: true });
    if (bytes === 0) return;
    this.counters.discardedBytes += bytes;
    this.counters.discardedLines += lines;
    this.onDiscard?.(bytes, lines);
  }

  private async endStream(): Promise<void> {
    const stream = this.stream;
    this.stream = null;
    if (!stream) return;
    if (this.path === STDOUT_PATH) {
      if (stream.writableNeedDrain) await waitDrain(stream);
      return;
    }
    await new Promise<void>((resolve, reject) => {
      if (stream.closed) return resolve();
      stream.once('close', resolve);
      stream.once('error', (err) => reject(wrapIo(this.path, err)));
      stream.end();
    });
    if (this.failure) throw this.failure;
  }
}

/** Resolves once everything written to `stream` so far has reached the file (writes complete in order). */
function flushed(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => stream.write('', (err) => (err ? reject(err) : resolve())));
}

/** The file descriptor of an open file stream (missing from @types/node's WriteStream). */
function fdOf(stream: WriteStream): number {
  return (stream as unknown as { fd: number }).fd;
}

/** The path that means standard output. */
export const STDOUT_PATH = '-';

function waitDrain(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('error', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('error', done);
    stream.on('close', done);
  });
}

/** Bytes and lines (newlines, plus a last unterminated line) of a file; zeros when it is missing. */
async function measure(path: string): Promise<{ bytes: number; lines: number }> {
  let bytes = 0;
  let lines = 0;
  let last = 10;
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
      last = chunk[chunk.length - 1];
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return { bytes, lines: lines + (last !== 10 ? 1 : 0) };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function renameIfExists(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function wrapIo(path: string, err: Error): Error {
  return new Error(`JsonlWriter(${path}): ${err.message}`, { cause: err });
}
