import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../src-shared/types';
import { BoundedQueue } from '../src-main/engine/queue/bounded-queue';
import { SimulatedSource, sensorIds, type SimulatedSourceOptions } from '../src-main/engine/sources/simulated-source';
import { collectingOutput } from './support/collecting-output';

const tick = () => new Promise<void>((r) => setImmediate(r));

/**
 * Run a sim source on a fake clock until `untilMs` of fake time has been generated. `onTime` is
 * called at each tick with the fake time (to change settings mid-run).
 */
async function runFake(
  opts: SimulatedSourceOptions,
  untilMs: number,
  onTime?: (t: number, s: SimulatedSource, records: number) => void,
) {
  let fake = 1_700_000_000_000;
  const start = fake;
  const { out, events, rejects, batches } = collectingOutput();
  const src: SimulatedSource = new SimulatedSource({
    seed: 7,
    ...opts,
    now: () => fake,
    sleep: async (ms) => {
      if (fake - start >= untilMs) {
        void src.stop();
        return;
      }
      fake += ms;
      onTime?.(fake - start, src, events.length + rejects.length);
      await tick();
    },
  });
  await src.run(out);
  return { events, rejects, batches, src, start };
}

describe('SimulatedSource on a fake clock', () => {
  it('generates rate × elapsed records, in batches, with sensor ids, unit C and values 20..100', async () => {
    const { events, rejects, batches } = await runFake({ rateEventsPerSec: 5000, sensors: 10 }, 10_000);
    expect(rejects).toEqual([]);
    expect(events.length).toBeGreaterThanOrEqual(49_999);
    expect(events.length).toBeLessThanOrEqual(50_000);
    expect(batches.length).toBeLessThan(1001); // one batch per 10 ms tick, not one per event
    expect(new Set(events.map((e) => e.sensorId))).toEqual(new Set(sensorIds(10)));
    expect(sensorIds(10)[0]).toBe('sensor-01');
    expect(events.every((e) => e.unit === 'C' && e.value >= 20 && e.value <= 100)).toBe(true);
    const over80 = events.filter((e) => e.value > 80).length;
    expect(over80).toBeGreaterThan(0); // alerts at threshold 80 fire sometimes…
    expect(over80).toBeLessThan(events.length / 2); // …not always
  });

  it('caps a batch at batchMaxEvents', async () => {
    const { events, batches } = await runFake({ rateEventsPerSec: 1_000_000, batchMaxEvents: 1000 }, 100);
    expect(Math.max(...batches)).toBeLessThanOrEqual(1000);
    expect(events.length).toBeGreaterThanOrEqual(99_999);
    expect(events.length).toBeLessThanOrEqual(100_000);
  });

  it('event times lag processing time by at most jitterMs and arrive out of order', async () => {
    const { events, start } = await runFake({ rateEventsPerSec: 2000, jitterMs: 500 }, 5000);
    let outOfOrder = 0;
    for (let i = 1; i < events.length; i++) if (events[i].timestamp < events[i - 1].timestamp) outOfOrder++;
    expect(outOfOrder).toBeGreaterThan(0);
    for (const e of events) {
      expect(e.timestamp).toBeGreaterThanOrEqual(start - 500);
      expect(e.timestamp).toBeLessThanOrEqual(start + 5000);
    }
    const inOrder = await runFake({ rateEventsPerSec: 2000, jitterMs: 0 }, 5000);
    for (let i = 1; i < inOrder.events.length; i++) expect(inOrder.events[i].timestamp).toBeGreaterThanOrEqual(inOrder.events[i - 1].timestamp);
  });

  it('sends the malformed fraction through the edge decoder as dead letters', async () => {
    const { events, rejects } = await runFake({ rateEventsPerSec: 10_000, malformedRate: 0.1 }, 10_000);
    const total = events.length + rejects.length;
    expect(total).toBeGreaterThanOrEqual(99_999);
    expect(total).toBeLessThanOrEqual(100_000);
    // Binomial(100000, 0.1): sd ≈ 95, so ±1000 is > 10 sd.
    expect(rejects.length).toBeGreaterThan(9000);
    expect(rejects.length).toBeLessThan(11_000);
    const reasons = new Set(rejects.map((r) => r.reason));
    expect(reasons).toEqual(new Set(['invalid_json', 'wrong_type', 'non_finite', 'missing_field', 'bad_timestamp', 'not_an_object']));
    for (const r of rejects.slice(0, 50)) {
      expect(r.source).toBe('sim');
      expect(r.raw.length).toBeGreaterThan(0);
      expect(r.detail.length).toBeGreaterThan(0);
    }
  });

  it('is deterministic for a seed', async () => {
    const a = await runFake({ rateEventsPerSec: 1000, jitterMs: 100, seed: 42, malformedRate: 0.05 }, 2000);
    const b = await runFake({ rateEventsPerSec: 1000, jitterMs: 100, seed: 42, malformedRate: 0.05 }, 2000);
    const c = await runFake({ rateEventsPerSec: 1000, jitterMs: 100, seed: 43, malformedRate: 0.05 }, 2000);
    expect(a.events).toEqual(b.events);
    expect(a.rejects.map((r) => r.raw)).toEqual(b.rejects.map((r) => r.raw));
    expect(a.events).not.toEqual(c.events);
  });

  it('setRate, setSensors, setJitterMs and setMalformedRate apply while running', async () => {
    let before = -1;
    const { events, rejects } = await runFake({ rateEventsPerSec: 1000, sensors: 20 }, 10_000, (t, s, records) => {
      if (t === 5000) {
        before = records; // records of the ticks up to 4990 ms
        s.setRate(3000);
        s.setSensors(3);
        s.setMalformedRate(0.5);
        s.setJitterMs(50);
      }
    });
    // 4.99 s at 1000/s, then 5.01 s at 3000/s of which half are malformed.
    expect(before).toBeGreaterThanOrEqual(4989);
    expect(before).toBeLessThanOrEqual(4990);
    const after = events.length + rejects.length - before;
    expect(after).toBeGreaterThanOrEqual(15_029);
    expect(after).toBeLessThanOrEqual(15_031);
    expect(rejects.length).toBeGreaterThan(6500);
    expect(rejects.length).toBeLessThan(8500);
    expect(new Set(events.slice(0, before).map((e) => e.sensorId)).size).toBe(20);
    expect(new Set(events.slice(before).map((e) => e.sensorId))).toEqual(new Set(['sensor-01', 'sensor-02', 'sensor-03']));
    const start = 1_700_000_000_000;
    expect(Math.min(...events.slice(before).map((e) => e.timestamp))).toBeGreaterThanOrEqual(start + 4990 - 50);
  });

  it('rejects bad settings with a message naming the option and the range', () => {
    const s = new SimulatedSource({ seed: 1 });
    expect(() => s.setRate(-1)).toThrow(/rateEventsPerSec.*-1/);
    expect(() => s.setMalformedRate(1.5)).toThrow(/malformedRate.*0\.\.1.*1\.5/);
    expect(() => s.setSensors(0)).toThrow(/sensors/);
    expect(() => s.setSensors(2.5)).toThrow(/integer/);
    expect(() => s.setJitterMs(NaN)).toThrow(/jitterMs/);
    expect(() => new SimulatedSource({ rateEventsPerSec: Infinity })).toThrow(/rateEventsPerSec/);
  });
});

