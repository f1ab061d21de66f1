/** What every contender implements, and the result rows they all produce (so they can be compared). */
import type { StreamEvent, WindowSpec, WindowStats } from '../../src-shared/types';

/** One (key, window) aggregate as every contender emits it. Times in ms since epoch. */
export interface BenchRow extends Omit<WindowStats, 'avg'> {
  windowStart: number;
  windowEnd: number;
  sensorId: string;
}

/** The job of one run: the pre-parsed events and the window settings (durations in ms). */
export interface ContenderJob {
  events: StreamEvent[];
  window: WindowSpec;
  maxOutOfOrdernessMs: number;
  allowedLatenessMs: number;
  alertThreshold: number;
  /** Batch size the sources hand over, events (the file source's default: 4096). */
  batchEvents: number;
}

/** Receives result rows; contenders call it as results are emitted (a counting or collecting sink). */
export type RowSink = (rows: readonly BenchRow[]) => void;

/**
 * A contender: processes every event of `job` in event time, emits every fired (key, window)
 * aggregate to `sink`, fires every open window at the end, and resolves when done.
 * Rejects if the contender itself fails (the bench reports it as a crash).
 */
export type Contender = (job: ContenderJob, sink: RowSink) => Promise<void>;

/** Names of the contenders, as used on the command line and in results.json. */
export type ContenderName = 'naive' | 'rxjs' | 'streamscope' | 'streamscope-operator' | 'floor';

/** Window starts (ms) of the tumbling/hopping windows containing event time `t`, ascending. */
export function windowStartsOf(t: number, sizeMs: number, slideMs: number): number[] {
  const last = Math.floor(t / slideMs) * slideMs;
  const first = Math.floor((t - sizeMs) / slideMs) * slideMs + slideMs;
  const out: number[] = [];
  for (let ws = first; ws <= last; ws += slideMs) out.push(ws);
  return out;
}

/** size and slide of a tumbling/hopping spec (ms); throws for session windows. */
export function sizeAndSlide(w: WindowSpec): { sizeMs: number; slideMs: number } {
  if (w.kind === 'session') throw new Error('session windows have no size/slide');
  return { sizeMs: w.sizeMs, slideMs: w.kind === 'hopping' ? w.slideMs : w.sizeMs };
}
