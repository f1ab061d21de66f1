/**
 * The bench's contenders must compute the same thing, or its ratios mean nothing: on a small
 * generated workload, every contender's (key, window) aggregates — every statistic of
 * AGGREGATE_FIELDS (count, sum, min, max, alert count) — must equal every other's, for each window kind. No timing is asserted.
 */
import { describe, expect, it } from 'vitest';
import { CONTENDERS } from '../bench/contenders/index';
import { AGGREGATE_FIELDS } from '../src-main/engine/windows/aggregate';
import type { BenchRow, ContenderName } from '../bench/lib/contender-types';
import { benchWorkloads, generateWorkload, operatorSettings, readWorkload, toEvents, writeWorkload } from '../bench/lib/workload';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function canonical(rows: BenchRow[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const r of rows) {
    const k = `${r.sensorId}|${r.windowStart}|${r.windowEnd}`;
    if (m.has(k)) throw new Error(`duplicate result for ${k}`);
    m.set(k, AGGREGATE_FIELDS.map((f) => r[f]).join('/'));
  }
  return m;
}

async function runContender(name: ContenderName, specIndex: number, events: number, keys: number): Promise<Map<string, string>> {
  const spec = benchWorkloads(events, [keys])[specIndex];
  const w = generateWorkload(spec);
  const rows: BenchRow[] = [];
  await CONTENDERS[name]({ events: toEvents(w), window: spec.window, ...operatorSettings(spec), batchEvents: 256 }, (b) => rows.push(...b));
  return canonical(rows);
}

describe('bench workload', () => {
  it('is deterministic and round-trips through its binary file', () => {
    const spec = benchWorkloads(1000, [10])[0];
    const a = generateWorkload(spec);
    const b = generateWorkload(spec);
    expect(Array.from(a.timestamps)).toEqual(Array.from(b.timestamps));
    const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
    try {
      writeWorkload(join(dir, 'w.bin'), a);
      const c = readWorkload(join(dir, 'w.bin'));
      expect(c.spec).toEqual(spec);
      expect(Array.from(c.timestamps)).toEqual(Array.from(a.timestamps));
      expect(Array.from(c.keyIndex)).toEqual(Array.from(a.keyIndex));
      expect(Array.from(c.values)).toEqual(Array.from(a.values));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has out-of-order event times within the jitter and values 0..100', () => {
    const w = generateWorkload(benchWorkloads(5000, [50])[0]);
    let inversions = 0;
    for (let i = 1; i < w.timestamps.length; i++) if (w.timestamps[i] < w.timestamps[i - 1]) inversions++;
    expect(inversions).toBeGreaterThan(100);
    expect(Math.max(...w.values)).toBeLessThanOrEqual(100);
  });
});

const ALL: ContenderName[] = ['naive', 'rxjs', 'streamscope', 'streamscope-operator', 'floor'];
// Event counts are small on purpose: the point is equality, not speed (the 24 h / 15 min workload
// puts every event into 96 windows, so it gets fewer).
const WORKLOADS = [
  { index: 0, label: 'tumbling 1s', events: 5000 },
  { index: 1, label: 'hopping 10s/1s', events: 5000 },
  { index: 2, label: 'hopping 24h/15min', events: 1500 },
  { index: 3, label: 'session 5s gap', events: 5000 },
] as const;

describe.each(WORKLOADS)('bench contenders agree: $label', ({ index, events }) => {
  it.each([7, 300])('with %i keys', async (keys) => {
    const reference = await runContender('floor', index, events, keys);
    expect(reference.size).toBeGreaterThan(0);
    let total = 0;
    for (const v of reference.values()) total += Number(v.split('/')[0]);
    const spec = benchWorkloads(events, [keys])[index];
    if (spec.window.kind === 'tumbling' || spec.window.kind === 'session') expect(total).toBe(events);
    for (const name of ALL) {
      const got = await runContender(name, index, events, keys);
      expect({ name, size: got.size }).toEqual({ name, size: reference.size });
      for (const [k, v] of reference) expect({ name, k, v: got.get(k) }).toEqual({ name, k, v });
    }
  });
});
