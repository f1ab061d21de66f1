/**
 * Checkpoint property: snapshotting a window operator at random points of a random stream, encoding
 * the snapshot to bytes, decoding it and restoring it into a fresh operator gives exactly the output
 * of a run without snapshots — same results in the same order (emittedAt aside), same late events —
 * for tumbling, hopping (direct merge and per-key queues) and session windows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StreamEvent, WindowResult, WindowSpec } from '../src-shared/types';
import { decodeState, encodeState } from '../src-main/engine/checkpoint/codec';
import { createWindowOperator } from '../src-main/engine/windows/create-operator';
import { emptyOutput, type OperatorSnapshot } from '../src-main/engine/windows/window-operator';
import { eventsArb, optsArb, specArb } from './support/window-arbitraries';

type Opts = { maxOutOfOrdernessMs: number; allowedLatenessMs: number; alertThreshold: number };

/** Runs the stream in batches split at `cuts`; at each cut in `restoreAt`, continues in a restored copy. */
function run(events: StreamEvent[], spec: WindowSpec, opts: Opts, cuts: number[], restoreAt: Set<number>) {
  let op = createWindowOperator({ window: spec, ...opts, now: () => 0 });
  const out = emptyOutput();
  let from = 0;
  const points = [...new Set(cuts.filter((c) => c > 0 && c < events.length))].sort((a, b) => a - b);
  for (const cut of [...points, events.length]) {
    op.process(events.slice(from, cut), from, out);
    from = cut;
    if (restoreAt.has(cut)) {
      const bytes = encodeState(op.snapshot());
      op = createWindowOperator({ window: spec, ...opts, now: () => 0 });
      op.restore(decodeState(bytes) as OperatorSnapshot);
    }
  }
  op.advanceWatermark(Infinity, out);
  return out;
}

const strip = (rs: WindowResult[]) => rs.map(({ emittedAt: _ignored, ...rest }) => rest);

describe('window operator snapshot and restore', () => {
  it('a restored operator continues exactly as the original, for every window kind', () => {
    fc.assert(
      fc.property(eventsArb, specArb, optsArb, fc.array(fc.nat(180), { maxLength: 10 }), fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }), (events, spec, opts, cuts, pick) => {
        const plain = run(events, spec, opts, cuts, new Set());
        const restoreAt = new Set(cuts.filter((_, i) => pick[i]));
        const restored = run(events, spec, opts, cuts, restoreAt);
        expect(strip(restored.results)).toEqual(strip(plain.results));
        expect(restored.late.map((l) => l.event)).toEqual(plain.late.map((l) => l.event));
      }),
      { numRuns: 400 },
    );
  });

  it('a snapshot is a copy: the operator running on does not change it', () => {
    const spec: WindowSpec = { kind: 'hopping', sizeMs: 40, slideMs: 1 };
    const op = createWindowOperator({ window: spec, maxOutOfOrdernessMs: 5, allowedLatenessMs: 5, alertThreshold: 50, now: () => 0 });
    const out = emptyOutput();
    const evs = (from: number) => Array.from({ length: 50 }, (_, i) => ({ sensorId: `k${i % 7}`, timestamp: from + i, value: i }));
    op.process(evs(0), 0, out);
    const snap = op.snapshot();
    const before = encodeState(snap);
    op.process(evs(50), 0, out);
    expect(Buffer.from(encodeState(snap)).equals(Buffer.from(before))).toBe(true);
  });

  it('refuses a snapshot of another window', () => {
    const a = createWindowOperator({ window: { kind: 'tumbling', sizeMs: 10 }, maxOutOfOrdernessMs: 0, allowedLatenessMs: 0, alertThreshold: 0 });
    const b = createWindowOperator({ window: { kind: 'tumbling', sizeMs: 20 }, maxOutOfOrdernessMs: 0, allowedLatenessMs: 0, alertThreshold: 0 });
    const c = createWindowOperator({ window: { kind: 'session', gapMs: 10 }, maxOutOfOrdernessMs: 0, allowedLatenessMs: 0, alertThreshold: 0 });
    expect(() => b.restore(a.snapshot())).toThrow(/another window/);
    expect(() => c.restore(a.snapshot())).toThrow(/another window/);
  });
});
