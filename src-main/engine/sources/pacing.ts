/**
 * Time helpers for sources: an abortable sleep, and the replay pacer that spaces events by their
 * event-time gaps (divided by a speed factor) on the processing-time clock.
 */

/** Sleep `ms` milliseconds (processing time); resolves early when `signal` aborts. Never rejects. */
export type SleepFn = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The real-clock sleep (setTimeout). */
export const realSleep: SleepFn = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Replays events at `speed` × their recorded pace. The first event anchors event time to processing
 * time; each later event is due when processing time has advanced by (its event time − the
 * anchor's) / speed. Out-of-order (earlier) events are due at once: the pace follows the largest
 * event time seen, so a late record never makes replay wait or rewind.
 */
export class ReplayPacer {
  private anchorEventMs: number | null = null;
  private anchorWallMs = 0;
  private maxEventMs = -Infinity;

  /**
   * @param speed factor > 0 (1 = recorded speed, 60 = a minute of event time per second).
   * @param now processing-time clock, ms.
   * @throws Error when speed is not a finite number > 0.
   */
  constructor(
    readonly speed: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(Number.isFinite(speed) && speed > 0)) {
      throw new Error(`replay speed must be a finite number > 0 (or 'max'), got ${speed}`);
    }
  }

  /** Milliseconds to wait (processing time) before an event with this event time is due; 0 if due now. */
  delayMs(eventTimeMs: number): number {
    const wall = this.now();
    if (this.anchorEventMs === null) {
      this.anchorEventMs = eventTimeMs;
      this.anchorWallMs = wall;
      this.maxEventMs = eventTimeMs;
      return 0;
    }
    if (eventTimeMs > this.maxEventMs) this.maxEventMs = eventTimeMs;
    const due = this.anchorWallMs + (this.maxEventMs - this.anchorEventMs) / this.speed;
    return due > wall ? due - wall : 0;
  }
}
