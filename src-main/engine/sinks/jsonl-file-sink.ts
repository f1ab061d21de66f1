/**
 * The JSONL file sink: one window result per line, rotated by size
 * (`output.jsonl` → `output.1.jsonl` → … → `output.N.jsonl`, older ones deleted).
 */
import { z } from 'zod';
import type { WindowResult } from '../../../src-shared/types';
import type { Sink } from '../component';
import type { JsonlCommitPoint } from '../checkpoint/jsonl-commit';
import { JsonlWriter, type JsonlWriterStats } from './jsonl-writer';
import type { SinkMetrics } from './sink-metrics';
import { encodeResult } from './result-encoder';

export { JsonlWriter, rotatedPath, type JsonlWriterOptions, type JsonlWriterStats } from './jsonl-writer';

/** Options of the JSONL file sink (all serialisable; sizes in bytes). */
export const jsonlFileSinkOptionsSchema = z
  .object({
    /** Metrics name of the sink; default "file". */
    name: z.string().min(1).optional(),
    /** File to write; parent directories are created. */
    path: z.string().min(1),
    /** Rotate when the file would exceed this many bytes; 0 = never. */
    maxBytes: z.number().int().min(0).default(0),
    /** Rotated files kept besides the current one (total cap = (maxFiles + 1) × maxBytes; deletions are counted). */
    maxFiles: z.number().int().min(0).max(1000).default(5),
    /** Keep the existing content (true) or truncate at start (false). */
    append: z.boolean().default(false),
  })
  .strict();

/** The `sinks[]` entry of a pipeline config for the JSONL file sink. */
export const jsonlFileSinkConfigSchema = jsonlFileSinkOptionsSchema.extend({ type: z.literal('file') }).strict();

/** Options accepted by {@link JsonlFileSink} (defaults filled in by the schema). */
export type JsonlFileSinkOptions = z.input<typeof jsonlFileSinkOptionsSchema>;

/**
 * Writes each result as one JSON line. `write()` resolves when the lines are accepted by the file
 * stream (backpressure: waits for 'drain'); `close()` flushes and resolves after the file is closed.
 * Throws (constructor) a ZodError on invalid options.
 */
export class JsonlFileSink implements Sink {
  readonly name: string;
  private readonly writer: JsonlWriter;
  private closing: Promise<void> | null = null;

  /** `metrics` (optional) counts what rotation's cap deletes, labelled with the sink's name. */
  constructor(options: JsonlFileSinkOptions, metrics?: Pick<SinkMetrics, 'outputDiscarded'>) {
    const opts = jsonlFileSinkOptionsSchema.parse(options);
    const name = opts.name ?? 'file';
    this.name = name;
    this.writer = new JsonlWriter(opts.path, {
      maxBytes: opts.maxBytes,
      maxFiles: opts.maxFiles,
      append: opts.append,
      encode: encodeResult,
      onDiscard: (bytes, lines) => metrics?.outputDiscarded(name, bytes, lines),
    });
  }

  /** Path of the current (newest) file. */
  get path(): string {
    return this.writer.path;
  }

  /** Lines and bytes written, rotations done. */
  stats(): JsonlWriterStats {
    return this.writer.stats();
  }

  write(results: WindowResult[]): Promise<void> {
    return this.writer.write(results);
  }

  /** Durable length of the file (fsynced), for checkpoints. */
  commitPoint(): Promise<JsonlCommitPoint> {
    return this.writer.commitPoint();
  }

  /** Truncates (and un-rotates) the file back to a checkpoint's commit point, then appends. */
  resumeFrom(point: unknown): Promise<void> {
    return this.writer.resumeFrom(point as JsonlCommitPoint);
  }

  async close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = (async () => {
      let openError: unknown;
      // An empty run still leaves an (empty, truncated) output file behind.
      await this.writer.open().catch((err: unknown) => {
        openError = err;
      });
      await this.writer.close();
      if (openError) throw openError;
    })();
    return this.closing;
  }
}
