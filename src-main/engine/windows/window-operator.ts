/**
 * The event-time window operator's shared part: the watermark and the per-event loop.
 *
 * Watermark = max event time seen − maxOutOfOrderness (Flink's BoundedOutOfOrdernessWatermarks,
 * shifted by Flink's −1 ms so that a window `[start, end)` fires when watermark >= end).
 * An event is late when every window it belongs to has `end + allowedLateness <= watermark` at its
 * arrival (Flink's `isWindowLate`). Lateness is judged event by event, as if the watermark advanced
 * after every event, so results never depend on how the input was batched.
 *
 * Outputs go side by side (as in Bytewax): window results, late events, and latency samples.
 */
import type { LateEvent, StreamEvent, WindowResult, WindowSpec } from '../../../src-shared/types';

/** Where an operator appends what it produced. The caller owns and drains the arrays. */
export interface OperatorOutput {
  results: WindowResult[];
  late: LateEvent[];
  /** Event-to-result latency samples (ms): emission time − arrival of the window's newest event. */
  latenciesMs: number[];
}

/** Creates an empty output buffer. */
export function emptyOutput(): OperatorOutput {
  return { results: [], late: [], latenciesMs: [] };
}

/** Options shared by every window operator. All durations in ms. */
export interface WindowOperatorOptions {
  window: WindowSpec;
  maxOutOfOrdernessMs: number;
  allowedLatenessMs: number;
  /** Values strictly greater count in `alertCount`. */
  alertThreshold: number;
  /** Processing-time clock (ms since epoch), for `emittedAt` and latency. */
  now?: () => number;
}

/** The time state every operator snapshot carries (ms). */
export interface BaseSnapshot {
  wm: number;
  maxEventTime: number;
  alertThreshold: number;
}

/** What {@link WindowOperator.snapshot} returns: `kind` names the operator class that made it. */
export interface OperatorSnapshot {
  kind: 'sliced' | 'session';
  base: BaseSnapshot;
  [field: string]: unknown;
}

/** Base class: owns the watermark; subclasses own window assignment, state and firing. */
export abstract class WindowOperator {
  protected wm = -Infinity;
  protected maxEventTime = -Infinity;
  protected alertThreshold: number;
  protected readonly maxOutOfOrdernessMs: number;
  protected readonly allowedLatenessMs: number;
  protected readonly now: () => number;

  constructor(opts: WindowOperatorOptions) {
    this.maxOutOfOrdernessMs = opts.maxOutOfOrdernessMs;
    this.allowedLatenessMs = opts.allowedLatenessMs;
    this.alertThreshold = opts.alertThreshold;
    this.now = opts.now ?? Date.now;
  }

  /** Current watermark in ms since epoch; −Infinity before the first event. */
  get watermark(): number {
    return this.wm;
  }

  /** Greatest event time seen so far (ms); −Infinity before the first event. */
  get maxTimestamp(): number {
    return this.maxEventTime;
  }

  /** Changes the alert threshold for events that arrive from now on. */
  setAlertThreshold(threshold: number): void {
    this.alertThreshold = threshold;
  }

  /**
   * Processes a batch in order: each event is judged late or folded into its windows, then the
   * watermark advances and every window it passes fires. Returns how many events were accepted
   * (not late). `arrivalMs` is the batch's processing time of arrival.
   */
  process(events: readonly StreamEvent[], arrivalMs: number, out: OperatorOutput): number {
    let accepted = 0;
    const ooo = this.maxOutOfOrdernessMs;
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      if (this.accept(e, arrivalMs, out)) accepted++;
      else out.late.push({ event: e, watermark: this.wm, at: arrivalMs });
      if (e.timestamp > this.maxEventTime) {
        this.maxEventTime = e.timestamp;
        const w = e.timestamp - ooo;
        if (w > this.wm) {
          this.wm = w;
          if (this.nextTimer() <= w) this.fire(out);
        }
      }
    }
    return accepted;
  }

  /**
   * Moves the watermark forward to `watermarkMs` (never backwards) and fires what it passes: used by
   * the idle timeout (processing time) and at end of input (`Infinity` fires every open window).
   */
  advanceWatermark(watermarkMs: number, out: OperatorOutput): void {
    if (watermarkMs <= this.wm) return;
    this.wm = watermarkMs;
    if (this.nextTimer() <= watermarkMs) this.fire(out);
  }

  /** Number of (key, window-or-slice) aggregates held: the memory the operator uses. */
  abstract stateSize(): number;

  /**
   * A copy of the whole state (checkpoints): plain data and typed arrays, no reference into the live
   * operator, so the caller may encode it later while the operator keeps running. Synchronous: cost
   * is one copy of the flat state arrays.
   */
  abstract snapshot(): OperatorSnapshot;

  /**
   * Replaces the state with a {@link snapshot} of an operator built from the same options.
   * @throws Error when the snapshot is of another kind of operator or malformed.
   */
  abstract restore(state: OperatorSnapshot): void;

  /** The watermark, max event time and alert threshold, for subclasses' snapshots. */
  protected baseSnapshot(): BaseSnapshot {
    return { wm: this.wm, maxEventTime: this.maxEventTime, alertThreshold: this.alertThreshold };
  }

  protected restoreBase(s: BaseSnapshot): void {
    this.wm = s.wm;
    this.maxEventTime = s.maxEventTime;
    this.alertThreshold = s.alertThreshold;
  }

  /** Folds one event into its windows; false if the event is late (nothing changed). */
  protected abstract accept(e: StreamEvent, arrivalMs: number, out: OperatorOutput): boolean;

  /** Earliest time (ms) at which some window fires or some state is cleaned up. */
  protected abstract nextTimer(): number;

  /** Fires every window whose end <= watermark, then drops state past end + allowedLateness. */
  protected abstract fire(out: OperatorOutput): void;
}
