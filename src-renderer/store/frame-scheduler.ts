/**
 * Wires `api.onFrame` to the store: every frame is buffered at once (bounded), and one `publish()`
 * is scheduled per animation frame however many frames arrived in between. In a hidden tab no
 * animation frame runs, so nothing is published, and the buffers still stay bounded.
 */
import type { StreamscopeApi } from '../../src-shared/contract';
import type { DashboardStore } from './dashboard-store';

/** Schedules `cb` before the next paint (requestAnimationFrame in the browser). */
export type FrameScheduler = (cb: () => void) => unknown;

/** requestAnimationFrame when present, else a 16 ms timer (tests, non-DOM hosts). */
export const animationFrame: FrameScheduler = (cb) =>
  typeof requestAnimationFrame === 'function' ? requestAnimationFrame(() => cb()) : setTimeout(cb, 16);

/** Subscribe the store to frames; returns the unsubscribe function. */
export function connectFrames(
  api: Pick<StreamscopeApi, 'onFrame'>,
  store: DashboardStore,
  schedule: FrameScheduler = animationFrame,
): () => void {
  let scheduled = false;
  let closed = false;
  const flush = () => {
    scheduled = false;
    if (!closed) store.getState().publish();
  };
  const unsubscribe = api.onFrame((frame) => {
    if (closed) return;
    store.getState().ingestFrame(frame);
    if (!scheduled) {
      scheduled = true;
      schedule(flush);
    }
  });
  return () => {
    closed = true;
    unsubscribe();
  };
}
