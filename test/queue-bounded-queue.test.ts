import { describe, expect, it } from 'vitest';
import { BoundedQueue } from '../src-main/engine/queue/bounded-queue';

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

/** Drain everything queued right now, flattened. */
function drainNow<T>(q: BoundedQueue<T>): T[] {
  const out: T[] = [];
  for (let b = q.tryTake(); b; b = q.tryTake()) out.push(...b);
  return out;
}

/** Let pending promise callbacks run. */
const tick = () => new Promise<void>((r) => setImmediate(r));

describe('BoundedQueue construction', () => {
  it('rejects a capacity below 1 with a clear error', () => {
    expect(() => new BoundedQueue({ name: 'q', maxEvents: 0, policy: 'block' })).toThrow(/maxEvents.*>= 1.*got 0/);
    expect(() => new BoundedQueue({ name: 'q', maxEvents: 2.5, policy: 'block' })).toThrow(/maxEvents/);
    expect(() => new BoundedQueue({ name: 'q', maxEvents: 5, policy: 'nope' as never })).toThrow(/policy/);
  });

  it('exposes name, capacity, policy, depth', () => {
    const q = new BoundedQueue<number>({ name: 'ingress', maxEvents: 10, policy: 'drop-newest' });
    q.put([1, 2, 3]);
    expect([q.name, q.capacity, q.policy, q.depth, q.droppedEvents]).toEqual(['ingress', 10, 'drop-newest', 3, 0]);
  });
});

describe('drop-newest', () => {
  it('keeps what fits, drops the rest of the incoming batch, counts exactly, preserves order', () => {
    const drops: number[] = [];
    const q = new BoundedQueue<number>({ name: 'q', maxEvents: 5, policy: 'drop-newest', onDrop: (n) => drops.push(n) });
    expect(q.put(range(0, 3))).toBeUndefined();
    expect(q.put(range(3, 4))).toBeUndefined(); // 2 fit, 2 dropped
    expect(q.put([100])).toBeUndefined(); // full: dropped
    expect(q.depth).toBe(5);
    expect(q.droppedEvents).toBe(3);
    expect(drops).toEqual([2, 1]);
    expect(drainNow(q)).toEqual([0, 1, 2, 3, 4]);
    expect(q.depth).toBe(0);
  });
});

describe('drop-oldest', () => {
  it('evicts the oldest events, trimming the head batch, and keeps FIFO order', () => {
    const drops: Array<[number, string]> = [];
    const q = new BoundedQueue<number>({
      name: 'q', maxEvents: 5, policy: 'drop-oldest', onDrop: (n, r) => drops.push([n, r]),
    });
    q.put(range(0, 3));
    q.put(range(3, 4)); // 7 queued -> evict 0,1
    expect(q.depth).toBe(5);
    expect(q.droppedEvents).toBe(2);
    expect(q.tryTake()).toEqual([2]); // head batch trimmed, not merged
    expect(q.tryTake()).toEqual([3, 4]); // what fitted was admitted first, the rest after eviction
    expect(q.tryTake()).toEqual([5, 6]);
    expect(drops).toEqual([[2, 'queue_full']]);
  });

  it('keeps only the newest capacity events of an oversized batch', () => {
    const q = new BoundedQueue<number>({ name: 'q', maxEvents: 3, policy: 'drop-oldest' });
    q.put([1]);
    q.put(range(10, 6));
    expect(q.droppedEvents).toBe(4);
    expect(drainNow(q)).toEqual([13, 14, 15]);
  });
});

