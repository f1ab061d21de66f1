/**
 * A what-if: the retained history replayed twice over the same events — under the settings in force
 * and under the proposed ones — so the two summaries and series compare like with like (the live
 * results may predate the history or have been emitted under yet other settings).
 */
import type { HistorySummary } from '../history/event-history';
import type { EventHistory } from '../history/event-history';
import type { WhatIfSettings, WhatIfSummary, WindowResult } from '../../../src-shared/types';
import { replayHistory } from './replay';
import { SummaryCollector, type WhatIfSeries } from './summary';

/** One side of the comparison. */
export interface WhatIfSide {
  summary: WhatIfSummary;
  series: WhatIfSeries;
}

/** The outcome of {@link runWhatIf}. */
export interface WhatIfOutcome {
  /** The history replayed: sequences `[fromSeq, toSeq)` and its summary when the run started. */
  fromSeq: number;
  toSeq: number;
  history: HistorySummary;
  current: WhatIfSide;
  whatIf: WhatIfSide;
  /** Wall time of both replays, ms. */
  elapsedMs: number;
}

/** Options of {@link runWhatIf}. */
export interface WhatIfOptions {
  /** The sensor to chart; default the first key of the current replay. */
  sensorId?: string | null;
  signal?: AbortSignal;
  /** Fraction of both replays done, 0..1. */
  onProgress?: (done: number) => void;
  /** See ReplayOptions.sliceMs. */
  sliceMs?: number;
  now?: () => number;
}

/**
 * Replays the history under `current` and under `whatIf` and summarizes both.
 * @throws as replayHistory does (overwritten history, abort).
 */
export async function runWhatIf(history: EventHistory, current: WhatIfSettings, whatIf: WhatIfSettings, opts: WhatIfOptions = {}): Promise<WhatIfOutcome> {
  const started = performance.now();
  const fromSeq = history.oldestSeq;
  const toSeq = history.nextSeq;
  const hist = history.summary();
  const completeAfter = history.completeAfterMs;
  const side = async (settings: WhatIfSettings, sensorId: string | null, part: number): Promise<WhatIfSide> => {
    const c = new SummaryCollector(completeAfter, sensorId);
    const run = await replayHistory(history, settings, {
      fromSeq,
      toSeq,
      onResults: (b) => c.add(b),
      onProgress: (d) => opts.onProgress?.((part + d) / 2),
      signal: opts.signal,
      sliceMs: opts.sliceMs,
      now: opts.now,
    });
    return { summary: c.summary(settings, run), series: c.series() };
  };
  const cur = await side(current, opts.sensorId ?? null, 0);
  const next = await side(whatIf, cur.series.sensorId, 1);
  return { fromSeq, toSeq, history: hist, current: cur, whatIf: next, elapsedMs: performance.now() - started };
}

/**
 * Streams the results of `settings` over history `[fromSeq, toSeq)` as JSON Lines (one result per
 * line, emission order, as `process` writes them) to `write`, awaiting it for backpressure.
 * @throws RangeError when that range is no longer retained.
 */
export async function whatIfJsonLines(
  history: EventHistory,
  settings: WhatIfSettings,
  range: { fromSeq: number; toSeq: number },
  write: (chunk: string) => Promise<void> | void,
  signal?: AbortSignal,
): Promise<number> {
  let lines = 0;
  let pending: Promise<void> | void;
  const batches: WindowResult[][] = [];
  const flush = async (): Promise<void> => {
    while (batches.length > 0) {
      const b = batches.shift()!;
      lines += b.length;
      pending = write(b.map((r) => JSON.stringify(r)).join('\n') + '\n');
      if (pending !== undefined) await pending;
    }
  };
  await replayHistory(history, settings, {
    ...range,
    signal,
    onResults: (b) => batches.push(b),
    yieldToIo: async () => {
      await flush();
      await new Promise<void>((r) => setImmediate(r));
    },
  });
  await flush();
  return lines;
}
