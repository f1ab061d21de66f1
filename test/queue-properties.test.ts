import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QueuePolicy } from '../src-shared/types';
import { BoundedQueue } from '../src-main/engine/queue/bounded-queue';

type Op = { kind: 'put'; size: number } | { kind: 'take' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), size: fc.integer({ min: 0, max: 12 }) }),
  fc.record({ kind: fc.constant('take' as const) }),
);

const flushMicrotasks = async () => {
  for (let i = 0; i < 3; i++) await Promise.resolve();
};

const policies: QueuePolicy[] = ['block', 'drop-newest', 'drop-oldest'];

describe.each(policies)('BoundedQueue properties under %s', (policy) => {
  it('delivered + dropped == offered; depth never above capacity; sheds only when full; FIFO order; block releases exactly below capacity', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 20 }), fc.array(opArb, { maxLength: 80 }), async (capacity, ops) => {
        let onDropTotal = 0;
        const q = new BoundedQueue<number>({
          name: 'p', maxEvents: capacity, policy, onDrop: (n) => (onDropTotal += n),
        });
        let next = 0;
        let offered = 0;
        const delivered: number[] = [];
        // A single producer: while a block-policy put is pending, it may not put again.
        let blocked: { released: boolean } | null = null;

        for (const op of ops) {
          if (op.kind === 'put') {
            if (blocked && !blocked.released) continue;
            const batch = Array.from({ length: op.size }, () => next++);
            offered += batch.length;
            const depthBefore = q.depth;
            const droppedBefore = q.droppedEvents;
            const r = q.put(batch);
            const droppedNow = q.droppedEvents - droppedBefore;
            if (r instanceof Promise) {
              const state = { released: false };
              void r.then(() => (state.released = true));
              blocked = state;
              expect(policy).toBe('block');
            }
            expect(q.depth).toBeLessThanOrEqual(capacity);
            if (policy === 'block') {
              // The producer only puts when not blocked, i.e. depth < capacity before the put.
              expect(depthBefore).toBeLessThan(capacity);
            } else {
              // A drop policy sheds exactly what did not fit in the room left, and leaves the queue full.
              expect(droppedNow).toBe(Math.max(0, batch.length - (capacity - depthBefore)));
              if (droppedNow > 0) expect(q.depth).toBe(capacity);
            }
          } else {
            const b = q.tryTake();
            if (b) delivered.push(...b);
            await flushMicrotasks();
            // The blocked producer is released exactly when depth falls below capacity.
            if (blocked && !blocked.released) expect(q.depth).toBeGreaterThanOrEqual(capacity);
            if (blocked && q.depth < capacity) expect(blocked.released).toBe(true);
          }
        }
        const remaining: number[] = [];
        for (let b = q.tryTake(); b; b = q.tryTake()) remaining.push(...b);
        const survivors = [...delivered, ...remaining];

        expect(survivors.length + q.droppedEvents).toBe(offered);
        expect(onDropTotal).toBe(q.droppedEvents);
        if (policy === 'block') expect(q.droppedEvents).toBe(0);
        // FIFO: survivors are strictly increasing (drops remove, never reorder).
        for (let i = 1; i < survivors.length; i++) expect(survivors[i]).toBeGreaterThan(survivors[i - 1]);
        expect(q.depth).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('with async take/put interleavings every event is accounted for', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 40 }),
        async (capacity, sizes) => {
          const q = new BoundedQueue<number>({ name: 'p', maxEvents: capacity, policy });
          let next = 0;
          let maxDepth = 0;
          const producer = (async () => {
            for (const size of sizes) {
              const batch = Array.from({ length: size }, () => next++);
              const pending = q.put(batch);
              maxDepth = Math.max(maxDepth, q.depth);
              await pending;
            }
            q.close();
          })();
          const got: number[] = [];
          for (let b = await q.take(); b !== null; b = await q.take()) got.push(...b);
          await producer;
          expect(got.length + q.droppedEvents).toBe(next);
          for (let i = 1; i < got.length; i++) expect(got[i]).toBeGreaterThan(got[i - 1]);
          expect(maxDepth).toBeLessThanOrEqual(capacity);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a batch of any size offered to a consumer waiting on an empty queue is never shed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 100 }), async (capacity, size) => {
        const q = new BoundedQueue<number>({ name: 'p', maxEvents: capacity, policy });
        const taken = q.take();
        const r = q.put(Array.from({ length: size }, (_, i) => i));
        expect(r).toBeUndefined();
        expect(q.droppedEvents).toBe(0);
        expect(await taken).toHaveLength(size);
      }),
      { numRuns: 100 },
    );
  });

  it('a batch larger than the queue is admitted up to the room left, never dropped whole', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 60 }), (capacity, queued, size) => {
        const q = new BoundedQueue<number>({ name: 'p', maxEvents: capacity, policy });
        const pre = Math.min(queued, capacity);
        if (pre > 0) q.put(Array.from({ length: pre }, (_, i) => -1 - i));
        void q.put(Array.from({ length: size }, (_, i) => i));
        expect(q.depth).toBe(Math.min(capacity, pre + size));
        if (policy === 'drop-newest') expect(q.droppedEvents).toBe(Math.max(0, pre + size - capacity));
        if (policy === 'drop-oldest') expect(q.droppedEvents).toBe(Math.max(0, pre + size - capacity));
        if (policy === 'block') expect(q.droppedEvents).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
