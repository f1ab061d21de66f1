import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../src-shared/ring-buffer';

describe('RingBuffer', () => {
  it('keeps the last `capacity` items, oldest first', () => {
    const rb = new RingBuffer<number>(3);
    expect(rb.toArray()).toEqual([]);
    rb.push(1);
    rb.push(2);
    expect(rb.toArray()).toEqual([1, 2]);
    rb.push(3);
    rb.push(4);
    rb.push(5);
    expect(rb.toArray()).toEqual([3, 4, 5]);
    expect(rb.size).toBe(3);
    expect(rb.last()).toBe(5);
    expect(rb.at(0)).toBe(3);
    expect(rb.at(3)).toBeUndefined();
  });

  it('matches slice(-capacity) of everything pushed (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer(), { maxLength: 100 }), fc.boolean(), (cap, items, bulk) => {
        const rb = new RingBuffer<number>(cap);
        if (bulk) rb.pushAll(items);
        else for (const i of items) rb.push(i);
        expect(rb.toArray()).toEqual(items.slice(-cap));
        expect(rb.size).toBe(Math.min(cap, items.length));
      }),
    );
  });

  it('bumps its version on every change, and replaceRecent only replaces within lookBack', () => {
    const rb = new RingBuffer<{ k: number; v: string }>(4);
    for (let k = 0; k < 6; k++) rb.push({ k, v: 'a' });
    const v0 = rb.version;
    expect(rb.replaceRecent((x) => x.k === 2, { k: 2, v: 'b' }, 1)).toBe(false);
    expect(rb.version).toBe(v0);
    expect(rb.replaceRecent((x) => x.k === 2, { k: 2, v: 'b' })).toBe(true);
    expect(rb.version).toBeGreaterThan(v0);
    expect(rb.toArray().map((x) => x.v)).toEqual(['b', 'a', 'a', 'a']);
    rb.clear();
    expect(rb.toArray()).toEqual([]);
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
    expect(() => new RingBuffer(2.5)).toThrow(/positive integer/);
  });
});
