/**
 * The naive contender: a small re-creation of the classic Node stream-processing tutorial. One
 * object-mode Transform per stage (count → filter → count → window → count), one chunk per event,
 * windows that keep every event in an array and compute min/max with `Math.min(...values)` when they
 * fire. It crashes on huge windows (spread arguments overflow the stack) or balloons in memory; the
 * bench catches that and reports it. Same event-time semantics as the engine (watermark = max event
 * time − max out-of-orderness; a window fires when the watermark reaches its end).
 */
import { Readable, Transform, Writable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StreamEvent } from '../../src-shared/types';
import type { BenchRow, Contender, ContenderJob, RowSink } from '../lib/contender-types';
import { sizeAndSlide, windowStartsOf } from '../lib/contender-types';

/** Counts what passes (the tutorial's metrics stage). */
class CountStage extends Transform {
  count = 0;
  constructor() {
    super({ objectMode: true });
  }
  override _transform(chunk: unknown, _enc: BufferEncoding, cb: TransformCallback): void {
    this.count++;
    cb(null, chunk);
  }
}

/** Drops events without a key or with a non-finite value or time. */
class FilterStage extends Transform {
  constructor() {
    super({ objectMode: true });
  }
  override _transform(e: StreamEvent, _enc: BufferEncoding, cb: TransformCallback): void {
    if (typeof e.sensorId === 'string' && Number.isFinite(e.value) && Number.isFinite(e.timestamp)) cb(null, e);
    else cb();
  }
}

function summarize(windowStart: number, windowEnd: number, sensorId: string, events: StreamEvent[], thr: number): BenchRow {
  const values = events.map((e) => e.value);
  return {
    windowStart,
    windowEnd,
    sensorId,
    count: values.length,
    sum: values.reduce((a, b) => a + b, 0),
    min: Math.min(...values),
    max: Math.max(...values),
    alertCount: values.filter((v) => v > thr).length,
  };
}

/** A window stage: at end of input the watermark goes to +∞ and every open window fires. */
abstract class WindowingStage extends Transform {
  protected abstract fire(wm: number): void;
  override _flush(cb: TransformCallback): void {
    try {
      this.fire(Infinity);
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }
}

/** Tumbling/hopping windows: window start → key → every event of that key in the window. */
class WindowStage extends WindowingStage {
  private readonly windows = new Map<number, Map<string, StreamEvent[]>>();
  private maxTs = -Infinity;
  private readonly sizeMs: number;
  private readonly slideMs: number;
  constructor(private readonly job: ContenderJob) {
    super({ objectMode: true });
    ({ sizeMs: this.sizeMs, slideMs: this.slideMs } = sizeAndSlide(job.window));
  }
  override _transform(e: StreamEvent, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      for (const ws of windowStartsOf(e.timestamp, this.sizeMs, this.slideMs)) {
        let byKey = this.windows.get(ws);
        if (!byKey) this.windows.set(ws, (byKey = new Map()));
        const list = byKey.get(e.sensorId);
        if (list) list.push(e);
        else byKey.set(e.sensorId, [e]);
      }
      if (e.timestamp > this.maxTs) {
        this.maxTs = e.timestamp;
        this.fire(e.timestamp - this.job.maxOutOfOrdernessMs);
      }
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }
  protected fire(wm: number): void {
    for (const [ws, byKey] of this.windows) {
      if (ws + this.sizeMs > wm) continue;
      for (const [key, events] of byKey) this.push(summarize(ws, ws + this.sizeMs, key, events, this.job.alertThreshold));
      this.windows.delete(ws);
    }
  }
}

/** Session windows per key, each session keeping its events. */
class SessionStage extends WindowingStage {
  private readonly sessions = new Map<string, Array<{ start: number; end: number; events: StreamEvent[] }>>();
  private maxTs = -Infinity;
  private nextCheck = -Infinity;
  private readonly gapMs: number;
  constructor(private readonly job: ContenderJob) {
    super({ objectMode: true });
    if (job.window.kind !== 'session') throw new Error('not a session window');
    this.gapMs = job.window.gapMs;
  }
  override _transform(e: StreamEvent, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      const t = e.timestamp;
      const list = this.sessions.get(e.sensorId) ?? [];
      this.sessions.set(e.sensorId, list);
      const touching = list.filter((s) => s.start <= t + this.gapMs && t <= s.end);
      if (touching.length === 0) {
        list.push({ start: t, end: t + this.gapMs, events: [e] });
      } else {
        const merged = touching[0];
        for (const s of touching.slice(1)) {
          merged.events.push(...s.events);
          list.splice(list.indexOf(s), 1);
        }
        merged.start = Math.min(t, ...touching.map((s) => s.start));
        merged.end = Math.max(t + this.gapMs, ...touching.map((s) => s.end));
        merged.events.push(e);
      }
      if (t > this.maxTs) {
        this.maxTs = t;
        const wm = t - this.job.maxOutOfOrdernessMs;
        if (wm >= this.nextCheck) {
          this.fire(wm);
          this.nextCheck = wm + 1000;
        }
      }
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }
  protected fire(wm: number): void {
    for (const [key, list] of this.sessions) {
      for (const s of list.filter((x) => x.end <= wm)) this.push(summarize(s.start, s.end, key, s.events, this.job.alertThreshold));
      const open = list.filter((x) => x.end > wm);
      if (open.length > 0) this.sessions.set(key, open);
      else this.sessions.delete(key);
    }
  }
}

/** Builds the naive pipeline for a job reading from `source` (an iterable of events). */
export function naivePipeline(source: Iterable<StreamEvent> | AsyncIterable<StreamEvent>, job: ContenderJob, sink: RowSink): Promise<void> {
  const windowStage = job.window.kind === 'session' ? new SessionStage(job) : new WindowStage(job);
  return pipeline(
    Readable.from(source),
    new CountStage(),
    new FilterStage(),
    new CountStage(),
    windowStage,
    new CountStage(),
    new Writable({
      objectMode: true,
      write(r: BenchRow, _enc, cb) {
        sink([r]);
        cb();
      },
    }),
  );
}

/** The naive contender (see the module comment). */
export const naive: Contender = (job, sink) => naivePipeline(job.events, job, sink);
