import { describe, expect, it } from 'vitest';
import { Pipeline } from '../src-main/engine/pipeline';
import { ThrottledSink } from '../src-main/engine/sinks/throttled-sink';
import { windowResult } from './support/window-result';

/** Polls `check` until it returns true (upper bound only; never asserts a duration). */
async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('throttled demo sink', () => {
  it('takes n / resultsPerSec seconds plus the per-batch latency for a batch, and a new speed from retune', async () => {
    const slept: number[] = [];
    const sink = new ThrottledSink({ resultsPerSec: 100, latencyMsPerBatch: 20, sleep: async (ms) => void slept.push(ms) });
    await sink.write(Array.from({ length: 50 }, () => windowResult('sensor-01', 0)));
    expect(slept).toEqual([20, 100, 100, 100, 100, 100]); // latency, then 500 ms in steps
    expect(sink.retune({ type: 'throttled', resultsPerSec: 1000, latencyMsPerBatch: 0 })).toBe(true);
    await sink.write(Array.from({ length: 50 }, () => windowResult('sensor-01', 0)));
    expect(slept.slice(6)).toEqual([50]);
    expect(sink.takenResults).toBe(100);
  });

  it('a new speed applies to a batch in progress within a step', async () => {
    const slept: number[] = [];
    let sink!: ThrottledSink;
    const sleep = async (ms: number) => {
      slept.push(ms);
      if (slept.length === 2) sink.retune({ type: 'throttled', resultsPerSec: 1e6 });
    };
    sink = new ThrottledSink({ resultsPerSec: 10, sleep });
    await sink.write(Array.from({ length: 1000 }, () => windowResult('sensor-01', 0))); // 100 s at 10/s
    expect(slept.length).toBe(3); // two 100 ms steps at 10/s, then the 998 left at 1,000,000/s
    expect(slept[2]).toBeCloseTo(0.998, 6);
    expect(sink.retune({ type: 'throttled', resultsPerSec: -1 })).toBe(false);
    expect(() => new ThrottledSink({ resultsPerSec: 0 })).toThrow(/resultsPerSec/);
  });

  it('a slow sink fills its queue; raising its speed drains it and its backpressure falls back to ~0', async () => {
    const p = new Pipeline({
      source: { type: 'sim', sensors: 2000, rateEventsPerSec: 20_000, jitterMs: 0 },
      window: 'tumbling:100ms',
      maxOutOfOrdernessMs: 0,
      sinks: [{ type: 'throttled', resultsPerSec: 200 }],
      queues: { sink: { maxEvents: 2000, policy: 'block' } },
      metrics: false,
    });
    await p.start();
    try {
      const sinkQueue = () => p.metrics.snapshot().queues.find((q) => q.name === 'sink:throttled')!;
      // Results come far faster than 200/s: the queue fills and the operator is held back (block).
      await until(() => sinkQueue().peakDepthEvents >= 2000 && sinkQueue().backpressuredMsPerSec >= 500);
      expect(sinkQueue().depthEvents).toBeLessThanOrEqual(2000);
      await p.reconfigure({ sinks: [{ type: 'throttled', resultsPerSec: 1e8 }] });
      await until(() => sinkQueue().backpressuredMsPerSec < 50 && sinkQueue().depthEvents < 2000);
      expect(p.metrics.snapshot().eventsDropped).toBe(0);
    } finally {
      await p.stop();
    }
  }, 60_000);
});
