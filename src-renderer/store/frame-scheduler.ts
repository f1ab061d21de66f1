/**
 * Wires `api.onFrame` to the store: every frame is buffered at once (bounded), and one `publish()`
 * is scheduled per animation frame however many frames arrived in between, and no sooner than
 * `minIntervalMs` after the previous one (charts redraw at most 1000/minIntervalMs times a second,
 * whatever the host's frame rate). In a hidden tab no animation frame runs, so nothing is published,
 * and the buffers still stay bounded.
 */
import type { StreamscopeApi } from '../../src-shared/contract';
import type { DashboardStore } from './dashboard-store';

/** Schedules `cb` before the next paint (requestAnimationFrame in the browser). */
export type FrameScheduler = (cb: () => void) => unknown;

/** requestAnimationFrame when present, else a 16 ms timer (tests, non-DOM hosts). */
export const animationFrame: FrameScheduler = (cb) =>
  typeof requestAnimationFrame === 'function' ? requestAnimationFrame(() => cb()) : setTimeout(cb, 16);

/** Default least time between two publishes, ms (5 redraws/s: smooth to the eye, light on the CPU). */
export const DEFAULT_MIN_PUBLISH_INTERVAL_MS = 200;

/** Options of {@link connectFrames}; the clock and timer are injectable for tests. */
export interface ConnectOptions {
  schedule?: FrameScheduler;
  /** Least time between two publishes, ms (0 = every animation frame). */
  minIntervalMs?: number;
  /** Monotonic clock, ms. */
  now?: () => number;
  /** Delays `cb` by `ms`. */
  delay?: (cb: () => void, ms: number) => unknown;
}

/** Subscribe the store to frames; returns the unsubscribe function. */
export function connectFrames(api: Pick<StreamscopeApi, 'onFrame'>, store: DashboardStore, options: ConnectOptions = {}): () => void {
  const schedule = options.schedule ?? animationFrame;
  const minIntervalMs = options.minIntervalMs ?? DEFAULT_MIN_PUBLISH_INTERVAL_MS;
  const now = options.now ?? (() => (typeof performance === 'object' ? performance.now() : Date.now()));
  const delay = options.delay ?? ((cb: () => void, ms: number) => setTimeout(cb, ms));
  let scheduled = false;
  let closed = false;
  let lastPublish = Number.NEGATIVE_INFINITY;
  const flush = () => {
    scheduled = false;
    if (closed) return;
    lastPublish = now();
    store.getState().publish();
  };
  const unsubscribe = api.onFrame((frame) => {
    if (closed) return;
    store.getState().ingestFrame(frame);
    if (scheduled) return;
    scheduled = true;
    const wait = lastPublish + minIntervalMs - now();
    if (wait > 0) delay(() => schedule(flush), wait);
    else schedule(flush);
  });
  return () => {
    closed = true;
    unsubscribe();
  };
}
