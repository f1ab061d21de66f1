/**
 * The floor: a bare loop over the pre-parsed events doing the same keyed event-time aggregation in
 * Maps — no streams, no queues, no metrics (the aggregate is the engine's, aggregate.ts). Hopping windows copy each event into every window that
 * contains it (the straightforward way); sessions merge per key. The practical limit for JS here.
 */
import { Aggregate as Agg } from '../../src-main/engine/windows/aggregate';
import type { BenchRow, Contender, ContenderJob, RowSink } from '../lib/contender-types';
import { sizeAndSlide } from '../lib/contender-types';

function row(windowStart: number, windowEnd: number, sensorId: string, a: Agg): BenchRow {
  return { windowStart, windowEnd, sensorId, ...a.toJSON() };
}

function windowedFloor(job: ContenderJob, sink: RowSink): void {
  const { sizeMs, slideMs } = sizeAndSlide(job.window);
  const thr = job.alertThreshold;
  const ooo = job.maxOutOfOrdernessMs;
  const windows = new Map<number, Map<string, Agg>>();
  let wm = -Infinity;
  let maxTs = -Infinity;
  let nextEnd = Infinity;
  const fire = (upTo: number): void => {
    const rows: BenchRow[] = [];
    nextEnd = Infinity;
    for (const [ws, keys] of windows) {
      const we = ws + sizeMs;
      if (we <= upTo) {
        for (const [k, a] of keys) rows.push(row(ws, we, k, a));
        windows.delete(ws);
      } else if (we < nextEnd) nextEnd = we;
    }
    if (rows.length > 0) sink(rows);
  };
  for (const e of job.events) {
    const t = e.timestamp;
    const v = e.value;
    const last = Math.floor(t / slideMs) * slideMs;
    for (let ws = Math.floor((t - sizeMs) / slideMs) * slideMs + slideMs; ws <= last; ws += slideMs) {
      let keys = windows.get(ws);
      if (keys === undefined) {
        keys = new Map();
        windows.set(ws, keys);
        if (ws + sizeMs < nextEnd) nextEnd = ws + sizeMs;
      }
      let a = keys.get(e.sensorId);
      if (a === undefined) {
        a = new Agg();
        keys.set(e.sensorId, a);
      }
      a.add(v, thr, 0);
    }
    if (t > maxTs) {
      maxTs = t;
      wm = t - ooo;
      if (wm >= nextEnd) fire(wm);
    }
  }
  fire(Infinity);
}

interface Session {
  start: number;
  end: number;
  agg: Agg;
}

function sessionFloor(job: ContenderJob, sink: RowSink): void {
  if (job.window.kind !== 'session') throw new Error('not a session window');
  const gap = job.window.gapMs;
  const thr = job.alertThreshold;
  const ooo = job.maxOutOfOrdernessMs;
  const byKey = new Map<string, Session[]>();
  let maxTs = -Infinity;
  let nextCheck = -Infinity;
  const fire = (wm: number): void => {
    const rows: BenchRow[] = [];
    for (const [k, list] of byKey) {
      let keep = 0;
      for (const s of list) {
        if (s.end <= wm) rows.push(row(s.start, s.end, k, s.agg));
        else list[keep++] = s;
      }
      list.length = keep;
      if (keep === 0) byKey.delete(k);
    }
    if (rows.length > 0) sink(rows);
  };
  for (const e of job.events) {
    const t = e.timestamp;
    const v = e.value;
    let list = byKey.get(e.sensorId);
    if (list === undefined) {
      list = [];
      byKey.set(e.sensorId, list);
    }
    // Merge every session that intersects or touches [t, t + gap) (Flink's rule).
    let merged: Session | undefined;
    let keep = 0;
    for (const s of list) {
      if (s.start <= t + gap && t <= s.end) {
        if (merged === undefined) merged = s;
        else {
          merged.start = Math.min(merged.start, s.start);
          merged.end = Math.max(merged.end, s.end);
          merged.agg.merge(s.agg);
          continue;
        }
      }
      list[keep++] = s;
    }
    list.length = keep;
    if (merged === undefined) {
      merged = { start: t, end: t + gap, agg: new Agg() };
      list.push(merged);
    } else {
      if (t < merged.start) merged.start = t;
      if (t + gap > merged.end) merged.end = t + gap;
    }
    const a = merged.agg;
    a.add(v, thr, 0);
    if (t > maxTs) {
      maxTs = t;
      const wm = t - ooo;
      // Firing later than possible never changes results (no later event can touch a due session).
      if (wm >= nextCheck) {
        fire(wm);
        nextCheck = wm + 1000;
      }
    }
  }
  fire(Infinity);
}

/** The floor contender (see the module comment). */
export const floor: Contender = async (job, sink) => {
  if (job.window.kind === 'session') sessionFloor(job, sink);
  else windowedFloor(job, sink);
};
