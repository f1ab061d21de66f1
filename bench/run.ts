/**
 * `npm run bench`: the side-by-side benchmark of issue 5. Generates the workload once (seeded),
 * runs every contender on it in its own child process — in turn, alternating, several rounds —
 * and reports median events/s, peak RSS and the ratios to naive and floor; then the end-to-end
 * rows (CLI on NDJSON, HTTP ingest), the memory row and the renderer frame-rate row. Writes a
 * table to stdout and bench/results.json. Asserts nothing: exit code 0 even when a target is missed.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { cliStartupMs, runProcessCli } from './e2e/process-ndjson';
import { runHttpIngest } from './e2e/http-ingest';
import { duckdbComparison } from './duckdb/compare';
import { runClusterTakeover } from './e2e/cluster-takeover';
import { prepareLaunchers, ROOT } from './lib/bundle';
import type { ContenderName } from './lib/contender-types';
import { parseBenchOptions } from './lib/options';
import { fmtRate, renderTable, type BenchReport, type BenchRowReport, type TargetReport } from './lib/report';
import { median, runChild } from './lib/spawn';
import { benchWorkloads, generateWorkload, toNdjsonLines, writeWorkload, type Workload, type WorkloadSpec } from './lib/workload';
import { measureRenderer } from './renderer/fps';
import { runCheckpointBench } from './checkpoint/checkpoint-bench';
import { whatIfRows, whatIfTargets } from './lib/whatif-rows';

const CONTENDER_ORDER: ContenderName[] = ['naive', 'rxjs', 'streamscope', 'streamscope-operator', 'floor'];
const HEAP_MB = 4096;
const NAIVE_MEMORY_HEAP_MB = 1024;

const log = (msg: string): void => void process.stderr.write(`${msg}\n`);

async function main(): Promise<void> {
  const opts = parseBenchOptions(process.argv.slice(2));
  const started = performance.now();
  const dir = join(tmpdir(), `streamscope-bench-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const { launcher, how } = await prepareLaunchers(['bench/contender.ts', 'bench/memory-child.ts', 'bench/e2e/http-child.ts', 'bench/duckdb/duckdb-child.ts', 'bench/duckdb/parse-child.ts', 'bench/whatif-child.ts', 'bench/e2e/live-capacity-child.ts']);
  log(`streamscope bench (${opts.quick ? 'quick' : 'full'}): ${opts.events.toLocaleString('en')} events, ${opts.rounds} rounds; children via ${how}; workload files in ${dir}`);

  const rows: BenchRowReport[] = [];
  const checkpointTargets: TargetReport[] = [];
  const specs = [
    ...benchWorkloads(opts.events, opts.tumblingKeys).filter((s) => s.window.kind === 'tumbling'),
    ...benchWorkloads(opts.events, opts.otherKeys).filter((s) => s.label === 'hopping 10s/1s'),
    ...benchWorkloads(opts.events, opts.dayKeys).filter((s) => s.label === 'hopping 24h/15min'),
    ...benchWorkloads(opts.events, opts.otherKeys).filter((s) => s.window.kind === 'session'),
  ];
  const workloads = new Map<WorkloadSpec, Workload>();
  try {
    // 1. Generate each workload once; every child loads the same file.
    const t = performance.now();
    const files = new Map<WorkloadSpec, string>();
    for (const [i, spec] of specs.entries()) {
      const w = generateWorkload(spec);
      workloads.set(spec, w);
      const file = join(dir, `workload-${i}.bin`);
      writeWorkload(file, w);
      files.set(spec, file);
    }
    log(`workloads generated in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    // 2. Contenders, alternating within each round.
    if (!opts.skip.has('contenders')) {
      const contenders = CONTENDER_ORDER.filter((c) => opts.only === undefined || opts.only.has(c));
      for (const spec of specs) {
        const runs = new Map<ContenderName, Awaited<ReturnType<typeof runChild>>[]>();
        for (let round = 0; round < opts.rounds; round++) {
          const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]);
          for (const name of order) {
            const r = await runChild([`--max-old-space-size=${HEAP_MB}`, ...launcher('bench/contender.ts'), '--contender', name, '--workload', files.get(spec)!], {
              timeoutMs: opts.childTimeoutMs,
              cwd: ROOT,
            });
            runs.set(name, [...(runs.get(name) ?? []), r]);
            log(`  ${spec.label}, ${spec.keys} keys, round ${round + 1}: ${name.padEnd(20)} ${r.ok ? `${fmtRate(r.eventsPerSec ?? null)} ev/s, ${Math.round(r.maxRssMB ?? 0)} MB` : `FAILED ${r.error}`}`);
          }
        }
        const group: BenchRowReport[] = [];
        const countTotals = new Set<string>();
        for (const name of contenders) {
          const rs = runs.get(name) ?? [];
          const good = rs.filter((r) => r.ok && r.eventsPerSec !== undefined);
          for (const r of good) countTotals.add(`${r.rows}/${r.countTotal}`);
          const failed = rs.find((r) => !r.ok);
          group.push({
            name,
            workload: spec.label,
            keys: spec.keys,
            eventsPerSec: good.length > 0 ? median(good.map((r) => r.eventsPerSec!)) : null,
            peakRssMB: good.length > 0 ? median(good.map((r) => r.maxRssMB!)) : failed?.maxRssMB ?? null,
            rssGrowthMB: good.length > 0 ? median(good.map((r) => r.maxRssMB! - r.rssBeforeMB!)) : null,
            ratioToNaive: null,
            ratioToFloor: null,
            rounds: good.map((r) => Math.round(r.eventsPerSec!)),
            ok: good.length > 0,
            error: failed === undefined ? undefined : `${failed.error}${good.length > 0 ? ` (in ${rs.length - good.length} of ${rs.length} rounds)` : ''}`,
            note: good.length > 0 ? `${good[0].rows!.toLocaleString('en')} results` : undefined,
          });
        }
        const naive = group.find((g) => g.name === 'naive')?.eventsPerSec ?? null;
        const floorRate = group.find((g) => g.name === 'floor')?.eventsPerSec ?? null;
        for (const g of group) {
          g.ratioToNaive = g.eventsPerSec !== null && naive ? g.eventsPerSec / naive : null;
          g.ratioToFloor = g.eventsPerSec !== null && floorRate ? g.eventsPerSec / floorRate : null;
          if (countTotals.size > 1) g.note = `${g.note ?? ''} WARNING: contenders disagree on results/counts: ${[...countTotals].join(' vs ')}`.trim();
        }
        rows.push(...group);
      }
    }

    // 3. End to end: the CLI on NDJSON (parsing included), and HTTP ingest.
    const e2eSpec = specs.find((s) => s.window.kind === 'tumbling' && s.keys === Math.max(...opts.tumblingKeys))!;
    const e2eW = workloads.get(e2eSpec)!;
    if (!opts.skip.has('process')) {
      const startup = await cliStartupMs();
      // One row per tumbling key count: parsing dominates with few keys, key lookups with many.
      for (const spec of specs.filter((s) => s.window.kind === 'tumbling')) {
        rows.push(await processRow(spec, workloads.get(spec)!, rows, startup, dir, opts.e2eRounds, opts.childTimeoutMs * 2));
      }
    }
    if (!opts.skip.has('duckdb')) {
      rows.push(
        ...(await duckdbComparison({ events: opts.duckdbEvents, keys: 10_000, rounds: opts.e2eRounds, dir, launcher, timeoutMs: opts.childTimeoutMs * 2, log })),
      );
    }
    if (!opts.skip.has('http')) {
      const httpSpec = { ...e2eSpec, events: Math.min(opts.httpEvents, e2eSpec.events) };
      const httpW: Workload = { ...e2eW, spec: httpSpec };
      const runs = [];
      for (let round = 0; round < opts.e2eRounds; round++) {
        const r = await runHttpIngest(httpW, e2eSpec.windowFlag, launcher, opts.childTimeoutMs * 2);
        log(`  HTTP ingest, round ${round + 1}: ${r.ok ? `${fmtRate(r.eventsPerSec)} ev/s, ${Math.round(r.maxRssMB ?? 0)} MB` : `FAILED ${r.error}`}`);
        runs.push(r);
      }
      const good = runs.filter((r) => r.ok);
      const rate = good.length > 0 ? median(good.map((r) => r.eventsPerSec)) : null;
      rows.push({
        name: 'streamscope HTTP ingest (POST /ingest)',
        workload: `e2e: ${e2eSpec.label}`,
        keys: e2eSpec.keys,
        eventsPerSec: rate,
        peakRssMB: good.length > 0 ? median(good.map((r) => r.maxRssMB ?? 0)) : null,
        ratioToNaive: null,
        ratioToFloor: null,
        rounds: good.map((r) => Math.round(r.eventsPerSec)),
        ok: good.length > 0,
        error: runs.find((r) => !r.ok)?.error,
        note: `${httpSpec.events.toLocaleString('en')} events, NDJSON bodies of 20,000 lines, in order on 1 keep-alive connection, client in another process; server RSS`,
      });
    }

    // 3b. Live capacity: what the app's pipeline sustains with the sim asking 100 M events/s.
    if (!opts.skip.has('live')) {
      for (const keys of [10, 10_000, 1_000_000]) {
        const r = await runChild([...launcher('bench/e2e/live-capacity-child.ts'), '--keys', String(keys), '--measure-ms', String(opts.quick ? 3000 : 5000)], {
          timeoutMs: opts.childTimeoutMs,
          cwd: ROOT,
        });
        log(`  live capacity, ${keys} keys: ${r.ok ? `${fmtRate(r.eventsPerSec ?? null)} ev/s (${r.note})` : `FAILED ${r.error}`}`);
        rows.push({
          name: 'streamscope live (app pipeline, sim at 100 M/s)',
          workload: 'live capacity: tumbling 5 s, block ingress 100k',
          keys,
          eventsPerSec: r.ok ? r.eventsPerSec ?? null : null,
          peakRssMB: r.maxRssMB ?? null,
          ratioToNaive: null,
          ratioToFloor: null,
          ok: r.ok,
          error: r.ok ? undefined : r.error,
          note: r.ok ? `events processed per second of wall time, generation included; ${r.note}` : undefined,
        });
      }
    }

    // 4. Memory: N events of one key in one window.
    if (!opts.skip.has('memory')) {
      for (const name of ['streamscope', 'naive'] as const) {
        // streamscope runs with Node's default heap settings, as the CLI does; naive gets a cap so it cannot take the machine down.
        const heap = NAIVE_MEMORY_HEAP_MB;
        const heapFlags = name === 'naive' ? [`--max-old-space-size=${heap}`] : [];
        const r = await runChild([...heapFlags, '--expose-gc', ...launcher('bench/memory-child.ts'), '--contender', name, '--events', String(opts.memoryEvents)], {
          timeoutMs: opts.childTimeoutMs * 3,
          cwd: ROOT,
        });
        const growth = r.maxRssMB !== undefined && r.rssBeforeMB !== undefined ? r.maxRssMB - r.rssBeforeMB : null;
        log(`  memory, ${name}: ${r.ok ? `growth ${growth?.toFixed(1)} MB, ${fmtRate(r.eventsPerSec ?? null)} ev/s` : `FAILED ${r.error}`}`);
        rows.push({
          name,
          workload: `memory: ${opts.memoryEvents.toLocaleString('en')} events, 1 key, 1 window`,
          keys: 1,
          eventsPerSec: r.ok ? r.eventsPerSec ?? null : null,
          peakRssMB: r.maxRssMB ?? null,
          rssGrowthMB: growth,
          ratioToNaive: null,
          ratioToFloor: null,
          ok: r.ok,
          error: r.ok ? undefined : `${r.error}${r.note ? `, ${r.note}` : ''}`,
          note: `${name === 'naive' ? `--max-old-space-size=${heap}; ` : ''}growth = peak RSS − idle RSS${r.wallMs ? `; ${(r.wallMs / 1000).toFixed(1)} s` : ''}`,
        });
      }
    }

    // 5. What-if (issue 14): recompute speed, memory per retained event, live cost of retention.
    if (!opts.skip.has('whatif')) {
      const liveSpec = specs.find((s) => s.window.kind === 'tumbling' && s.keys === Math.max(...opts.tumblingKeys))!;
      rows.push(
        ...(await whatIfRows(
          { events: opts.whatIfEvents, keys: opts.otherKeys, rounds: Math.max(2, opts.rounds), childTimeoutMs: opts.childTimeoutMs, liveWorkload: files.get(liveSpec)!, liveLabel: liveSpec.label, liveKeys: liveSpec.keys },
          launcher,
          log,
        )),
      );
    }

    // 6. Renderer frame rate with the engine at its top rate.
    if (!opts.skip.has('renderer')) {
      const r = await measureRenderer(1_000_000, opts.rendererMs);
      log(`  renderer: ${r.skipped ? `skipped: ${r.skipped}` : r.ok ? `${r.medianFps?.toFixed(1)} fps median, max frame ${r.maxFrameMs?.toFixed(0)} ms` : `FAILED ${r.error}`}`);
      rows.push({
        name: 'dashboard (web host + headless Chromium)',
        workload: 'renderer at setRate 1,000,000',
        eventsPerSec: r.engineEventsPerSec ?? null,
        peakRssMB: null,
        ratioToNaive: null,
        ratioToFloor: null,
        ok: r.ok,
        error: r.skipped ? `skipped: ${r.skipped}` : r.error,
        note: r.ok ? `${r.medianFps!.toFixed(1)} fps median, ${r.meanFps!.toFixed(1)} fps mean, max frame ${r.maxFrameMs!.toFixed(0)} ms over ${r.frames} frames; events/s = engine's processed rate` : undefined,
      });
      (rows[rows.length - 1] as BenchRowReport & { renderer?: unknown }).renderer = r;
    }
    // 6. Checkpoints (issue 9): throughput on/off, loop stall, 1,000,000 keys' snapshot and recovery.
    if (!opts.skip.has('checkpoint')) {
      const c = await runCheckpointBench(opts.quick, log);
      rows.push(...c.rows);
      checkpointTargets.push(...c.targets);
    }

    // 7. Cluster takeover: an instance killed with 100,000 keys of state in its partition.
    if (!opts.skip.has('cluster')) {
      const keys = 100_000;
      const r = await runClusterTakeover(keys);
      log(`  cluster takeover: ${r.ok ? `${(r.takeoverMs! / 1000).toFixed(2)} s (lease TTL ${r.leaseTtlMs / 1000} s), checkpoint ${(r.checkpointBytes! / 2 ** 20).toFixed(1)} MiB` : `FAILED ${r.error}`}`);
      rows.push({
        name: 'streamscope run --cluster',
        workload: `takeover: instance SIGKILLed, ${keys.toLocaleString('en')} keys in its partition`,
        keys,
        eventsPerSec: null,
        peakRssMB: null,
        ratioToNaive: null,
        ratioToFloor: null,
        ok: r.ok,
        error: r.error,
        note: r.ok
          ? `kill → first result from the new owner ${(r.takeoverMs! / 1000).toFixed(2)} s = lease TTL ${r.leaseTtlMs / 1000} s + checkpoint load (${(r.checkpointBytes! / 2 ** 20).toFixed(1)} MiB), restore, firing`
          : undefined,
      });
      (rows[rows.length - 1] as BenchRowReport & { takeover?: unknown }).takeover = r;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const report: BenchReport = {
    generatedAt: new Date().toISOString(),
    mode: opts.quick ? 'quick' : 'full',
    machine: {
      cpus: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memGB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      loadAvg: loadavg().map((x) => Math.round(x * 100) / 100),
    },
    settings: {
      events: opts.events,
      rounds: opts.rounds,
      tumblingKeys: opts.tumblingKeys,
      otherKeys: opts.otherKeys,
      jitterMs: 2000,
      maxOutOfOrdernessMs: 2000,
      batchEvents: 4096,
      heapMB: HEAP_MB,
      freeMemGBAtEnd: Math.round(freemem() / 2 ** 30),
    },
    rows,
    targets: [...targets(rows), ...checkpointTargets, ...whatIfTargets(rows, opts.whatIfEvents)],
  };
  writeFileSync(join(ROOT, 'bench/results.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(renderTable(report));
  console.log(`\nmachine: ${report.machine.cpus}, ${report.machine.cores} cores, ${report.machine.memGB} GB, node ${report.machine.node}, load ${report.machine.loadAvg.join(' ')}`);
  console.log(`bench/results.json written; ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
}

/** The `streamscope process` row for one workload: the CLI on an NDJSON file of it, `rounds` times. */
async function processRow(spec: WorkloadSpec, w: Workload, rows: BenchRowReport[], startupMs: number, dir: string, rounds: number, timeoutMs: number): Promise<BenchRowReport> {
  const ndjson = join(dir, 'events.ndjson');
  const output = join(dir, 'output.jsonl');
  writeNdjson(ndjson, w);
  const runs = [];
  for (let round = 0; round < rounds; round++) {
    const r = await runProcessCli(ndjson, spec.events, spec.windowFlag, spec.jitterMs, output, timeoutMs);
    log(`  streamscope process (NDJSON), ${spec.keys} keys, round ${round + 1}: ${r.ok ? `${fmtRate(r.eventsPerSec)} ev/s, ${Math.round(r.maxRssMB ?? 0)} MB, ${r.outputLines} output lines` : `FAILED ${r.error}`}`);
    runs.push(r);
  }
  rmSync(ndjson, { force: true });
  rmSync(output, { force: true });
  const good = runs.filter((r) => r.ok);
  const same = (name: string) => rows.find((r) => r.name === name && r.workload === spec.label && r.keys === spec.keys);
  const rate = good.length > 0 ? median(good.map((r) => r.eventsPerSec)) : null;
  const naiveRate = same('naive')?.eventsPerSec;
  const floorRate = same('floor')?.eventsPerSec;
  return {
    name: 'streamscope process (CLI, NDJSON)',
    workload: `e2e: ${spec.label}`,
    keys: spec.keys,
    eventsPerSec: rate,
    peakRssMB: good.length > 0 && good[0].maxRssMB !== undefined ? median(good.map((r) => r.maxRssMB ?? 0)) : null,
    ratioToNaive: rate !== null && naiveRate ? rate / naiveRate : null,
    ratioToFloor: rate !== null && floorRate ? rate / floorRate : null,
    rounds: good.map((r) => Math.round(r.eventsPerSec)),
    ok: good.length > 0,
    error: runs.find((r) => !r.ok)?.error,
    note: `whole run incl. node start (~${(startupMs / 1000).toFixed(1)} s alone), parse, write output.jsonl; ${good[0]?.outputLines.toLocaleString('en') ?? 0} lines (engine row: ${same('streamscope')?.note ?? '?'})`,
  };
}