describe('SimulatedSource: backpressure and stop', () => {
  it('awaits the promise returned by emit before generating more', async () => {
    let fake = 0;
    let release: () => void = () => {};
    let emits = 0;
    const src = new SimulatedSource({
      seed: 1,
      rateEventsPerSec: 1000,
      now: () => fake,
      sleep: async (ms) => {
        fake += ms;
        await tick();
      },
    });
    const done = src.run({
      emit: () => {
        emits++;
        return new Promise<void>((r) => (release = r));
      },
      reject: () => {},
    });
    for (let i = 0; i < 20; i++) await tick();
    expect(emits).toBe(1); // blocked on the first batch
    release();
    for (let i = 0; i < 5; i++) await tick();
    expect(emits).toBe(2);
    await src.stop();
    release();
    await done; // run() resolves after stop
  });

  it('a lower rate applies at once, also in the middle of a large backlogged tick', async () => {
    let fake = 0;
    let release: () => void = () => {};
    let emitted = 0;
    const src = new SimulatedSource({
      seed: 1,
      rateEventsPerSec: 100_000_000, // one 10 ms tick owes 1,000,000 events = ~1954 batches
      now: () => fake,
      sleep: async (ms) => {
        fake += ms;
        await tick();
      },
    });
    const done = src.run({
      emit: (e) => {
        emitted += e.length;
        return new Promise<void>((r) => (release = r)); // a blocked pipeline
      },
      reject: () => {},
    });
    for (let i = 0; i < 5; i++) await tick();
    expect(emitted).toBe(512);
    src.setRate(1000); // the user drags the slider down while the source is blocked
    release();
    for (let i = 0; i < 5; i++) await tick();
    await src.stop();
    release();
    await done;
    // The old tick's remaining ~999,500 events were not generated: at most a tick at the new rate.
    expect(emitted).toBeLessThanOrEqual(512 + 60);
  });

  it('stop() resolves run() on the real clock, and stop is idempotent', async () => {
    const src = new SimulatedSource({ rateEventsPerSec: 100_000, seed: 3 });
    let n = 0;
    let first: () => void = () => {};
    const gotFirst = new Promise<void>((r) => (first = r));
    const done = src.run({
      emit: (e) => {
        n += e.length;
        first();
      },
      reject: () => {},
    });
    await gotFirst;
    await src.stop();
    await src.stop();
    await done;
    const after = n;
    await new Promise((r) => setTimeout(r, 50));
    expect(n).toBe(after); // nothing emitted after run() resolved
    expect(after).toBeGreaterThan(0);
  });
});

