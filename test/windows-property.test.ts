import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StreamEvent, WindowResult, WindowSpec } from '../src-shared/types';
import { createWindowOperator } from '../src-main/engine/windows/create-operator';
import { emptyOutput } from '../src-main/engine/windows/window-operator';
import { finalsOf, reference } from './window-reference';
import { eventsArb, optsArb, specArb } from './support/window-arbitraries';

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
