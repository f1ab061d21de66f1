/**
 * Session windows per key, with Flink's merging rule: an event at t opens `[t, t + gap)`, and
 * windows that intersect or touch (`a.start <= b.end && b.start <= a.end`, as Flink's
 * TimeWindow.intersects) merge, so an out-of-order event can bridge two sessions.
 *
 * A session fires when the watermark reaches its end and is kept until end + allowedLateness; a
 * late-but-allowed event then re-emits it as an update (naming the emitted windows it supersedes
 * when a merge changed its bounds). Emitted sessions of one key never overlap: an event that would
 * extend or bridge a session already closed for good is late.
 */
import type { StreamEvent } from '../../../src-shared/types';
import { Aggregate } from './aggregate';
import { MinHeap } from './min-heap';
import { WindowOperator, type OperatorOutput, type OperatorSnapshot, type WindowOperatorOptions } from './window-operator';

interface Session {
  key: string;
  start: number;
  end: number;
  agg: Aggregate;
  /** Bounds under which results of this session (or sessions merged into it) were emitted. */
  emitted: Array<[number, number]>;
  /** True when the latest content has been emitted. */
  upToDate: boolean;
  /** Merged into another session or purged: its timer entries are stale. */
  dead: boolean;
}

interface KeyState {
  /** Live sessions, sorted by start, pairwise disjoint and not touching. */
  sessions: Session[];
  /** Greatest end of this key's sessions closed for good (−Infinity if none). */
  closedUntil: number;
}

/** Window operator for session windows (`gapMs` of inactivity closes a session). */
export class SessionWindowOperator extends WindowOperator {
  private readonly gapMs: number;
  private readonly keys = new Map<string, KeyState>();
  /** One entry per live session at its next due time (fire at end, then clean up at end + lateness). */
  private readonly timers = new MinHeap<Session>();
  /** Keys with no live session, by the time their closedUntil stops mattering. */
  private readonly keyCleanup = new MinHeap<string>();
  private liveSessions = 0;

  /** Throws if the window spec is not a session spec. */
  constructor(opts: WindowOperatorOptions) {
    super(opts);
    if (opts.window.kind !== 'session') throw new Error('SessionWindowOperator handles session windows only');
    this.gapMs = opts.window.gapMs;
  }

  stateSize(): number {
    return this.liveSessions;
  }

  /**
   * Copies the state: every session reachable from a key or a timer (dead ones too, so the timer
   * heaps restore in the same order) as one row, keys in map order, heaps in heap order.
   */
  snapshot(): OperatorSnapshot {
    const index = new Map<Session, number>();
    const rows: SessionRow[] = [];
    const ref = (x: Session): number => {
      let i = index.get(x);
      if (i === undefined) {
        index.set(x, (i = rows.length));
        const a = x.agg;
        rows.push([x.key, x.start, x.end, a.count, a.sum, a.min, a.max, a.alertCount, a.lastArrivalMs, x.emitted.flat(), x.upToDate, x.dead]);
      }
      return i;
    };
    const keys: Array<[string, number[], number]> = [];
    for (const [key, ks] of this.keys) keys.push([key, ks.sessions.map(ref), ks.closedUntil]);
    const snap: SessionSnapshot = {
      kind: 'session',
      base: this.baseSnapshot(),
      gapMs: this.gapMs,
      timers: this.timers.snapshot(ref),
      sessions: rows,
      keys,
      keyCleanup: this.keyCleanup.snapshot(),
      liveSessions: this.liveSessions,
    };
    return snap;
  }

  restore(state: OperatorSnapshot): void {
    const s = state as SessionSnapshot;
    if (s.kind !== 'session' || s.gapMs !== this.gapMs) throw new Error(`window state is of another window (${s.kind}), not session:${this.gapMs} ms`);
    this.restoreBase(s.base);
    const sessions = s.sessions.map(([key, start, end, count, sum, min, max, alertCount, lastArrivalMs, emitted, upToDate, dead]): Session => {
      const agg = new Aggregate();
      Object.assign(agg, { count, sum, min, max, alertCount, lastArrivalMs });
      const bounds: Array<[number, number]> = [];
      for (let i = 0; i < emitted.length; i += 2) bounds.push([emitted[i], emitted[i + 1]]);
      return { key, start, end, agg, emitted: bounds, upToDate, dead };
    });
    this.keys.clear();
    for (const [key, idx, closedUntil] of s.keys) this.keys.set(key, { sessions: idx.map((i) => sessions[i]), closedUntil });
    this.timers.restore(s.timers, (i) => sessions[i]);
    this.keyCleanup.restore(s.keyCleanup);
    this.liveSessions = s.liveSessions;
  }

