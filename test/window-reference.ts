/**
 * A small, obviously-correct reference for window results, used only by tests: it keeps every
 * accepted event and recomputes from scratch (O(n²)), applying the lateness rule literally.
 */
import type { StreamEvent, WindowResult, WindowSpec } from '../src-shared/types';

export interface ReferenceRun {
  /** Final result per (key, windowStart, windowEnd), as a comparable record. */
  finals: Map<string, { count: number; sum: number; min: number; max: number; alertCount: number }>;
  lateCount: number;
}

/** Identity of a result: key and bounds. JSON keeps odd keys (":" , unicode) unambiguous. */
export function resultId(key: string, start: number, end: number): string {
  return JSON.stringify([key, start, end]);
}

function windowsOf(t: number, spec: Exclude<WindowSpec, { kind: 'session' }>): Array<[number, number]> {
  const size = spec.sizeMs;
  const slide = spec.kind === 'hopping' ? spec.slideMs : spec.sizeMs;
  const out: Array<[number, number]> = [];
  // Every window start k*slide with start <= t < start + size, found by brute force.
  for (let k = Math.floor((t - size) / slide) - 1; k * slide <= t; k++) {
    const start = k * slide;
    if (start <= t && t < start + size) out.push([start, start + size]);
  }
  return out;
}

function sessionsOf(times: number[], gap: number): Array<[number, number]> {
  const sorted = [...times].sort((a, b) => a - b);
  const out: Array<[number, number]> = [];
  for (const t of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && t <= last[1]) last[1] = Math.max(last[1], t + gap);
    else out.push([t, t + gap]);
  }
  return out;
}

/** Runs the reference over events in arrival order. */
export function reference(
  events: StreamEvent[],
  spec: WindowSpec,
  opts: { maxOutOfOrdernessMs: number; allowedLatenessMs: number; alertThreshold: number },
): ReferenceRun {
  const accepted: StreamEvent[] = [];
  // Sliced windows: the windows each accepted event counts in (those not closed for good at arrival).
  const counted: Array<Array<[number, number]>> = [];
  let wm = -Infinity;
  let lateCount = 0;
  // Session bounds closed for good, per key (a session is closed once end + lateness <= watermark).
  const closed = new Map<string, Array<[number, number]>>();
  for (const e of events) {
    let late: boolean;
    if (spec.kind === 'session') {
      const mine = accepted.filter((a) => a.sensorId === e.sensorId).map((a) => a.timestamp);
      const before = sessionsOf(mine, spec.gapMs);
      for (const s of before) {
        if (s[1] + opts.allowedLatenessMs <= wm) {
          const list = closed.get(e.sensorId) ?? [];
          if (!list.some((c) => c[0] === s[0] && c[1] === s[1])) list.push(s);
          closed.set(e.sensorId, list);
        }
      }
      const after = sessionsOf([...mine, e.timestamp], spec.gapMs);
      const home = after.find((s) => s[0] <= e.timestamp && e.timestamp < s[1])!;
      const touchesClosed = (closed.get(e.sensorId) ?? []).some((c) => c[0] >= home[0] && c[1] <= home[1]);
      late = touchesClosed || home[1] + opts.allowedLatenessMs <= wm;
    } else {
      const open = windowsOf(e.timestamp, spec).filter(([, end]) => end + opts.allowedLatenessMs > wm);
      late = open.length === 0;
      if (!late) counted.push(open);
    }
    if (late) lateCount++;
    else accepted.push(e);
    wm = Math.max(wm, e.timestamp - opts.maxOutOfOrdernessMs);
  }

  const finals: ReferenceRun['finals'] = new Map();
  const add = (id: string, v: number) => {
    const f = finals.get(id) ?? { count: 0, sum: 0, min: Infinity, max: -Infinity, alertCount: 0 };
    f.count++;
    f.sum += v;
    f.min = Math.min(f.min, v);
    f.max = Math.max(f.max, v);
    if (v > opts.alertThreshold) f.alertCount++;
    finals.set(id, f);
  };
  if (spec.kind === 'session') {
    const keys = new Set(accepted.map((e) => e.sensorId));
    for (const key of keys) {
      const mine = accepted.filter((e) => e.sensorId === key);
      for (const [s, end] of sessionsOf(mine.map((e) => e.timestamp), spec.gapMs)) {
        for (const e of mine) if (e.timestamp >= s && e.timestamp < end) add(resultId(key, s, end), e.value);
      }
    }
  } else {
    accepted.forEach((e, i) => {
      for (const [s, end] of counted[i]) add(resultId(e.sensorId, s, end), e.value);
    });
  }
  return { finals, lateCount };
}

/** The engine's final results: the last line per (key, window), minus session lines superseded later. */
export function finalsOf(results: WindowResult[]): ReferenceRun['finals'] {
  const last = new Map<string, WindowResult>();
  for (const r of results) {
    for (const [s, e] of r.supersedes ?? []) last.delete(resultId(r.sensorId, s, e));
    last.set(resultId(r.sensorId, r.windowStart, r.windowEnd), r);
  }
  const out: ReferenceRun['finals'] = new Map();
  for (const [id, r] of last) out.set(id, { count: r.count, sum: r.sum, min: r.min, max: r.max, alertCount: r.alertCount });
  return out;
}
