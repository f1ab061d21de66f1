import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StreamEvent, WindowResult, WindowSpec } from '../src-shared/types';
import { createWindowOperator } from '../src-main/engine/windows/create-operator';
import { emptyOutput } from '../src-main/engine/windows/window-operator';
import { finalsOf, reference } from './window-reference';

const KEYS = ['a', 'b', 'a:b', 'ü-sensor', ' ', ''];

const eventsArb = fc
  .array(
    fc.record({
      sensorId: fc.constantFrom(...KEYS),
      // Mostly increasing time with jitter; duplicates happen because the domain is small.
      timestamp: fc.integer({ min: 0, max: 300 }),
      value: fc.integer({ min: -50, max: 150 }),
    }),
    { maxLength: 120 },
  )
  .chain((evs) =>
    // Sort most events, leave some out of order: realistic streams are nearly ordered.
    fc.oneof(
      // Fully shuffled (the generator's own order), with duplicates from the small domain.
      fc.constant(evs as StreamEvent[]),
      // Nearly ordered with local swaps, as real streams are.
      fc.array(fc.boolean(), { minLength: evs.length, maxLength: evs.length }).map((swaps) => {
        const sorted = [...evs].sort((x, y) => x.timestamp - y.timestamp);
        for (let i = 1; i < sorted.length; i++) if (swaps[i] && i % 3 === 0) [sorted[i - 1], sorted[i]] = [sorted[i], sorted[i - 1]];
        return sorted as StreamEvent[];
      }),
      // Exact duplicates of whole events (a redelivering source).
      fc.constant([...evs, ...evs.slice(0, evs.length >> 1)] as StreamEvent[]),
    ),
  );

const specArb: fc.Arbitrary<WindowSpec> = fc.oneof(
  fc.integer({ min: 1, max: 60 }).map((sizeMs) => ({ kind: 'tumbling' as const, sizeMs })),
  fc
    .tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 5 }))
    .map(([slideMs, k]) => ({ kind: 'hopping' as const, sizeMs: slideMs * k + (k > 2 ? slideMs >> 1 : 0), slideMs })),
  // More than 32 slices per window: fired through the per-key Two-Stacks queues, not by direct merge.
  fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 33, max: 45 })).map(([slideMs, k]) => ({ kind: 'hopping' as const, sizeMs: slideMs * k, slideMs })),
  fc.integer({ min: 1, max: 40 }).map((gapMs) => ({ kind: 'session' as const, gapMs })),
);

const optsArb = fc.record({
  maxOutOfOrdernessMs: fc.integer({ min: 0, max: 40 }),
  allowedLatenessMs: fc.integer({ min: 0, max: 40 }),
  alertThreshold: fc.integer({ min: 0, max: 100 }),
});

function run(events: StreamEvent[], spec: WindowSpec, opts: { maxOutOfOrdernessMs: number; allowedLatenessMs: number; alertThreshold: number }, cuts: number[]) {
  const op = createWindowOperator({ window: spec, ...opts, now: () => 0 });
  const out = emptyOutput();
  let from = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < events.length).sort((a, b) => a - b), events.length]) {
    op.process(events.slice(from, cut), 0, out);
    from = cut;
  }
  op.advanceWatermark(Infinity, out);
  return out;
}

const strip = (rs: WindowResult[]) => rs.map(({ emittedAt: _ignored, ...rest }) => rest);

describe('window operator against the reference', () => {
  it('final results and late counts match the reference for all window kinds', () => {
    fc.assert(
      fc.property(eventsArb, specArb, optsArb, (events, spec, opts) => {
        const out = run(events, spec, opts, []);
        const ref = reference(events, spec, opts);
        expect(finalsOf(out.results)).toEqual(ref.finals);
        expect(out.late.length).toBe(ref.lateCount);
      }),
      { numRuns: 400 },
    );
  });

  it('results do not depend on how the input is batched', () => {
    fc.assert(
      fc.property(eventsArb, specArb, optsArb, fc.array(fc.nat(120), { maxLength: 8 }), (events, spec, opts, cuts) => {
        const oneByOne = run(events, spec, opts, events.map((_, i) => i));
        const batched = run(events, spec, opts, cuts);
        expect(strip(batched.results)).toEqual(strip(oneByOne.results));
        expect(batched.late.map((l) => l.event)).toEqual(oneByOne.late.map((l) => l.event));
      }),
      { numRuns: 200 },
    );
  });

  it('with no allowed lateness every window is emitted exactly once, never as an update', () => {
    fc.assert(
      fc.property(eventsArb, specArb, optsArb, (events, spec, opts) => {
        const out = run(events, spec, { ...opts, allowedLatenessMs: 0 }, []);
        const ids = out.results.map((r) => JSON.stringify([r.sensorId, r.windowStart, r.windowEnd]));
        expect(new Set(ids).size).toBe(ids.length);
        expect(out.results.every((r) => !r.isUpdate)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('final sessions of one key never overlap', () => {
    fc.assert(
      fc.property(eventsArb, fc.integer({ min: 1, max: 40 }), optsArb, (events, gapMs, opts) => {
        const out = run(events, { kind: 'session', gapMs }, opts, []);
        const byKey = new Map<string, Array<[number, number]>>();
        for (const id of finalsOf(out.results).keys()) {
          const [key, s, e] = JSON.parse(id) as [string, number, number];
          byKey.set(key, [...(byKey.get(key) ?? []), [s, e]]);
        }
        for (const list of byKey.values()) {
          list.sort((x, y) => x[0] - y[0]);
          for (let i = 1; i < list.length; i++) expect(list[i][0]).toBeGreaterThan(list[i - 1][1]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('never fires a window before the watermark reaches its end', () => {
    fc.assert(
      fc.property(eventsArb, specArb, optsArb, (events, spec, opts) => {
        const op = createWindowOperator({ window: spec, ...opts, now: () => 0 });
        for (const e of events) {
          const out = emptyOutput();
          op.process([e], 0, out);
          for (const r of out.results) expect(r.windowEnd).toBeLessThanOrEqual(op.watermark);
        }
      }),
      { numRuns: 200 },
    );
  });
});
