/**
 * The sink stage: a burst larger than the sink queue is admitted up to the room left (under `block`
 * the producer keeps the rest and waits; the depth never exceeds capacity), a failed write is counted against that batch and the
 * stage goes on, and a failing close is reported, never thrown.
 */
import { describe, expect, it } from 'vitest';
import type { WindowResult } from '../src-shared/types';
import type { Sink } from '../src-main/engine/component';
import { EngineMetrics } from '../src-main/engine/metrics/engine-metrics';
import { SinkStage } from '../src-main/engine/stages/sink-stage';
import { systemClock } from '../src-main/engine/time/clock';
import { windowResult } from './support/window-result';

const burst = (n: number): WindowResult[] => Array.from({ length: n }, (_, i) => windowResult(`k${i}`, 0, { count: i + 1 }));

/** A sink whose writes wait until released, recording each batch. */
function gatedSink() {
  const batches: WindowResult[][] = [];
  const waiting: Array<() => void> = [];
  const sink: Sink = {
    name: 'gated',
    write(batch) {
      batches.push(batch);
      return new Promise<void>((r) => waiting.push(r));
    },
    async close() {},
  };
  return { sink, batches, releaseAll: () => waiting.splice(0).forEach((r) => r()) };
}

function stage(sink: Sink, maxEvents: number, policy: 'block' | 'drop-oldest' = 'block') {
  const metrics = new EngineMetrics();
  const logs: string[] = [];
  const s = new SinkStage(sink, { maxEvents, policy }, metrics, systemClock, (level, msg) => logs.push(`${level}: ${msg}`));
  return { s, metrics, logs };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('SinkStage', () => {
  it('a burst larger than the queue is admitted up to the room left, holding back the producer (block) with the rest', async () => {
    const g = gatedSink();
    const { s, metrics } = stage(g.sink, 10);
    expect(s.offer(burst(1))).toBeUndefined(); // the idle pump takes it and is now busy writing
    await tick();
    expect(g.batches.map((b) => b.length)).toEqual([1]);
    const offered = s.offer(burst(35).slice(1));
    expect(offered).toBeInstanceOf(Promise); // 10 queued, 24 still with the producer
    expect(s.queue.depth).toBe(10);
    let done = false;
    void (offered as Promise<void>).then(() => (done = true));
    for (let i = 0; i < 20 && !done; i++) {
      g.releaseAll();
      await tick();
      expect(s.queue.depth).toBeLessThanOrEqual(10); // never above capacity
    }
    expect(done).toBe(true);
    const closing = s.close();
    for (let i = 0; i < 10; i++) {
      g.releaseAll();
      await tick();
    }
    await closing;
    expect(g.batches.every((b) => b.length <= 10)).toBe(true);
    expect(g.batches.flat().map((r) => r.count)).toEqual(burst(35).map((r) => r.count)); // all, in order, once
    expect(metrics.snapshot().sinks.find((x) => x.name === 'gated')).toMatchObject({ sentResults: 35, errors: 0 });
  });

  it('an idle sink is handed a burst whole: the queue never holds it, so nothing waits or is shed', async () => {
    const g = gatedSink();
    const { s, metrics } = stage(g.sink, 10, 'drop-oldest');
    expect(s.offer(burst(35))).toBeUndefined();
    expect(s.queue.depth).toBe(0);
    await tick();
    expect(g.batches.map((b) => b.length)).toEqual([35]);
    g.releaseAll();
    await s.close();
    expect(metrics.snapshot().sinks.find((x) => x.name === 'gated')).toMatchObject({ sentResults: 35, errors: 0 });
    expect(s.queue.droppedEvents).toBe(0);
  });

  it('a failed write is counted as errors for that batch only, logged, and later batches are delivered', async () => {
    const delivered: WindowResult[] = [];
    let calls = 0;
    const sink: Sink = {
      name: 'flaky',
      async write(batch) {
        calls++;
        if (calls === 1) throw new Error('endpoint gone');
        delivered.push(...batch);
      },
      async close() {},
    };
    const { s, metrics, logs } = stage(sink, 100);
    await s.offer(burst(3));
    await tick();
    await s.offer(burst(2));
    await s.close();
    expect(delivered.map((r) => r.count)).toEqual([1, 2]);
    expect(metrics.snapshot().sinks.find((x) => x.name === 'flaky')).toMatchObject({ sentResults: 2, errors: 3 });
    expect(metrics.snapshot().sinkErrors).toBe(3);
    expect(logs).toContain('error: sink flaky: 3 results not delivered: endpoint gone');
  });

  it('a close that fails is counted and logged; close() itself resolves', async () => {
    const sink: Sink = {
      name: 'stuck',
      async write() {},
      async close() {
        throw new Error('disk full');
      },
    };
    const { s, metrics, logs } = stage(sink, 100);
    await s.offer(burst(1));
    await expect(s.close()).resolves.toBeUndefined();
    expect(metrics.snapshot().sinks.find((x) => x.name === 'stuck')).toMatchObject({ sentResults: 1, errors: 1 });
    expect(logs).toContain('error: sink stuck: close failed: disk full');
  });
});
