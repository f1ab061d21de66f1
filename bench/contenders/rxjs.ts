/**
 * The RxJS contender: the keyed event-time window aggregation written the way RxJS users write it —
 * events pushed into a Subject, `mergeMap` to (window, event) pairs, `groupBy` per key and window
 * with a duration that ends when the watermark passes the window's end, and `reduce` per group.
 * Tumbling and hopping windows only (RxJS has no event-time session operator).
 */
import { Subject, groupBy, map, mergeMap, reduce } from 'rxjs';
import type { StreamEvent } from '../../src-shared/types';
import type { BenchRow, Contender } from '../lib/contender-types';
import { sizeAndSlide, windowStartsOf } from '../lib/contender-types';

interface Acc {
  count: number;
  sum: number;
  min: number;
  max: number;
  alertCount: number;
}

/** The RxJS contender (see the module comment). Rejects for session windows. */
export const rxjs: Contender = (job, sink) =>
  new Promise<void>((resolve, reject) => {
    if (job.window.kind === 'session') {
      reject(new Error('rxjs contender: session windows are not implemented (no event-time session operator in RxJS)'));
      return;
    }
    const { sizeMs, slideMs } = sizeAndSlide(job.window);
    const thr = job.alertThreshold;
    const events$ = new Subject<StreamEvent>();
    /** One closing notifier per window end, completed when the watermark reaches that end. */
    const closers = new Map<number, Subject<void>>();
    const closer = (end: number): Subject<void> => {
      let c = closers.get(end);
      if (!c) {
        closers.set(end, (c = new Subject<void>()));
        if (end < nextEnd) nextEnd = end;
      }
      return c;
    };
    let nextEnd = Infinity;

    const results$ = events$.pipe(
      mergeMap((e) => windowStartsOf(e.timestamp, sizeMs, slideMs).map((ws) => ({ ws, e }))),
      groupBy((p) => `${p.ws}|${p.e.sensorId}`, {
        duration: (g) => closer(Number(g.key.slice(0, g.key.indexOf('|'))) + sizeMs),
      }),
      mergeMap((g) =>
        g.pipe(
          reduce<{ ws: number; e: StreamEvent }, Acc | null>((acc, { e }) => {
            const a = acc ?? { count: 0, sum: 0, min: Infinity, max: -Infinity, alertCount: 0 };
            a.count++;
            a.sum += e.value;
            a.min = Math.min(a.min, e.value);
            a.max = Math.max(a.max, e.value);
            if (e.value > thr) a.alertCount++;
            return a;
          }, null),
          map((a): BenchRow => {
            const sep = g.key.indexOf('|');
            const ws = Number(g.key.slice(0, sep));
            return { windowStart: ws, windowEnd: ws + sizeMs, sensorId: g.key.slice(sep + 1), ...a! };
          }),
        ),
      ),
    );
    results$.subscribe({ next: (r) => sink([r]), error: reject, complete: resolve });

    const advance = (wm: number): void => {
      if (wm < nextEnd) return;
      nextEnd = Infinity;
      for (const [end, c] of closers) {
        if (end <= wm) {
          closers.delete(end);
          c.next();
          c.complete();
        } else if (end < nextEnd) nextEnd = end;
      }
    };

    let maxTs = -Infinity;
    const events = job.events;
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      events$.next(e);
      if (e.timestamp > maxTs) {
        maxTs = e.timestamp;
        advance(maxTs - job.maxOutOfOrdernessMs);
      }
    }
    advance(Infinity);
    events$.complete();
  });
