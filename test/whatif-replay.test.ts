import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { StreamEvent, WhatIfSettings, WindowResult, WindowSpec } from '../src-shared/types';
import { EventHistory } from '../src-main/engine/history/event-history';
import { Pipeline } from '../src-main/engine/pipeline';
import { replayHistory } from '../src-main/engine/whatif/replay';
import { runWhatIf, whatIfJsonLines } from '../src-main/engine/whatif/what-if';
import { eventsArb, optsArb, specArb } from './support/window-arbitraries';

/** Event times far from 0, as real epoch milliseconds (the file decoder reads them as ms). */
const BASE = 1_700_000_000_000;
const dir = mkdtempSync(join(tmpdir(), 'streamscope-whatif-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;

const strip = (rs: WindowResult[]) => rs.map(({ emittedAt: _ignored, ...rest }) => rest);
const shifted = (events: StreamEvent[]) => events.map((e) => ({ ...e, timestamp: e.timestamp + BASE }));

function writeNdjson(events: StreamEvent[]): string {
  const file = join(dir, `in-${fileNo++}.jsonl`);
  writeFileSync(file, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  return file;
}

/** `streamscope process`'s pipeline (same config as the CLI builds), in process. */
async function processPipeline(file: string, s: WhatIfSettings): Promise<{ results: WindowResult[]; late: number }> {
  const p = new Pipeline({
    source: { type: 'file', path: file },
    window: s.window,
    timeMode: 'event',
    maxOutOfOrdernessMs: s.maxOutOfOrdernessMs,
    allowedLatenessMs: s.allowedLatenessMs,
    alertThreshold: s.alertThreshold,
    queues: { ingress: { maxEvents: 65_536, policy: 'block' }, sink: { maxEvents: 65_536, policy: 'block' } },
    sinks: [],
    metrics: false,
  });
  const results: WindowResult[] = [];
  let late = 0;
  p.onResults((b) => results.push(...b));
  p.onLate((b) => (late += b.length));
  await p.start();
  await p.done;
  return { results, late };
}

async function whatIfOf(h: EventHistory, s: WhatIfSettings): Promise<{ results: WindowResult[]; late: number }> {
  const results: WindowResult[] = [];
  const run = await replayHistory(h, s, { onResults: (b) => results.push(...b), sliceMs: 1 });
  return { results, late: run.lateEvents };
}

function historyOf(events: StreamEvent[], cuts: number[], maxEvents = 1_000_000): EventHistory {
  const h = new EventHistory({ maxEvents });
  let from = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < events.length).sort((a, b) => a - b), events.length]) {
    h.record(events.slice(from, cut));
    from = cut;
  }
  return h;
}

describe('what-if replay equals streamscope process over the same events', () => {
  it('all window kinds, out-of-order, late and duplicate input, any recording batches, a ring that overwrote', async () => {
    await fc.assert(
      fc.asyncProperty(eventsArb, specArb, optsArb, fc.array(fc.nat(120), { maxLength: 6 }), fc.nat(40), async (raw, window, opts, cuts, evicted) => {
        const events = shifted(raw);
        const s: WhatIfSettings = { window, ...opts };
        // The ring keeps only the newest events: the what-if equals process over what it kept.
        const keep = Math.max(1, events.length - evicted);
        const h = historyOf(events, cuts, keep);
        const kept = events.slice(events.length - Math.min(keep, events.length));
        const expected = await processPipeline(writeNdjson(kept), s);
        const got = await whatIfOf(h, s);
        expect(strip(got.results)).toEqual(strip(expected.results));
        expect(got.late).toBe(expected.late);
      }),
      { numRuns: 200 },
    );
  }, 60_000);

  it('equals the real CLI `streamscope process` output, line for line, for each window kind', async () => {
    const events: StreamEvent[] = [];
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 3000; i++) {
      // Mostly increasing, up to 3 s out of order, now and then 20 s late.
      const lag = rnd() < 0.02 ? 20_000 : rnd() * 3000;
      events.push({ sensorId: `s${Math.floor(rnd() * 7)}`, timestamp: BASE + i * 50 - Math.round(lag), value: Math.round(rnd() * 100) });
    }
    const file = writeNdjson(events);
    const h = historyOf(events, [1000, 1001, 2500]);
    const kinds: Array<[WindowSpec, string]> = [
      [{ kind: 'tumbling', sizeMs: 5000 }, 'tumbling:5s'],
      [{ kind: 'hopping', sizeMs: 10_000, slideMs: 2000 }, 'hopping:10s:2s'],
      [{ kind: 'session', gapMs: 1500 }, 'session:1500ms'],
    ];
    const bin = join(import.meta.dirname, '..', 'bin', 'streamscope.mjs');
    for (const [window, flag] of kinds) {
      const s: WhatIfSettings = { window, alertThreshold: 70, maxOutOfOrdernessMs: 2000, allowedLatenessMs: 5000 };
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [bin, 'process', '--input', file, '--window', flag, '--max-out-of-orderness', '2s', '--allowed-lateness', '5s', '--alert-threshold', '70'],
        { maxBuffer: 64 * 1024 * 1024 },
      );
      const cli = stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as WindowResult);
      const got = await whatIfOf(h, s);
      expect(cli.length).toBeGreaterThan(10);
      expect(strip(got.results)).toEqual(strip(cli));
      // Export writes the same lines.
      const chunks: string[] = [];
      const n = await whatIfJsonLines(h, s, { fromSeq: h.oldestSeq, toSeq: h.nextSeq }, (c) => void chunks.push(c));
      expect(n).toBe(cli.length);
      expect(strip(chunks.join('').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as WindowResult))).toEqual(strip(cli));
    }
  }, 60_000);
});

