/**
 * The console sink: one readable line per window result, as in the tutorial, for example
 * `[2024-01-01T12:00:00.000Z–12:00:05.000Z) sensor-01 count=42 avg=51.20 min=20.10 max=88.00 alerts=3 (tumbling)`.
 */
import { z } from 'zod';
import type { WindowResult } from '../../../src-shared/types';
import type { Sink } from '../component';
import { STAT_LABELS } from '../windows/aggregate';

/** Serialisable options of the console sink. */
export const consoleSinkOptionsSchema = z
  .object({
    /** Metrics name of the sink; default "console". */
    name: z.string().min(1).optional(),
  })
  .strict();

/** The `sinks[]` entry of a pipeline config for the console sink. */
export const consoleSinkConfigSchema = consoleSinkOptionsSchema.extend({ type: z.literal('console') }).strict();

/** Options of {@link ConsoleSink}; `stream` (default process.stdout) is not part of the config. */
export type ConsoleSinkOptions = z.input<typeof consoleSinkOptionsSchema> & {
  stream?: NodeJS.WritableStream;
};

/** `2024-01-01T12:00:05.000Z` → `12:00:05.000Z` when `end` falls on the same UTC day as `start`. */
function formatWindow(startMs: number, endMs: number): string {
  const start = isoOrRaw(startMs);
  const end = isoOrRaw(endMs);
  const sameDay = start.length === 24 && end.length === 24 && start.slice(0, 11) === end.slice(0, 11);
  return `[${start}–${sameDay ? end.slice(11) : end})`;
}

function isoOrRaw(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

/**
 * One human-readable line (no trailing newline) for a result: window in UTC ISO time, key,
 * the statistics as aggregate.ts's STAT_LABELS list them (count, avg/min/max with two decimals,
 * alerts), window kind, and ` UPDATE` when the result
 * re-emits a window that already fired. Sessions that it replaces are listed as `supersedes=N`.
 */
export function formatResult(r: WindowResult): string {
  const stats = STAT_LABELS.map(({ key, label, decimals }) => `${label}=${decimals === undefined ? r[key] : r[key].toFixed(decimals)}`);
  let line = `${formatWindow(r.windowStart, r.windowEnd)} ${r.sensorId} ${stats.join(' ')} (${r.windowKind})`;
  if (r.supersedes && r.supersedes.length > 0) line += ` supersedes=${r.supersedes.length}`;
  if (r.isUpdate) line += ' UPDATE';
  return line;
}

/**
 * Prints results to a writable stream (stdout by default). `write()` resolves once the stream
 * accepted the lines, after 'drain' when the stream is over its highWaterMark (backpressure).
 * `close()` waits for pending writes; it never ends the stream (the sink does not own it).
 */
export class ConsoleSink implements Sink {
  readonly name: string;
  private readonly stream: NodeJS.WritableStream;
  private chain: Promise<void> = Promise.resolve();

  constructor(options: ConsoleSinkOptions = {}) {
    const { stream, ...rest } = options;
    const opts = consoleSinkOptionsSchema.parse(rest);
    this.name = opts.name ?? 'console';
    this.stream = stream ?? process.stdout;
  }

  write(results: WindowResult[]): Promise<void> {
    if (results.length === 0) return this.chain;
    const text = results.map(formatResult).join('\n') + '\n';
    const run = this.chain.then(() => this.writeText(text));
    this.chain = run.catch(() => {});
    return run;
  }

  close(): Promise<void> {
    return this.chain;
  }

  private writeText(text: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const stream = this.stream;
      let settled = false;
      const cleanup = () => {
        stream.removeListener('drain', onDrain);
        stream.removeListener('error', onError);
        stream.removeListener('close', onClose);
      };
      const onDrain = () => {
        if (settled) return;
        settled = true;
        cleanup();
        resolve();
      };
      const onError = (err: Error) => {
        if (settled) return;
        settled = true;
        cleanup();
        reject(new Error(`console sink: ${err.message}`, { cause: err }));
      };
      const onClose = () => onError(new Error('stream closed before the results were written'));
      stream.on('error', onError);
      stream.on('close', onClose);
      const accepted = stream.write(text);
      if (accepted) onDrain();
      else stream.on('drain', onDrain);
    });
  }
}
