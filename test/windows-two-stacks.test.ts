/**
 * The Two-Stacks FIFO against a plain merge of the slices it holds: after any mix of pushes and
 * evictions its aggregate equals the merge of exactly the live slices, including after the reused
 * partial aggregates have been overwritten by later flips.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Aggregate } from '../src-main/engine/windows/aggregate';
import { TwoStacks } from '../src-main/engine/windows/two-stacks';

function aggOf(values: number[]): Aggregate {
  const a = new Aggregate();
  for (const v of values) a.add(v, 50, v * 10);
  return a;
}

type Op = { push: number[] } | { evict: number };

describe('TwoStacks', () => {
  it('aggregates exactly the slices not yet evicted', () => {
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ push: fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 4 }) }),
      fc.record({ evict: fc.integer({ min: 0, max: 4 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const q = new TwoStacks();
        const live: Array<{ start: number; agg: Aggregate }> = [];
        let nextStart = 0;
        let evictedUpTo = 0;
        for (const o of ops) {
          if ('push' in o) {
            const agg = aggOf(o.push);
            q.push(nextStart, agg);
            live.push({ start: nextStart, agg });
            nextStart += 10;
          } else {
            evictedUpTo += o.evict * 10;
            q.evictBefore(evictedUpTo);
            while (live.length > 0 && live[0].start < evictedUpTo) live.shift();
          }
          const got = new Aggregate();
          const nonEmpty = q.aggregateInto(got);
          expect(nonEmpty).toBe(live.length > 0);
          expect(q.isEmpty).toBe(live.length === 0);
          if (nonEmpty) {
            const want = new Aggregate();
            for (const s of live) want.merge(s.agg);
            expect(got.toJSON()).toEqual(want.toJSON());
            expect(got.lastArrivalMs).toBe(want.lastArrivalMs);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never changes the slice aggregates pushed into it', () => {
    const slice = aggOf([1, 2, 3]);
    const before = slice.toJSON();
    const q = new TwoStacks();
    q.push(0, slice);
    q.push(10, aggOf([100]));
    q.evictBefore(5); // flips: partial merges are written into the queue's own objects
    q.push(20, aggOf([-7]));
    q.evictBefore(15);
    q.aggregateInto(new Aggregate());
    expect(slice.toJSON()).toEqual(before);
  });

  it('keeps its own copy of what was pushed (the caller may reuse the object)', () => {
    const scratch = aggOf([5, 6]);
    const q = new TwoStacks();
    q.push(0, scratch);
    scratch.reset();
    scratch.add(1000, 50, 0);
    q.push(10, scratch);
    scratch.reset();
    const got = new Aggregate();
    q.aggregateInto(got);
    expect(got.toJSON()).toEqual({ count: 3, sum: 1011, min: 5, max: 1000, alertCount: 1 });
  });
});