function writeNdjson(path: string, w: Workload): void {
  const chunk = 200_000;
  writeFileSync(path, '');
  for (let i = 0; i < w.spec.events; i += chunk) writeFileSync(path, toNdjsonLines(w, i, Math.min(w.spec.events, i + chunk)), { flag: 'a' });
}

/** The issue's targets, evaluated on the rows. */
function targets(rows: BenchRowReport[]): TargetReport[] {
  const rate = (name: string, workload: string, keys = 10_000): number | null =>
    rows.find((r) => r.name === name && r.workload === workload && r.keys === keys)?.eventsPerSec ?? null;
  const ratio = (a: number | null, b: number | null): number | null => (a !== null && b !== null && b > 0 ? a / b : null);
  const t = (id: string, description: string, value: number | null, target: string, ok: (v: number) => boolean): TargetReport => ({
    id,
    description,
    value,
    target,
    met: value === null ? null : ok(value),
  });
  const sTumbling = rate('streamscope', 'tumbling 1s');
  const dayKeys = Math.max(0, ...rows.filter((r) => r.workload === 'hopping 24h/15min' && r.ok).map((r) => r.keys ?? 0)) || 10_000;
  const mem = rows.find((r) => r.name === 'streamscope' && r.workload.startsWith('memory'));
  const renderer = (rows.find((r) => r.name.startsWith('dashboard')) as { renderer?: { medianFps?: number; maxFrameMs?: number } } | undefined)?.renderer;
  return [
    t('tumbling-vs-naive', 'streamscope ÷ naive, tumbling 1s, 10,000 keys', ratio(sTumbling, rate('naive', 'tumbling 1s')), '≥ 10', (v) => v >= 10),
    t('tumbling-vs-floor', 'streamscope ÷ floor, tumbling 1s, 10,000 keys', ratio(sTumbling, rate('floor', 'tumbling 1s')), '≥ 0.5', (v) => v >= 0.5),
    t('hopping-10s', 'streamscope hopping 10s/1s ÷ streamscope tumbling 1s (10,000 keys)', ratio(rate('streamscope', 'hopping 10s/1s'), sTumbling), '≥ 0.5', (v) => v >= 0.5),
    t(
      'hopping-24h',
      `streamscope hopping 24h/15min ÷ streamscope tumbling 1s (${dayKeys.toLocaleString('en')} keys)`,
      ratio(rate('streamscope', 'hopping 24h/15min', dayKeys), rate('streamscope', 'tumbling 1s', dayKeys)),
      '≥ 0.5',
      (v) => v >= 0.5,
    ),
    ...rows
      .filter((r) => r.name.startsWith('streamscope process') && r.workload.startsWith('e2e:'))
      .map((r) =>
        t(`process-ndjson-${r.keys}`, `streamscope process on NDJSON, ${(r.keys ?? 0).toLocaleString('en')} keys, events/s (whole CLI run)`, r.eventsPerSec, '≥ 1,000,000', (v) => v >= 1e6),
      ),
    ...['tumbling 60s', 'tumbling 1s'].map((label) => {
      const time = (prefix: string) => rows.find((r) => r.name.startsWith(prefix) && r.workload === `vs DuckDB: ${label}`)?.timeMs ?? null;
      return t(`process-vs-duckdb-${label.split(' ')[1]}`, `streamscope process time ÷ DuckDB (1 thread) time, NDJSON, ${label}, 10,000 keys`, ratio(time('streamscope process'), time('duckdb')), '≤ 1', (v) => v <= 1);
    }),
    t('memory', `peak RSS growth, ${mem?.workload.replace('memory: ', '') ?? 'one key, one window'} (MB)`, mem?.ok ? mem.rssGrowthMB ?? null : null, '< 50', (v) => v < 50),
    t('renderer-fps', 'dashboard median frames/s at rate 1,000,000', renderer?.medianFps ?? null, '≥ 50', (v) => v >= 50),
    t('renderer-max-frame', 'dashboard longest frame (ms)', renderer?.maxFrameMs ?? null, '≤ 100', (v) => v <= 100),
  ];
}

main().catch((e) => {
  console.error(`bench failed: ${(e as Error).stack ?? e}`);
  process.exit(1);
});