describe('SimulatedSource feeding a small queue under a drop policy', () => {
  it('drops nothing while the consumer keeps up, although a tick holds 10 × the queue', async () => {
    // 1,000,000 events/s in 10 ms ticks = 10,000 events per tick into a 1,000-event queue.
    const queue = new BoundedQueue<StreamEvent>({ name: 'ingress', maxEvents: 1000, policy: 'drop-newest' });
    let fake = 1_700_000_000_000;
    const start = fake;
    const src: SimulatedSource = new SimulatedSource({
      seed: 3,
      rateEventsPerSec: 1_000_000,
      now: () => fake,
      sleep: async (ms) => {
        if (fake - start >= 200) {
          void src.stop();
          return;
        }
        fake += ms;
        await tick();
      },
    });
    let consumed = 0;
    const consumer = (async () => {
      for (let b = await queue.take(); b !== null; b = await queue.take()) consumed += b.length;
    })();
    await src.run({ emit: (e) => queue.put(e), reject: () => {} });
    queue.close();
    await consumer;
    expect(consumed).toBeGreaterThanOrEqual(190_000);
    expect(queue.droppedEvents).toBe(0);
  });
});

describe('SimulatedSource checkpoint position', () => {
  it('a simulation restored from a position continues the same keys and values', async () => {
    const opts = { rateEventsPerSec: 2000, sensors: 25, jitterMs: 100 };
    const full = await runFake(opts, 2000);
    let position: unknown;
    let handed = 0;
    const first = await runFake(opts, 1000, (_t, s, records) => {
      if (position === undefined && records > 700) {
        position = s.position();
        handed = records;
      }
    });
    expect(first.events.length).toBeGreaterThan(0);
    // A new simulation with another seed, resumed at the position, generates what followed it.
    const { out, events, rejects } = collectingOutput();
    let fake = 1_800_000_000_000;
    const resumed: SimulatedSource = new SimulatedSource({
      ...opts,
      seed: 99,
      now: () => fake,
      sleep: async (ms) => {
        if (events.length + rejects.length >= 1000) void resumed.stop();
        fake += ms;
        await tick();
      },
    });
    await resumed.seek(position);
    await resumed.run(out);
    const keyValue = (e: StreamEvent) => `${e.sensorId}=${e.value}`;
    expect(handed).toBeGreaterThan(700);
    expect(events.slice(0, 1000).map(keyValue)).toEqual(full.events.slice(handed, handed + 1000).map(keyValue));
    await expect(new SimulatedSource({ sensors: 3 }).seek(position)).rejects.toThrow(/25 sensors/);
  });
});
