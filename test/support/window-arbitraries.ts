/** fast-check arbitraries of event streams, window specs and operator options, shared by the window property tests. */
import fc from 'fast-check';
import type { StreamEvent, WindowSpec } from '../../src-shared/types';

const KEYS = ['a', 'b', 'a:b', 'ü-sensor', ' ', ''];

export const eventsArb = fc
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

export const specArb: fc.Arbitrary<WindowSpec> = fc.oneof(
  fc.integer({ min: 1, max: 60 }).map((sizeMs) => ({ kind: 'tumbling' as const, sizeMs })),
  fc
    .tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 5 }))
    .map(([slideMs, k]) => ({ kind: 'hopping' as const, sizeMs: slideMs * k + (k > 2 ? slideMs >> 1 : 0), slideMs })),
  // More than 32 slices per window: fired through the per-key Two-Stacks queues, not by direct merge.
  fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 33, max: 45 })).map(([slideMs, k]) => ({ kind: 'hopping' as const, sizeMs: slideMs * k, slideMs })),
  fc.integer({ min: 1, max: 40 }).map((gapMs) => ({ kind: 'session' as const, gapMs })),
);

export const optsArb = fc.record({
  maxOutOfOrdernessMs: fc.integer({ min: 0, max: 40 }),
  allowedLatenessMs: fc.integer({ min: 0, max: 40 }),
  alertThreshold: fc.integer({ min: 0, max: 100 }),
});

