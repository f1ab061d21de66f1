/**
 * The engine on a virtual clock: timers, idle timeouts, processing-time windows and the operator
 * loop's yielding are driven by advancing time by hand, never by waiting on the wall clock.
 */
import { describe, expect, it } from 'vitest';
import type { StreamEvent, WindowResult } from '../src-shared/types';
import { parseConfig } from '../src-main/engine/config';
import { EngineMetrics } from '../src-main/engine/metrics/engine-metrics';
import { Pipeline } from '../src-main/engine/pipeline';
import { BoundedQueue } from '../src-main/engine/queue/bounded-queue';
import { OperatorLoop } from '../src-main/engine/stages/operator-loop';
import { VirtualClock } from '../src-main/engine/time/clock';
import { createWindowOperator } from '../src-main/engine/windows/create-operator';
import { tickWatermark } from '../src-main/engine/stages/watermark-driver';
import { PushSource } from './support/push-source';

const T0 = Date.UTC(2026, 0, 1); // a whole 10 s boundary

function ev(sensorId: string, timestamp: number, value: number): StreamEvent {
  return { sensorId, timestamp, value };
}

/** Lets promise chains started by timers settle (the operator loop, the fan-out). */
async function settle(clock: VirtualClock, rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await clock.yieldToIo();
}

function startPipeline(config: Record<string, unknown>, clock: VirtualClock) {
  const source = new PushSource();
  const results: WindowResult[] = [];
  const p = new Pipeline({ sinks: [], metrics: false, ...config }, { clock, source, onSourceEnd: 'continue', tickMs: 100 });
  p.onResults((b) => results.push(...b));
  return { p, source, results };
}

describe('VirtualClock', () => {
  it('runs due timers in due order with now() at their due time, repeats intervals, honours cancel', () => {
    const c = new VirtualClock(1000);
    const seen: string[] = [];
    c.setTimeout(() => seen.push(`b@${c.now()}`), 50);
    c.setTimeout(() => seen.push(`a@${c.now()}`), 20);
    const cancelInterval = c.setInterval(() => seen.push(`i@${c.now()}`), 30);
    const cancelled = c.setTimeout(() => seen.push('never'), 10);
    cancelled();
    c.advance(60);
    expect(seen).toEqual(['a@1020', 'i@1030', 'b@1050', 'i@1060']);
    expect(c.now()).toBe(1060);
    expect(c.monotonicMs()).toBe(60);
    cancelInterval();
    c.advance(100);
    expect(seen).toHaveLength(4);
    expect(c.pendingTimers).toBe(0);
  });
});

describe('tickWatermark (the ticker rules)', () => {
  const base = { nowMs: 50_000, lastArrivalMs: 40_000, ingressDepth: 0, maxTimestamp: 30_000 };
  it('processing time: the watermark is processing time', () => {
    expect(tickWatermark({ timeMode: 'processing', idleTimeoutMs: 0, maxOutOfOrdernessMs: 0 }, base)).toBe(50_000);
  });
  it('event time: moves only after idleTimeoutMs without input and with an empty queue', () => {
    const cfg = { timeMode: 'event' as const, idleTimeoutMs: 10_000, maxOutOfOrdernessMs: 2000 };
    expect(tickWatermark(cfg, base)).toBe(30_000 - 2000 + 10_000);
    expect(tickWatermark(cfg, { ...base, nowMs: 49_999 })).toBeUndefined();
    expect(tickWatermark(cfg, { ...base, ingressDepth: 1 })).toBeUndefined();
    expect(tickWatermark(cfg, { ...base, maxTimestamp: -Infinity })).toBeUndefined();
    expect(tickWatermark({ ...cfg, idleTimeoutMs: 0 }, base)).toBeUndefined();
  });
});