describe('block', () => {
  it('returns undefined on the fast path and a promise when full', () => {
    const q = new BoundedQueue<number>({ name: 'q', maxEvents: 4, policy: 'block' });
    expect(q.put([1, 2])).toBeUndefined();
    const p = q.put([3, 4, 5]);
    expect(p).toBeInstanceOf(Promise);
    expect(q.depth).toBe(4); // what fits is queued; the producer holds the rest until room appears
    expect(q.backpressureEvents).toBe(1);
    expect(q.droppedEvents).toBe(0);
  });

  it('releases the producer only after the consumer drains below capacity', async () => {
    const q = new BoundedQueue<number>({ name: 'q', maxEvents: 4, policy: 'block' });
    q.put([1, 2]);
    let released = false;
    void (q.put([3, 4, 5]) as Promise<void>).then(() => (released = true));
    await tick();
    expect(released).toBe(false);
    expect(q.tryTake()).toEqual([1, 2]); // the held [5] is admitted: depth 3 < 4
    await tick();
    expect(released).toBe(true);
    expect(drainNow(q)).toEqual([3, 4, 5]);
  });

  it('stays blocked while depth is still >= capacity after a take', async () => {
    const q = new BoundedQueue<number>({ name: 'q', maxEvents: 3, policy: 'block' });
    q.put([1]);
    let released = false;
    void (q.put([2, 3, 4, 5]) as Promise<void>).then(() => (released = true));
    expect(await q.take()).toEqual([1]); // [4] admitted: depth 3 >= 3
    await tick();
    expect(released).toBe(false);
    expect(q.depth).toBe(3);
    expect(await q.take()).toEqual([2, 3]); // [5] admitted: depth 2 < 3
    await tick();
    expect(released).toBe(true);
    expect(drainNow(q)).toEqual([4, 5]);
  });

  it('hands a batch straight to a waiting consumer without blocking', async () => {
    const q = new BoundedQueue<number>({ name: 'q', maxEvents: 2, policy: 'block' });
    const taken = q.take();
    expect(q.put([1, 2, 3])).toBeUndefined();
    expect(await taken).toEqual([1, 2, 3]);
    expect(q.depth).toBe(0);
  });

  it('raising the capacity or switching to a drop policy releases blocked producers', async () => {
    const q = new BoundedQueue<number>({ name: 'q', maxEvents: 2, policy: 'block' });
    let a = false;
    void (q.put([1, 2]) as Promise<void>).then(() => (a = true));
    q.setCapacity(10);
    await tick();
    expect(a).toBe(true);

    const q2 = new BoundedQueue<number>({ name: 'q2', maxEvents: 2, policy: 'block' });
    let b = false;
    void (q2.put([1, 2]) as Promise<void>).then(() => (b = true));
    q2.setPolicy('drop-newest');
    await tick();
    expect(b).toBe(true);
    q2.put([3]);
    expect(q2.droppedEvents).toBe(1);
  });

  it('lowering the capacity keeps queued events', () => {
    const q = new BoundedQueue<number>({ name: 'q', maxEvents: 10, policy: 'drop-oldest' });
    q.put(range(0, 8));
    q.setCapacity(4);
    expect(q.depth).toBe(8);
    expect(() => q.setCapacity(0)).toThrow(/maxEvents/);
    q.put([8]); // next put applies the new bound
    expect(q.depth).toBe(4);
    expect(drainNow(q)).toEqual([5, 6, 7, 8]);
  });
});

describe('take / close', () => {
  it('take waits for a put', async () => {
    const q = new BoundedQueue<string>({ name: 'q', maxEvents: 10, policy: 'block' });
    const p = q.take();
    q.put(['a']);
    expect(await p).toEqual(['a']);
    expect(q.tryTake()).toBeUndefined();
  });

  it('close: no more puts, consumers drain then get null, blocked producers are released', async () => {
    const q = new BoundedQueue<number>({ name: 'q', maxEvents: 2, policy: 'block' });
    const blocked = q.put([1, 2, 3]) as Promise<void>;
    let released = false;
    void blocked.then(() => (released = true));
    q.close();
    await tick();
    expect(released).toBe(true);
    expect(() => q.put([4])).toThrow(/closed/);
    expect(await q.take()).toEqual([1, 2]);
    expect(await q.take()).toEqual([3]); // what the blocked producer held is not lost
    expect(await q.take()).toBeNull();
    expect(q.tryTake()).toBeNull();
  });

  it('close wakes waiting consumers with null', async () => {
    const q = new BoundedQueue<number>({ name: 'q', maxEvents: 2, policy: 'block' });
    const a = q.take();
    const b = q.take();
    q.close();
    expect(await a).toBeNull();
    expect(await b).toBeNull();
  });

  it('handles many batches without losing order (deque compaction)', () => {
    const q = new BoundedQueue<number>({ name: 'q', maxEvents: 1_000_000, policy: 'block' });
    const out: number[] = [];
    for (let i = 0; i < 5000; i++) {
      q.put([i]);
      if (i % 3 === 0) out.push(...q.tryTake()!);
    }
    out.push(...drainNow(q));
    expect(out).toEqual(range(0, 5000));
  });
});

