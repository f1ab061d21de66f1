/**
 * Tumbling and hopping windows with many keys whose set changes over time: slice state grows far past
 * its initial size and key ids are freed and handed to other keys (key-table.ts, slice-state.ts).
 * Results must still match the O(n²) reference key by key, including late and allowed-late events.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StreamEvent, WindowSpec } from '../src-shared/types';
import { KeyTable } from '../src-main/engine/windows/key-table';
import { SliceState } from '../src-main/engine/windows/slice-state';
import { createWindowOperator } from '../src-main/engine/windows/create-operator';
import { emptyOutput } from '../src-main/engine/windows/window-operator';
import { finalsOf, reference } from './window-reference';

/** Deterministic events: phases of 400 time units, each with its own set of keys; jitter up to `jitter`. */
function phasedEvents(seed: number, n: number, keysPerPhase: number, jitter: number): StreamEvent[] {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
  const out: StreamEvent[] = [];
  for (let i = 0; i < n; i++) {
    const t = i * 0.5;
    const phase = Math.floor(t / 400) % 3; // phase 2 brings back phase 0's keys under new ids
    const key = `p${phase === 2 ? 0 : phase}-k${Math.floor(rand() * keysPerPhase)}`;
    out.push({ sensorId: key, timestamp: Math.floor(t - rand() * jitter), value: Math.floor(rand() * 200) - 50 });
  }
  return out;
}

const specArb: fc.Arbitrary<WindowSpec> = fc.oneof(
  fc.integer({ min: 5, max: 60 }).map((sizeMs) => ({ kind: 'tumbling' as const, sizeMs })),
  fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 2, max: 15 })).map(([k, slide]) => ({ kind: 'hopping' as const, sizeMs: slide * k, slideMs: slide })),
  // Over 32 slices per window: the per-key queue path.
  fc.integer({ min: 33, max: 40 }).map((k) => ({ kind: 'hopping' as const, sizeMs: k, slideMs: 1 })),
);

describe('sliced windows with many, changing keys', () => {
  it('match the reference and release all state', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        specArb,
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 60 }),
        (seed, window, ooo, lateness, jitter) => {
          const events = phasedEvents(seed, 2400, 150, jitter);
          const opts = { maxOutOfOrdernessMs: ooo, allowedLatenessMs: lateness, alertThreshold: 70 };
          const op = createWindowOperator({ window, ...opts, now: () => 0 });
          const out = emptyOutput();
          for (let i = 0; i < events.length; i += 97) op.process(events.slice(i, i + 97), 1, out);
          op.advanceWatermark(Infinity, out);
          const ref = reference(events, window, opts);
          expect(out.late.length).toBe(ref.lateCount);
          expect(finalsOf(out.results)).toEqual(ref.finals);
          expect(op.stateSize()).toBe(0);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('KeyTable', () => {
  it('frees an id at its last release and reuses it for another key', () => {
    const t = new KeyTable();
    const a = t.intern('a');
    t.retain(a);
    t.retain(a);
    expect(t.intern('a')).toBe(a);
    t.release(a);
    expect(t.lookup('a')).toBe(a);
    t.release(a);
    expect(t.lookup('a')).toBe(-1);
    expect(t.size).toBe(0);
    const b = t.intern('b');
    expect(b).toBe(a);
    expect(t.keyOf(b)).toBe('b');
  });

  it('grows past its initial capacity', () => {
    const t = new KeyTable();
    const ids = Array.from({ length: 1000 }, (_, i) => t.intern(`k${i}`));
    for (const id of ids) t.retain(id);
    expect(new Set(ids).size).toBe(1000);
    expect(ids.every((id, i) => t.keyOf(id) === `k${i}`)).toBe(true);
  });

  it('gives back the arrays of a key spike once no key has state', () => {
    const t = new KeyTable();
    const ids = Array.from({ length: 5000 }, (_, i) => t.intern(`spike-${i}`));
    for (const id of ids) t.retain(id);
    expect(t.capacity).toBe(5000);
    for (const id of ids) t.release(id);
    expect(t.size).toBe(0);
    expect(t.capacity).toBe(0);
    const id = t.intern('after');
    expect(t.keyOf(id)).toBe('after');
  });
});

describe('SliceState', () => {
  it('finds every key id it holds, past several growths and after reuse', () => {
    const s = new SliceState();
    const ids = Array.from({ length: 70_000 }, (_, i) => i * 7919); // sparse ids, many collisions mod 2^k
    for (const id of ids) s.add(s.insert(id), 1, 0, 0);
    expect(ids.every((id, slot) => s.slotOf(id) === slot && s.idAt(slot) === id)).toBe(true);
    expect(s.slotOf(5)).toBe(-1);
    s.reset();
    expect(s.slotOf(ids[3])).toBe(-1);
    expect(s.insert(42)).toBe(0);
    expect(s.slotOf(42)).toBe(0);
  });

  it('is not worth reusing once a spike-sized slice held few keys', () => {
    const s = new SliceState();
    for (let id = 0; id < 10_000; id++) s.insert(id);
    expect(s.fitsItsUse).toBe(true);
    s.reset();
    s.insert(1);
    expect(s.fitsItsUse).toBe(false);
  });
});
