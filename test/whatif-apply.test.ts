import { describe, expect, it } from 'vitest';
import type { StreamEvent, WhatIfSettings, WindowResult } from '../src-shared/types';
import type { Source, SourceOutput } from '../src-main/engine/component';
import { EventHistory } from '../src-main/engine/history/event-history';
import { Pipeline } from '../src-main/engine/pipeline';
import { seedFromHistory } from '../src-main/engine/whatif/seed';
import { createWindowOperator } from '../src-main/engine/windows/create-operator';
import { emptyOutput } from '../src-main/engine/windows/window-operator';

const BASE = 1_700_000_000_000;
const strip = (rs: WindowResult[]) => rs.map(({ emittedAt: _ignored, ...rest }) => rest);

/** 3 keys, an event every 10 ms of event time, up to 400 ms out of order, now and then 3 s late. */
function stream(n: number, seed = 1): StreamEvent[] {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: n }, (_, i) => ({
    sensorId: `k${i % 3}`,
    timestamp: BASE + i * 10 - Math.floor(rnd() < 0.01 ? 3000 : rnd() * 400),
    value: Math.floor(rnd() * 100),
  }));
}

/** Emits the first part, waits for `release`, emits the rest, ends. */
class TwoPartSource implements Source {
  readonly name = 'two-part';
  release!: () => void;
  private readonly released = new Promise<void>((r) => (this.release = r));
  constructor(private readonly first: StreamEvent[], private readonly rest: StreamEvent[]) {}
  async run(out: SourceOutput): Promise<void> {
    for (let i = 0; i < this.first.length; i += 500) await out.emit(this.first.slice(i, i + 500));
    await this.released;
    for (let i = 0; i < this.rest.length; i += 500) await out.emit(this.rest.slice(i, i + 500));
  }
  async stop(): Promise<void> {
    this.release();
  }
}

/** The uninterrupted run with `s` from the start: results emitted after the first part, then at end of input. */
function uninterrupted(events: StreamEvent[], split: number, s: WhatIfSettings): WindowResult[] {
  const op = createWindowOperator({ ...s, now: () => 0 });
  const out = emptyOutput();
  op.process(events.slice(0, split), 0, out);
  out.results = [];
  op.process(events.slice(split), 0, out);
  op.advanceWatermark(Infinity, out);
  return out.results;
}

async function applyMidStream(events: StreamEvent[], split: number, from: WhatIfSettings, to: WhatIfSettings, maxEvents = 1_000_000) {
  const history = new EventHistory({ maxEvents });
  const source = new TwoPartSource(events.slice(0, split), events.slice(split));
  const p = new Pipeline(
    { source: { type: 'sim' }, ...from, timeMode: 'event', sinks: [], metrics: false },
    { source, onOperatorInput: (b) => history.record(b) },
  );
  const results: WindowResult[] = [];
  p.onResults((b) => results.push(...b));
  await p.start();
  const deadline = Date.now() + 10_000;
  while (history.nextSeq < split && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  let coverage;
  await p.reconfigure(
    { window: to.window, alertThreshold: to.alertThreshold, maxOutOfOrdernessMs: to.maxOutOfOrdernessMs, allowedLatenessMs: to.allowedLatenessMs },
    {
      seedOperator: async (o) => {
        const seeded = await seedFromHistory(history, o);
        coverage = seeded.coverage;
        return seeded.operator;
      },
    },
  );
  // The old spec's open windows fired at the switch; everything after comes from the seeded operator.
  const cut = results.length;
  source.release();
  await p.done;
  return { after: results.slice(cut), coverage: coverage! };
}

describe('apply a what-if without a gap', () => {
  const from: WhatIfSettings = { window: { kind: 'tumbling', sizeMs: 1000 }, alertThreshold: 80, maxOutOfOrdernessMs: 500, allowedLatenessMs: 0 };
  const targets: WhatIfSettings[] = [
    { window: { kind: 'hopping', sizeMs: 10_000, slideMs: 2000 }, alertThreshold: 50, maxOutOfOrdernessMs: 300, allowedLatenessMs: 2000 },
    { window: { kind: 'tumbling', sizeMs: 30_000 }, alertThreshold: 90, maxOutOfOrdernessMs: 1000, allowedLatenessMs: 0 },
    { window: { kind: 'session', gapMs: 50 }, alertThreshold: 60, maxOutOfOrdernessMs: 500, allowedLatenessMs: 5000 },
    // Only the threshold: the open windows' alert counts are recounted from the history too.
    { window: { kind: 'tumbling', sizeMs: 1000 }, alertThreshold: 30, maxOutOfOrdernessMs: 500, allowedLatenessMs: 0 },
  ];
  for (const to of targets) {
    it(`seeded ${to.window.kind} windows (threshold ${to.alertThreshold}) continue exactly as an uninterrupted run with the new settings`, async () => {
      const events = stream(20_000);
      const split = 12_345;
      const { after, coverage } = await applyMidStream(events, split, from, to);
      const expected = uninterrupted(events, split, to);
      expect(expected.length).toBeGreaterThan(0);
      expect(strip(after)).toEqual(strip(expected));
      expect(coverage).toMatchObject({ seededEvents: split, covered: true, missing: null });
    }, 20_000);
  }

  it('says what is missing when the history does not reach back to the oldest open window', async () => {
    const events = stream(6000, 3);
    const to = targets[1]; // 30 s windows: need about 30 s of history; the ring keeps 2,000 events ≈ 20 s
    const { coverage } = await applyMidStream(events, 5000, from, to, 2000);
    expect(coverage.covered).toBe(false);
    expect(coverage.seededEvents).toBe(2000);
    expect(coverage.missing).toMatch(/were overwritten: the oldest open windows are partial/);
  }, 20_000);
});