describe('what-if comparison', () => {
  it('summarizes current vs what-if over the same events', async () => {
    // Two keys, one event per 100 ms for 10 s; key b is above 80 every 5th event; then events 3 s and 7.4 s behind.
    const events: StreamEvent[] = [];
    for (let i = 0; i < 100; i++) {
      events.push({ sensorId: 'a', timestamp: BASE + i * 100, value: 10 });
      events.push({ sensorId: 'b', timestamp: BASE + i * 100, value: i % 5 === 0 ? 90 : 50 });
    }
    events.push({ sensorId: 'a', timestamp: BASE + 6900, value: 1 });
    events.push({ sensorId: 'a', timestamp: BASE + 2500, value: 2 });
    const h = historyOf(events, []);
    const base: WhatIfSettings = { window: { kind: 'tumbling', sizeMs: 1000 }, alertThreshold: 80, maxOutOfOrdernessMs: 0, allowedLatenessMs: 0 };
    const progress: number[] = [];
    const out = await runWhatIf(h, base, { ...base, window: { kind: 'tumbling', sizeMs: 5000 }, alertThreshold: 40, allowedLatenessMs: 5000 }, { sensorId: 'b', onProgress: (d) => progress.push(d) });
    expect(out.current.summary).toMatchObject({ events: 202, windows: 20, alerts: 20, alertWindows: 10, lateEvents: 2, updates: 0, keys: 2, openAtEnd: 2 });
    // 5 s windows, threshold 40: all 100 events of b alert; the event late for [6 s, 7 s) falls in the still open
    // [5 s, 10 s); the one at 2.5 s is within the 5 s allowed lateness of [0, 5 s) and re-emits it as an update.
    expect(out.whatIf.summary).toMatchObject({ events: 202, windows: 4, alerts: 100, alertWindows: 2, lateEvents: 0, updates: 1, openAtEnd: 2 });
    expect(out.whatIf.summary.topKeys.map((k) => [k.sensorId, k.min, k.max])).toEqual([['b', 50, 90], ['a', 1, 10]]);
    expect(out.whatIf.series.sensorId).toBe('b');
    expect(out.whatIf.series.sensor.map((p) => p.windowStart - BASE)).toEqual([0, 5000]);
    expect(out.current.series.alerts).toHaveLength(10);
    expect(progress.at(-1)).toBe(1);
  });

  it('stops when cancelled and when the live writer overwrote what was still to replay', async () => {
    const h = new EventHistory({ maxEvents: 50_000 });
    const batch = Array.from({ length: 50_000 }, (_, i) => ({ sensorId: `k${i % 100}`, timestamp: BASE + i, value: i % 100 }));
    h.record(batch);
    const s: WhatIfSettings = { window: { kind: 'hopping', sizeMs: 1000, slideMs: 10 }, alertThreshold: 50, maxOutOfOrdernessMs: 0, allowedLatenessMs: 0 };
    const ac = new AbortController();
    ac.abort();
    await expect(runWhatIf(h, s, s, { signal: ac.signal })).rejects.toThrow(/abort/i);
    // A writer that laps the reader between slices.
    const lapping = replayHistory(h, s, { sliceMs: 1, yieldToIo: async () => h.record(batch) });
    await expect(lapping).rejects.toThrow(/history overwritten/);
  });
});
