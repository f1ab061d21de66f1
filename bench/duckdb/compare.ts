/**
 * The DuckDB rows of `npm run bench` (issue 13): one generated NDJSON file (10,000 keys, 1 ms of
 * event time per event, up to 2 s out of order), and for each window (tumbling 60 s, tumbling 1 s)
 * three contenders timed as whole processes, in turn, the order rotating each round:
 * `streamscope process`, DuckDB on one thread (bench/duckdb/query.ts), and a bare readline +
 * JSON.parse loop. Reports the medians, the time ratios streamscope ÷ DuckDB and ÷ parse-only, and
 * whether both wrote the same results (count/sum/min/max/alertCount per window and key).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { countLines, runProcessCli, runTimedNode, type TimedRun } from '../e2e/process-ndjson';
import type { Launcher } from '../lib/bundle';
import type { BenchRowReport } from '../lib/report';
import { median } from '../lib/spawn';
import { generateWorkload, toNdjsonLines, type WorkloadSpec } from '../lib/workload';
import { diffResults } from './same-results';

/** Settings of the comparison. */
export interface DuckdbComparisonOptions {
  events: number;
  keys: number;
  rounds: number;
  /** Folder for the NDJSON file and the outputs (deleted by the caller). */
  dir: string;
  launcher: Launcher;
  timeoutMs: number;
  log: (msg: string) => void;
}

type Who = 'streamscope' | 'duckdb' | 'parse';
const NAMES: Record<Who, string> = {
  streamscope: 'streamscope process (CLI, NDJSON)',
  duckdb: 'duckdb 1 thread (read_json + GROUP BY + COPY json)',
  parse: 'parse-only loop (readline + JSON.parse)',
};
const WINDOWS = [
  { label: 'tumbling 60s', flag: 'tumbling:60s', ms: 60_000 },
  { label: 'tumbling 1s', flag: 'tumbling:1s', ms: 1000 },
];
const ALERT = 80;

/** The workload: the bench's generator with 1 ms of event time per event. */
export function duckdbWorkloadSpec(events: number, keys: number): WorkloadSpec {
  const t0 = 1_700_000_000_000 - (1_700_000_000_000 % 86_400_000);
  return { label: 'duckdb comparison', window: { kind: 'tumbling', sizeMs: 60_000 }, windowFlag: 'tumbling:60s', events, keys, stepMs: 1, jitterMs: 2000, seed: 4242, t0 };
}

/** Runs the comparison; returns three rows per window. */
export async function duckdbComparison(o: DuckdbComparisonOptions): Promise<BenchRowReport[]> {
  const spec = duckdbWorkloadSpec(o.events, o.keys);
  const w = generateWorkload(spec);
  const input = join(o.dir, 'duckdb-events.ndjson');
  writeFileSync(input, '');
  for (let i = 0; i < spec.events; i += 200_000) writeFileSync(input, toNdjsonLines(w, i, Math.min(spec.events, i + 200_000)), { flag: 'a' });
  const out = (who: Who) => join(o.dir, `duckdb-compare-${who}.jsonl`);
  const rows: BenchRowReport[] = [];
  for (const win of WINDOWS) {
    const runs: Record<Who, TimedRun[]> = { streamscope: [], duckdb: [], parse: [] };
    let results = '';
    let equal: string | undefined;
    for (let round = 0; round < o.rounds; round++) {
      const order: Who[] = (['streamscope', 'duckdb', 'parse'] as Who[]).map((_, i, a) => a[(i + round) % a.length]);
      for (const who of order) {
        const r =
          who === 'streamscope'
            ? await runProcessCli(input, spec.events, win.flag, spec.jitterMs, out(who), o.timeoutMs)
            : await runTimedNode(who === 'duckdb' ? [...o.launcher('bench/duckdb/duckdb-child.ts'), input, out(who), String(win.ms), String(ALERT)] : [...o.launcher('bench/duckdb/parse-child.ts'), input], o.timeoutMs);
        runs[who].push(r);
        o.log(`  vs DuckDB, ${win.label}, round ${round + 1}: ${who.padEnd(12)} ${r.ok ? `${(r.wallMs / 1000).toFixed(2)} s (cpu ${((r.cpuMs ?? 0) / 1000).toFixed(2)} s)` : r.skipped ? `skipped: ${r.skipped}` : `FAILED ${r.error}`}`);
      }
      if (round === 0 && runs.streamscope[0].ok && runs.duckdb[0].ok) {
        const diffs = await diffResults(out('streamscope'), out('duckdb'));
        equal = diffs.length === 0 ? 'same results as streamscope' : `RESULTS DIFFER: ${diffs.join('; ')}`;
        results = `${countLines(out('streamscope')).toLocaleString('en')} results`;
        o.log(`  vs DuckDB, ${win.label}: ${equal}`);
      }
    }
    const medWall = (who: Who) => {
      const good = runs[who].filter((r) => r.ok);
      return good.length > 0 ? median(good.map((r) => r.wallMs)) : null;
    };
    const medCpu = (who: Who) => {
      const good = runs[who].filter((r) => r.ok && r.cpuMs !== undefined);
      return good.length > 0 ? median(good.map((r) => r.cpuMs!)) : null;
    };
    const ratio = (a: number | null, b: number | null) => (a !== null && b !== null && b > 0 ? `${(a / b).toFixed(2)}×` : '—');
    for (const who of ['streamscope', 'duckdb', 'parse'] as Who[]) {
      const good = runs[who].filter((r) => r.ok);
      const wall = medWall(who);
      const failed = runs[who].find((r) => !r.ok);
      const parts = [`${wall === null ? '—' : (wall / 1000).toFixed(2)} s wall, ${medCpu(who) === null ? '—' : (medCpu(who)! / 1000).toFixed(2)} s cpu`];
      if (who === 'streamscope') {
        parts.push(`time ÷ duckdb ${ratio(wall, medWall('duckdb'))} (cpu ${ratio(medCpu('streamscope'), medCpu('duckdb'))})`, `÷ parse-only ${ratio(wall, medWall('parse'))}`, results);
      }
      if (who === 'duckdb' && equal !== undefined) parts.push(equal);
      rows.push({
        name: NAMES[who],
        workload: `vs DuckDB: ${win.label}`,
        keys: spec.keys,
        eventsPerSec: wall === null ? null : (spec.events / wall) * 1000,
        peakRssMB: good.length > 0 ? median(good.map((r) => r.maxRssMB ?? 0)) : null,
        ratioToNaive: null,
        ratioToFloor: null,
        rounds: good.map((r) => Math.round((spec.events / r.wallMs) * 1000)),
        ok: good.length > 0,
        error: failed === undefined ? undefined : failed.skipped ? `skipped: ${failed.skipped}` : failed.error,
        note: parts.filter((p) => p !== '').join('; '),
        timeMs: wall,
        cpuMs: medCpu(who),
      });
    }
  }
  for (const who of ['streamscope', 'duckdb'] as Who[]) rmSync(out(who), { force: true });
  rmSync(input, { force: true });
  return rows;
}
