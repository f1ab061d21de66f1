/**
 * The engine's one source of time: processing time, a monotonic clock for durations, timers and
 * the operator loop's yield to I/O. Everything in the engine that reads time takes a `Clock`
 * (default {@link systemClock}); tests inject a {@link VirtualClock} and move time by hand, as
 * RxJS's `SchedulerLike` / `TestScheduler` and Bytewax's clock logic do.
 */

/** Cancels a timer; calling it again, or after the timer ran, does nothing. */
export type Cancel = () => void;

/** Processing time and timers. */
export interface Clock {
  /** Processing time, ms since epoch. */
  now(): number;
  /** Monotonic ms for durations (like `performance.now()`); only differences are meaningful. */
  monotonicMs(): number;
  /** Runs `fn` once after `ms` ms. The timer does not keep the process alive (unref'd). */
  setTimeout(fn: () => void, ms: number): Cancel;
  /** Runs `fn` every `ms` ms. The timer does not keep the process alive (unref'd). */
  setInterval(fn: () => void, ms: number): Cancel;
  /** Lets timers, I/O and signals run before continuing (`setImmediate`). */
  yieldToIo(): Promise<void>;
}

/** The real clock: `Date.now`, `performance.now`, unref'd Node timers, `setImmediate`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonicMs: () => performance.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return () => clearTimeout(t);
  },
  setInterval(fn, ms) {
    const t = setInterval(fn, ms);
    t.unref?.();
    return () => clearInterval(t);
  },
  yieldToIo: () => new Promise<void>((resolve) => setImmediate(resolve)),
};

interface VirtualTimer {
  id: number;
  dueMs: number;
  /** Repeat period (ms) for intervals; undefined for one-shot timers. */
  everyMs?: number;
  fn: () => void;
}

/**
 * A clock for tests: time stands still until {@link advance} moves it, running every timer that
 * falls due, in due order, with `now()` set to each timer's due time. `yieldToIo()` still yields
 * to the real event loop (it is not a wait on time), so awaiting code makes progress.
 */
export class VirtualClock implements Clock {
  private nowMs: number;
  private readonly startMs: number;
  private timers: VirtualTimer[] = [];
  private nextId = 1;

  /** @param startMs the initial processing time, ms since epoch. */
  constructor(startMs = 1_700_000_000_000) {
    this.nowMs = startMs;
    this.startMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  monotonicMs(): number {
    return this.nowMs - this.startMs;
  }

  setTimeout(fn: () => void, ms: number): Cancel {
    return this.add(fn, ms, undefined);
  }

  setInterval(fn: () => void, ms: number): Cancel {
    return this.add(fn, ms, Math.max(1, ms));
  }

  yieldToIo(): Promise<void> {
    return new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Timers scheduled and not yet run or cancelled. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, running every timer due on the way (synchronously, in order). */
  advance(ms: number): void {
    const target = this.nowMs + Math.max(0, ms);
    for (;;) {
      const next = this.earliest();
      if (next === undefined || next.dueMs > target) break;
      this.nowMs = Math.max(this.nowMs, next.dueMs);
      if (next.everyMs !== undefined) next.dueMs += next.everyMs;
      else this.timers = this.timers.filter((t) => t !== next);
      next.fn();
    }
    this.nowMs = target;
  }

  /**
   * Like {@link advance}, in steps of `stepMs`, yielding to the event loop after each step so that
   * promise chains started by the timers (the operator loop, sinks) settle in between.
   */
  async advanceAsync(ms: number, stepMs = 10): Promise<void> {
    for (let done = 0; done < ms; done += stepMs) {
      this.advance(Math.min(stepMs, ms - done));
      await this.yieldToIo();
    }
  }

  private add(fn: () => void, ms: number, everyMs: number | undefined): Cancel {
    const timer: VirtualTimer = { id: this.nextId++, dueMs: this.nowMs + Math.max(0, ms), everyMs, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  private earliest(): VirtualTimer | undefined {
    let best: VirtualTimer | undefined;
    for (const t of this.timers) if (best === undefined || t.dueMs < best.dueMs || (t.dueMs === best.dueMs && t.id < best.id)) best = t;
    return best;
  }
}
