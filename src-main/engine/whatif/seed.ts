/**
 * Apply without a gap: builds the new window operator from the retained history, so the windows
 * open at the switch hold every retained event that an uninterrupted run with the new settings
 * would have folded into them. The replay's own results and late events are not emitted (those
 * windows closed in the past; the what-if panel showed them and can export them).
 */
import type { HistoryCoverage, WindowSpec } from '../../../src-shared/types';
import type { EventHistory } from '../history/event-history';
import type { WindowOperator, WindowOperatorOptions } from '../windows/window-operator';
import { replayHistory } from './replay';

/** The seeded operator and what the history covered. */
export interface SeededOperator {
  operator: WindowOperator;
  coverage: HistoryCoverage;
}

/**
 * Replays the whole history into a new operator with `opts` (in slices), then — synchronously, so no
 * live batch can slip between — whatever the live pipeline recorded meanwhile.
 * @throws as replayHistory does.
 */
export async function seedFromHistory(history: EventHistory, opts: WindowOperatorOptions, signal?: AbortSignal): Promise<SeededOperator> {
  const { now, ...settings } = opts;
  const first = await replayHistory(history, settings, { flush: false, now, signal });
  const last = await replayHistory(history, settings, { operator: first.operator, fromSeq: first.toSeq, flush: false, now, sliceMs: 0 });
  return { operator: last.operator, coverage: coverageOf(history, opts.window, opts.allowedLatenessMs, last.operator.watermark, first.events + last.events) };
}

/**
 * Whether the history holds every event of the windows still open (or updatable) at watermark `wm`:
 * tumbling/hopping windows that can still change start after `wm − allowedLateness − size`; the
 * history is complete for event times after its `completeAfterMs`. Sessions have no such bound: they
 * are complete when nothing was overwritten.
 */
export function coverageOf(history: EventHistory, window: WindowSpec, allowedLatenessMs: number, wm: number, seededEvents: number): HistoryCoverage {
  const completeAfter = history.completeAfterMs;
  const evicted = history.summary().evictedEvents;
  const watermark = Number.isFinite(wm) ? wm : null;
  if (seededEvents === 0 || watermark === null) {
    return { seededEvents, watermark, completeAfterMs: null, neededAfterMs: null, covered: false, missing: 'the history is empty: the new windows start empty' };
  }
  if (window.kind === 'session') {
    const covered = evicted === 0;
    return {
      seededEvents,
      watermark,
      completeAfterMs: Number.isFinite(completeAfter) ? completeAfter : null,
      neededAfterMs: null,
      covered,
      missing: covered ? null : `sessions open at the switch that began before ${new Date(completeAfter).toISOString()} miss their events up to then (overwritten history)`,
    };
  }
  const neededAfter = watermark - allowedLatenessMs - window.sizeMs;
  const covered = completeAfter <= neededAfter;
  return {
    seededEvents,
    watermark,
    completeAfterMs: Number.isFinite(completeAfter) ? completeAfter : null,
    neededAfterMs: neededAfter,
    covered,
    missing: covered ? null : `events from ${new Date(neededAfter).toISOString()} to ${new Date(completeAfter).toISOString()} (event time) were overwritten: the oldest open windows are partial`,
  };
}