describe('load accounting (injected clock)', () => {
  it('reports backpressured time, including an in-progress block, and busy time', async () => {
    let t = 1_000_000;
    const q = new BoundedQueue<number>({ name: 'q', maxEvents: 2, policy: 'block', now: () => t });
    t += 1000;
    const p = q.put([1, 2]) as Promise<void>;
    expect(p).toBeInstanceOf(Promise);
    t += 500; // blocked for 500 ms so far, over 1500 ms of life
    let load = q.loadPerSecond();
    expect(load.backpressuredMsPerSec).toBeCloseTo((500 / 1500) * 1000, 5);
    expect(q.backpressuredMsTotal).toBe(500);

    t += 500;
    q.tryTake(); // releases after 1000 ms blocked
    await p;
    q.addBusyMs(200);
    load = q.loadPerSecond();
    expect(q.backpressuredMsTotal).toBe(1000);
    expect(q.busyMsTotal).toBe(200);
    // The ~2 s window (8 buckets of 250 ms) here spans 1,000,250 .. 1,002,000: 1750 ms.
    expect(load.backpressuredMsPerSec).toBeCloseTo((1000 / 1750) * 1000, 5);
    expect(load.busyMsPerSec).toBeCloseTo((200 / 1750) * 1000, 5);
    expect(load.idleMsPerSec).toBeCloseTo((550 / 1750) * 1000, 5);

    // Long after: the window has moved past everything.
    t += 60_000;
    load = q.loadPerSecond();
    expect(load).toEqual({ backpressuredMsPerSec: 0, busyMsPerSec: 0, idleMsPerSec: 1000 });
    expect(q.snapshot()).toMatchObject({ name: 'q', depthEvents: 0, capacityEvents: 2, policy: 'block', idleMsPerSec: 1000 });
  });

  it('a long block reads as fully backpressured', () => {
    let t = 0;
    const q = new BoundedQueue<number>({ name: 'q', maxEvents: 1, policy: 'block', now: () => t });
    t = 10_000;
    void q.put([1]);
    t = 30_000;
    expect(q.loadPerSecond().backpressuredMsPerSec).toBe(1000);
    expect(q.loadPerSecond().idleMsPerSec).toBe(0);
  });
});

describe('peak depth', () => {
  it('shows what a put left queued, for the current and the next second, not batches handed straight to a waiting consumer', async () => {
    let now = 10_000;
    const q = new BoundedQueue<number>({ name: 'q', maxEvents: 100, policy: 'block', now: () => now });
    const waiting = q.take(); // a consumer keeping up: the batch goes straight to it
    q.put([1, 2, 3]);
    expect(await waiting).toEqual([1, 2, 3]);
    expect(q.snapshot()).toMatchObject({ depthEvents: 0, peakDepthEvents: 0 });

    const blocked = q.put(Array.from({ length: 512 }, (_, i) => i)); // the consumer is busy: it fills the queue
    expect(blocked).toBeInstanceOf(Promise);
    expect(q.depth).toBe(100); // never above capacity
    let released = false;
    void blocked!.then(() => (released = true));
    let taken = 0;
    while (taken < 512) taken += (await q.take())!.length; // drained before anyone sampled the depth
    await blocked;
    expect(released).toBe(true);
    expect(q.snapshot()).toMatchObject({ depthEvents: 0, peakDepthEvents: 100 });
    now += 1000;
    expect(q.peakDepth).toBe(100); // still visible during the next second
    now += 1000;
    expect(q.peakDepth).toBe(0);
  });
});
