/**
 * Replays retained events through a fresh window operator built by the engine's own
 * `createWindowOperator`, in arrival order, so a what-if has exactly the engine's semantics
 * (watermark, lateness, updates). The replay runs in slices of about `sliceMs` and yields to I/O
 * between them, so the live pipeline and the host keep running; it reads the ring in place (no
 * copy) and fails cleanly if the live writer overwrites what it still has to read.
 */
import type { LateEvent, StreamEvent, WhatIfSettings, WindowResult } from '../../../src-shared/types';
import type { EventHistory } from '../history/event-history';
import { createWindowOperator } from '../windows/create-operator';
import { emptyOutput, type WindowOperator } from '../windows/window-operator';

/** Events read from the ring per operator call. */
const CHUNK_EVENTS = 4096;

/** Options of {@link replayHistory}. */
export interface ReplayOptions {
  /** First and one-past-last sequence to replay (default: what the ring holds when the replay starts). */
  fromSeq?: number;
  toSeq?: number;
  /** Receives each batch of results, in emission order. The array is not reused. */
  onResults?: (batch: WindowResult[]) => void;
  /** Receives each batch of late events; the event objects are reused after the call returns. */
  onLate?: (batch: LateEvent[]) => void;
  /** Called between slices with the fraction done (0..1). */
  onProgress?: (done: number) => void;
  signal?: AbortSignal;
  /** Longest run between yields, ms (default 15). 0 or Infinity runs without yielding (benchmarks, seeding). */
  sliceMs?: number;
  /** Fire the windows still open at the end (watermark → +∞), as `process` does at end of input. Default true. */
  flush?: boolean;
  /** Processing-time clock for `emittedAt`, ms since epoch (default Date.now). */
  now?: () => number;
  /** Replay into this operator (continuing its state) instead of a new one built from `settings`. */
  operator?: WindowOperator;
  /** Yields between slices (default setImmediate). */
  yieldToIo?: () => Promise<void>;
}

/** What {@link replayHistory} returns: the operator (holding the open windows unless flushed) and counts. */
export interface ReplayRun {
  operator: WindowOperator;
  /** One past the last sequence replayed. */
  toSeq: number;
  events: number;
  lateEvents: number;
  /** Results emitted by the final flush (windows still open at the end of the history). */
  openAtEnd: number;
}

const setImmediateYield = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * Replays `[fromSeq, toSeq)` of the history through a new operator with `settings`.
 * @throws RangeError when the live writer overwrote events not yet replayed (lower the rate or raise
 *   the budget); DOMException AbortError when `signal` aborts.
 */
export async function replayHistory(history: EventHistory, settings: WhatIfSettings, opts: ReplayOptions = {}): Promise<ReplayRun> {
  const now = opts.now ?? Date.now;
  const operator = opts.operator ?? createWindowOperator({ ...settings, now });
  const from = opts.fromSeq ?? history.oldestSeq;
  const to = opts.toSeq ?? history.nextSeq;
  const sliceMs = opts.sliceMs ?? 15;
  const yieldToIo = opts.yieldToIo ?? setImmediateYield;
  const buf: StreamEvent[] = new Array(CHUNK_EVENTS);
  const out = emptyOutput();
  let late = 0;
  const drain = (): number => {
    const n = out.results.length;
    if (n > 0) {
      opts.onResults?.(out.results);
      out.results = [];
    }
    if (out.late.length > 0) {
      late += out.late.length;
      opts.onLate?.(out.late);
      out.late = [];
    }
    out.latenciesMs.length = 0;
    return n;
  };
  let sliceStart = performance.now();
  for (let seq = from; seq < to; ) {
    opts.signal?.throwIfAborted();
    const n = history.read(seq, buf, Math.min(CHUNK_EVENTS, to - seq));
    if (n === 0) break;
    const batch = n === CHUNK_EVENTS ? buf : buf.slice(0, n);
    const arrival = now();
    operator.process(batch, arrival, out);
    seq += n;
    drain();
    if (sliceMs > 0 && Number.isFinite(sliceMs) && performance.now() - sliceStart >= sliceMs) {
      opts.onProgress?.((seq - from) / Math.max(1, to - from));
      await yieldToIo();
      sliceStart = performance.now();
    }
  }
  let openAtEnd = 0;
  if (opts.flush !== false) {
    operator.advanceWatermark(Infinity, out);
    openAtEnd = drain();
  }
  opts.onProgress?.(1);
  return { operator, toSeq: to, events: Math.max(0, to - from), lateEvents: late, openAtEnd };
}
