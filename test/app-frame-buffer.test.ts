import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RingBuffer } from '../src-shared/ring-buffer';
import { FrameBuilder } from '../src-main/app/frame-builder';
import type { AppStatus } from '../src-shared/contract';
import { StubPipeline, result } from './support/app-stub-pipeline';

describe('RingBuffer', () => {
  it('keeps the newest `capacity` items in order and counts what it skipped', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.array(fc.integer(), { maxLength: 30 }), { maxLength: 10 }), (cap, batches) => {
        const ring = new RingBuffer<number>(cap);
        for (const b of batches) ring.pushAll(b);
        const all = batches.flat();
        const { items, skipped } = ring.drain();
        expect(items).toEqual(all.slice(Math.max(0, all.length - cap)));
        expect(skipped).toBe(Math.max(0, all.length - cap));
        expect(ring.size).toBe(0);
        expect(ring.drain()).toEqual({ items: [], skipped: 0 });
      }),
    );
  });

  it('refuses a capacity below 1', () => {
    expect(() => new RingBuffer(0)).toThrow(/capacity/);
  });
});

describe('FrameBuilder', () => {
  const stub = new StubPipeline({ source: { type: 'sim' }, window: { kind: 'tumbling', sizeMs: 5000 }, alertThreshold: 80, sinks: [], metrics: false });
  const status: AppStatus = { state: 'running', transport: 'web', config: { source: { type: 'sim' }, rateEventsPerSec: 1, window: { kind: 'tumbling', sizeMs: 5000 }, alertThreshold: 80, timing: { timeMode: 'event', maxOutOfOrdernessMs: 0, allowedLatenessMs: 0, idleTimeoutMs: 0 }, sinks: [], queues: stub.config.queues } };

  it('caps results per frame, counts the skipped ones, numbers frames', () => {
    const b = new FrameBuilder({ results: 3, late: 2, deadLetters: 2, logs: 2 });
    b.addResults([result(0), result(1), result(2)]);
    b.addResults([result(3), result(4)]);
    const f1 = b.take(stub.metrics.snapshot(), status);
    expect(f1.seq).toBe(1);
    expect(f1.results.map((r) => r.windowStart)).toEqual([2, 3, 4]);
    expect(f1.resultsSkipped).toBe(2);
    const f2 = b.take(stub.metrics.snapshot(), status);
    expect(f2.seq).toBe(2);
    expect(f2.results).toEqual([]);
    expect(f2.resultsSkipped).toBe(0);
  });

  it('attaches the status only when it changed', () => {
    const b = new FrameBuilder();
    expect(b.take(stub.metrics.snapshot(), status).status).toEqual(status);
    expect(b.take(stub.metrics.snapshot(), status).status).toBeUndefined();
    const paused = { ...status, state: 'paused' as const };
    expect(b.take(stub.metrics.snapshot(), paused).status).toEqual(paused);
  });
});