describe('Pipeline on a virtual clock', () => {
  it('idle timeout: an open window fires once no input arrived for idleTimeoutMs of processing time', async () => {
    const clock = new VirtualClock(T0 + 60_000);
    const { p, source, results } = startPipeline({ window: 'tumbling:10s', idleTimeoutMs: 5000 }, clock);
    await p.start();
    await source.push([ev('a', T0 + 1000, 1), ev('a', T0 + 2000, 5), ev('b', T0 + 3000, 7)]);
    await settle(clock);
    clock.advance(4900);
    await settle(clock);
    expect(results).toEqual([]);
    // Idle from now on: after 5 s the watermark is maxTimestamp (T0+3 s) + 5 s = T0+8 s: not yet past
    // the window end; it reaches T0+10 s after 7 s of idleness.
    clock.advance(200);
    await settle(clock);
    expect(results).toEqual([]);
    expect(p.watermark).toBeGreaterThanOrEqual(T0 + 8000);
    clock.advance(2000);
    await settle(clock);
    const byKey = Object.fromEntries(results.map((r) => [r.sensorId, r]));
    expect(Object.keys(byKey).sort()).toEqual(['a', 'b']);
    expect(byKey.a).toMatchObject({ windowStart: T0, windowEnd: T0 + 10_000, count: 2, sum: 6, min: 1, max: 5 });
    expect(byKey.b).toMatchObject({ windowStart: T0, windowEnd: T0 + 10_000, count: 1, sum: 7, min: 7, max: 7 });
    await p.stop();
    expect(results).toHaveLength(2);
  });

  it('without an idle timeout, processing time alone never fires an event-time window', async () => {
    const clock = new VirtualClock(T0);
    const { p, source, results } = startPipeline({ window: 'tumbling:10s' }, clock);
    await p.start();
    await source.push([ev('a', T0 + 1000, 1)]);
    await settle(clock);
    clock.advance(600_000);
    await settle(clock);
    expect(results).toEqual([]);
    await p.stop();
    expect(results.map((r) => r.count)).toEqual([1]);
  });

  it('processing-time mode: events are stamped with their arrival and windows close on the clock', async () => {
    const clock = new VirtualClock(T0 + 2000);
    const { p, source, results } = startPipeline({ window: 'tumbling:10s', timeMode: 'processing' }, clock);
    await p.start();
    // Event times years away are ignored: processing time decides the window.
    await source.push([ev('a', 0, 2), ev('a', 5, 4)]);
    await settle(clock);
    clock.advance(5000); // T0+7 s
    await source.push([ev('a', 99, 6)]);
    await settle(clock);
    expect(results).toEqual([]);
    clock.advance(3100); // past T0+10 s: the ticker moves the watermark to processing time
    await settle(clock);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ sensorId: 'a', windowStart: T0, windowEnd: T0 + 10_000, count: 3, sum: 12, min: 2, max: 6 });
    expect(results[0].emittedAt).toBe(T0 + 10_000);
    await source.push([ev('a', 1, 1)]); // arrives at T0+10.1 s: next window
    await settle(clock);
    await p.stop();
    expect(results.map((r) => [r.windowStart, r.count])).toEqual([[T0, 3], [T0 + 10_000, 1]]);
  });

  it('operator loop: yields to I/O once 20 ms of busy time passed since the last yield; idle time owes no yield', async () => {
    /** Counts yields; `extra` is work time (ms) the monotonic clock has run through besides advance(). */
    class WorkClock extends VirtualClock {
      yields = 0;
      extra = 0;
      override yieldToIo(): Promise<void> {
        this.yields++;
        return super.yieldToIo();
      }
      override monotonicMs(): number {
        return super.monotonicMs() + this.extra;
      }
    }
    const clock = new WorkClock(T0);
    let workMsPerBatch = 0;
    const ingress = new BoundedQueue<StreamEvent>({ name: 'ingress', maxEvents: 100, policy: 'block', now: () => clock.now() });
    const { window } = parseConfig({ window: 'tumbling:10s', sinks: [], metrics: false });
    const loop = new OperatorLoop({
      ingress,
      clock,
      metrics: new EngineMetrics({ now: () => clock.now() }),
      buildOperator: () => createWindowOperator({ window, maxOutOfOrdernessMs: 0, allowedLatenessMs: 0, alertThreshold: 80, now: () => clock.now() }),
      processingTime: () => false,
      // Publishing is part of a batch's work: here it is where the batch's work time passes.
      publish: () => void (clock.extra += workMsPerBatch),
    });
    loop.start();
    /** Yields the loop made for one batch (settle()'s own 5 yields not counted). */
    const yieldsFor = async (e: StreamEvent): Promise<number> => {
      const before = clock.yields;
      await ingress.put([e]);
      await settle(clock);
      return clock.yields - before - 5;
    };
    expect(await yieldsFor(ev('a', T0, 1))).toBe(0);
    clock.advance(1000); // a second idle: wall time, no work
    expect(await yieldsFor(ev('a', T0 + 1, 1))).toBe(0);
    workMsPerBatch = 15;
    expect(await yieldsFor(ev('a', T0 + 2, 1))).toBe(0); // 15 ms of work since the last yield
    expect(await yieldsFor(ev('a', T0 + 3, 1))).toBe(0); // 30 ms: the yield is owed before the next batch
    expect(await yieldsFor(ev('a', T0 + 4, 1))).toBe(1);
    expect(await yieldsFor(ev('a', T0 + 5, 1))).toBe(0); // counted afresh: 15 + 15 ms
    ingress.close();
    await loop.stopped();
  });

  it('operator loop barrier: no batch is processed while a barrier runs; a batch taken meanwhile is held', async () => {
    const clock = new VirtualClock(T0);
    const { p, source, results } = startPipeline({ window: 'tumbling:1s' }, clock);
    await p.start();
    await source.push([ev('a', T0 + 100, 1)]);
    await settle(clock);
    const loop = (p as unknown as { loop: import('../src-main/engine/stages/operator-loop').OperatorLoop }).loop;
    let release!: () => void;
    const seenInside: number[] = [];
    const barrier = loop.atBarrier(async () => {
      seenInside.push(loop.current.stateSize());
      await new Promise<void>((r) => (release = r));
    });
    await settle(clock);
    await source.push([ev('a', T0 + 1500, 1)]); // would fire the first window if processed
    await settle(clock);
    expect(results).toEqual([]);
    expect(loop.heldBatch?.map((e) => e.timestamp)).toEqual([T0 + 1500]);
    release();
    await barrier;
    await settle(clock);
    expect(loop.heldBatch).toBeUndefined();
    expect(results.map((r) => r.count)).toEqual([1]);
    expect(seenInside).toEqual([1]);
    await p.stop();
  });
});
