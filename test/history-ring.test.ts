import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../src-shared/types';
import type { SourceOutput } from '../src-main/engine/component';
import { BYTES_PER_EVENT, budgetEvents, EventHistory } from '../src-main/engine/history/event-history';
import { SimulatedSource } from '../src-main/engine/sources/simulated-source';

function readAll(h: EventHistory): StreamEvent[] {
  const out: StreamEvent[] = [];
  const buf: StreamEvent[] = new Array(1000);
  for (let seq = h.oldestSeq; seq < h.nextSeq; ) {
    const n = h.read(seq, buf);
    for (let i = 0; i < n; i++) out.push({ ...buf[i] });
    seq += n;
  }
  return out;
}

describe('retained history ring', () => {
  it('keeps the newest events in arrival order and says from when it is complete', () => {
    const h = new EventHistory({ maxEvents: 5 });
    const evs: StreamEvent[] = [10, 30, 20, 50, 40, 60, 45].map((t, i) => ({ sensorId: `k${i % 3}`, timestamp: t, value: i }));
    h.record(evs.slice(0, 3));
    expect(readAll(h)).toEqual(evs.slice(0, 3));
    expect(h.summary()).toMatchObject({ events: 3, completeAfterMs: null, newestMs: 30, spanMs: 20, evictedEvents: 0 });
    h.record(evs.slice(3));
    expect(readAll(h)).toEqual(evs.slice(2));
    // Evicted: t=10 and t=30, so only event times > 30 are complete.
    expect(h.summary()).toMatchObject({ events: 5, completeAfterMs: 30, newestMs: 60, spanMs: 30, evictedEvents: 2, keys: 3 });
    expect(() => h.read(0, [])).toThrow(/overwritten/);
  });

  it('lets go of keys whose events were all overwritten (unbounded key churn stays bounded)', () => {
    const h = new EventHistory({ maxEvents: 100 });
    for (let i = 0; i < 100_000; i++) h.record([{ sensorId: `key-${i}`, timestamp: i, value: 1 }]);
    expect(h.summary().keys).toBe(100);
    expect(readAll(h).map((e) => e.sensorId)).toEqual(Array.from({ length: 100 }, (_, i) => `key-${99_900 + i}`));
  });

  it('grows by doubling and keeps arrival order across growth after a clear', () => {
    const h = new EventHistory({ maxEvents: 300_000 });
    const ev = (i: number): StreamEvent => ({ sensorId: `s${i % 7}`, timestamp: i, value: i * 2 });
    h.record(Array.from({ length: 1000 }, (_, i) => ev(i)));
    h.clear();
    expect(h.summary()).toMatchObject({ events: 0, keys: 0, completeAfterMs: null, evictedEvents: 0 });
    const batch = Array.from({ length: 70_000 }, (_, i) => ev(i));
    h.record(batch);
    expect(readAll(h)).toEqual(batch);
  });

  it('stays within its byte budget under a 1,000,000 events/s sim load', async () => {
    const maxBytes = 8 * 1024 * 1024;
    const h = new EventHistory({ maxBytes });
    const src = new SimulatedSource({ rateEventsPerSec: 1_000_000, sensors: 10_000, jitterMs: 50, seed: 7 });
    let received = 0;
    let peakBytes = 0;
    const out: SourceOutput = {
      emit: (batch) => {
        received += batch.length;
        h.record(batch);
        peakBytes = Math.max(peakBytes, h.summary().bytes);
        if (received >= 1_500_000) void src.stop();
      },
      reject: () => {},
      bytesIn: () => {},
    };
    const run = src.run(out);
    const timer = setTimeout(() => void src.stop(), 10_000);
    await run;
    clearTimeout(timer);
    const s = h.summary();
    expect(received).toBeGreaterThan(budgetEvents({ maxBytes }));
    expect(peakBytes).toBeLessThanOrEqual(maxBytes);
    expect(s.events).toBe(Math.floor(maxBytes / BYTES_PER_EVENT));
    expect(s.evictedEvents).toBe(received - s.events);
    expect(s.keys).toBeLessThanOrEqual(10_000);
  }, 20_000);
});