  protected accept(e: StreamEvent, arrivalMs: number, out: OperatorOutput): boolean {
    const t = e.timestamp;
    const gap = this.gapMs;
    let ks = this.keys.get(e.sensorId);
    if (ks !== undefined && t <= ks.closedUntil) return false;
    const sessions = ks?.sessions;

    // Find the live sessions the new window [t, t + gap) intersects or touches.
    let first = -1;
    let last = -1;
    if (sessions !== undefined) {
      for (let i = 0; i < sessions.length; i++) {
        const s = sessions[i];
        if (s.start <= t + gap && t <= s.end) {
          if (first < 0) first = i;
          last = i;
        } else if (s.start > t + gap) break;
      }
    }
    if (first < 0 && t + gap + this.allowedLatenessMs <= this.wm) return false;

    if (ks === undefined) {
      ks = { sessions: [], closedUntil: -Infinity };
      this.keys.set(e.sensorId, ks);
    }
    let target: Session;
    if (first < 0) {
      target = { key: e.sensorId, start: t, end: t + gap, agg: new Aggregate(), emitted: [], upToDate: false, dead: false };
      let at = 0;
      while (at < ks.sessions.length && ks.sessions[at].start < t) at++;
      ks.sessions.splice(at, 0, target);
      this.liveSessions++;
      this.timers.push(target.end, target);
    } else {
      target = ks.sessions[first];
      for (let i = first + 1; i <= last; i++) {
        const other = ks.sessions[i];
        target.agg.merge(other.agg);
        if (other.end > target.end) target.end = other.end;
        for (const b of other.emitted) target.emitted.push(b);
        other.dead = true;
      }
      if (last > first) {
        ks.sessions.splice(first + 1, last - first);
        this.liveSessions -= last - first;
      }
      if (t < target.start) target.start = t;
      if (t + gap > target.end) target.end = t + gap;
      target.upToDate = false;
    }
    target.agg.add(e.value, this.alertThreshold, arrivalMs);
    // A session whose end is already behind the watermark (but within allowed lateness) fires at
    // once, as a late firing (Flink's EventTimeTrigger does the same).
    if (target.end <= this.wm) this.emit(target, out, true);
    return true;
  }

  protected nextTimer(): number {
    return Math.min(this.timers.peekPriority(), this.keyCleanup.peekPriority());
  }

  protected fire(out: OperatorOutput): void {
    while (this.timers.size > 0 && this.timers.peekPriority() <= this.wm) {
      const s = this.timers.pop()!;
      if (s.dead) continue;
      if (s.end > this.wm) {
        this.timers.push(s.end, s); // extended since this timer was set
        continue;
      }
      if (!s.upToDate) this.emit(s, out, false);
      const cleanupAt = s.end + this.allowedLatenessMs;
      if (cleanupAt > this.wm) this.timers.push(cleanupAt, s);
      else this.purge(s);
    }
    while (this.keyCleanup.size > 0 && this.keyCleanup.peekPriority() <= this.wm) {
      const key = this.keyCleanup.pop()!;
      const ks = this.keys.get(key);
      if (ks !== undefined && ks.sessions.length === 0 && ks.closedUntil + this.gapMs + this.allowedLatenessMs <= this.wm) {
        this.keys.delete(key);
      }
    }
  }

  /** Emits a session; `lateFiring` marks results caused by a late-but-allowed event. */
  private emit(s: Session, out: OperatorOutput, lateFiring: boolean): void {
    const emittedAt = this.now();
    const supersedes = s.emitted.filter(([a, b]) => a !== s.start || b !== s.end);
    out.results.push({
      windowStart: s.start,
      windowEnd: s.end,
      sensorId: s.key,
      count: s.agg.count,
      sum: s.agg.sum,
      avg: s.agg.sum / s.agg.count,
      min: s.agg.min,
      max: s.agg.max,
      alertCount: s.agg.alertCount,
      windowKind: 'session',
      isUpdate: lateFiring || s.emitted.length > 0,
      ...(supersedes.length > 0 ? { supersedes } : {}),
      emittedAt,
    });
    out.latenciesMs.push(Math.max(0, emittedAt - s.agg.lastArrivalMs));
    s.emitted = [[s.start, s.end]];
    s.upToDate = true;
  }

  private purge(s: Session): void {
    const ks = this.keys.get(s.key)!;
    s.dead = true;
    ks.sessions.splice(ks.sessions.indexOf(s), 1);
    this.liveSessions--;
    if (s.end > ks.closedUntil) ks.closedUntil = s.end;
    if (ks.sessions.length === 0) {
      this.keyCleanup.push(ks.closedUntil + this.gapMs + this.allowedLatenessMs, s.key);
    }
  }
}

/** A session as a row: key, start, end, the six aggregate fields, emitted bounds flat, upToDate, dead. */
type SessionRow = [string, number, number, number, number, number, number, number, number, number[], boolean, boolean];

/** The session operator's snapshot (see {@link SessionWindowOperator.snapshot}). */
interface SessionSnapshot extends OperatorSnapshot {
  kind: 'session';
  gapMs: number;
  timers: { prio: number[]; items: number[] };
  sessions: SessionRow[];
  keys: Array<[string, number[], number]>;
  keyCleanup: { prio: number[]; items: string[] };
  liveSessions: number;
}
