/**
 * The bench's DuckDB contender computes the same windows as `streamscope process` (issue 13): on a
 * small generated NDJSON file, both outputs agree per window and key (count, sum, min, max, avg,
 * alertCount), and both agree with a plain loop over the events written here.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { duckdbWorkloadSpec } from '../bench/duckdb/compare';
import { duckdbTumbling } from '../bench/duckdb/query';
import { diffResults } from '../bench/duckdb/same-results';
import { generateWorkload, keyName, toNdjsonLines } from '../bench/lib/workload';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'streamscope.mjs');
const installed = (() => {
  try {
    createRequire(import.meta.url).resolve('@duckdb/node-api');
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!installed)('bench: DuckDB contender (needs the @duckdb/node-api devDependency)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamscope-duckdb-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const spec = { ...duckdbWorkloadSpec(30_000, 300), stepMs: 7 };
  const w = generateWorkload(spec);
  const input = join(dir, 'events.ndjson');
  writeFileSync(input, toNdjsonLines(w));

  for (const [flag, ms] of [
    ['tumbling:60s', 60_000],
    ['tumbling:1s', 1000],
  ] as const) {
    it(`same results as streamscope process and as a plain loop, ${flag}`, { timeout: 60_000 }, async () => {
      const ours = join(dir, `streamscope-${ms}.jsonl`);
      const theirs = join(dir, `duckdb-${ms}.jsonl`);
      await run(process.execPath, [BIN, 'process', '--input', input, '--window', flag, '--max-out-of-orderness', `${spec.jitterMs}ms`, '--output', ours]);
      const rows = await duckdbTumbling({ input, output: theirs, windowMs: ms, alertThreshold: 80 });
      expect(await diffResults(ours, theirs)).toEqual([]);

      // Independent expectation: group the generated columns by window and key.
      const want = new Map<string, { count: number; sum: number; alertCount: number }>();
      for (let i = 0; i < spec.events; i++) {
        const k = `${Math.floor(w.timestamps[i] / ms) * ms} ${keyName(w.keyIndex[i])}`;
        const e = want.get(k) ?? { count: 0, sum: 0, alertCount: 0 };
        e.count++;
        e.sum += w.values[i];
        if (w.values[i] > 80) e.alertCount++;
        want.set(k, e);
      }
      expect(rows).toBe(want.size);
      const got = readFileSync(theirs, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { windowStart: number; sensorId: string; count: number; sum: number; alertCount: number });
      expect(got).toHaveLength(want.size);
      for (const r of got) expect({ count: r.count, sum: r.sum, alertCount: r.alertCount }).toEqual(want.get(`${r.windowStart} ${r.sensorId}`));
    });
  }
});
