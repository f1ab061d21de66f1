/** Command-line options of `npm run bench` (`tsx bench/run.ts [options]`). */
import { parseArgs } from 'node:util';

/** Parsed options. Counts in events, times in ms. */
export interface BenchOptions {
  quick: boolean;
  rounds: number;
  /** Rounds of the end-to-end rows (quick: 1). */
  e2eRounds: number;
  events: number;
  /** Key counts for the tumbling workload. */
  tumblingKeys: number[];
  /** Key counts for the hopping 10 s / 1 s and session workloads. */
  otherKeys: number[];
  /** Key counts for the hopping 24 h / 15 min workload (quick: 100 only — with 10,000 keys and few
   * events it emits ~18 results per event, which measures result output, not ingestion). */
  dayKeys: number[];
  /** Events of the memory row (one key, one window). */
  memoryEvents: number;
  /** Events of the DuckDB comparison (10,000 keys). */
  duckdbEvents: number;
  /** Retained events replayed by each what-if recompute row (issue 14). */
  whatIfEvents: number;
  /** Events of the HTTP ingest row. */
  httpEvents: number;
  childTimeoutMs: number;
  rendererMs: number;
  skip: Set<string>;
  only?: Set<string>;
}

/** Usage text. */
export const USAGE = `npm run bench -- [--quick] [--rounds N] [--events N] [--keys 100,10000] [--day-keys 100]
  [--memory-events N] [--duckdb-events N] [--whatif-events N] [--skip contenders,process,duckdb,http,live,memory,whatif,renderer,checkpoint,cluster] [--only naive,rxjs,streamscope,streamscope-operator,floor]`;

/** Parses argv (without node and script). Throws on unknown options. */
export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      events: { type: 'string' },
      keys: { type: 'string' },
      'day-keys': { type: 'string' },
      'memory-events': { type: 'string' },
      'duckdb-events': { type: 'string' },
      'whatif-events': { type: 'string' },
      skip: { type: 'string' },
      only: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick as boolean;
  const num = (v: unknown, d: number): number => {
    if (v === undefined) return d;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`expected a positive integer, got ${JSON.stringify(v)}`);
    return n;
  };
  const keys = values.keys === undefined ? undefined : String(values.keys).split(',').map((k) => num(k, 1));
  return {
    quick,
    rounds: num(values.rounds, quick ? 1 : 3),
    e2eRounds: quick ? 1 : num(values.rounds, 3),
    events: num(values.events, quick ? 300_000 : 5_000_000),
    tumblingKeys: keys ?? [100, 10_000],
    otherKeys: keys ?? (quick ? [10_000] : [100, 10_000]),
    dayKeys: values['day-keys'] !== undefined ? String(values['day-keys']).split(',').map((k) => num(k, 1)) : keys ?? (quick ? [100] : [100, 10_000]),
    memoryEvents: num(values['memory-events'], quick ? 1_000_000 : 10_000_000),
    duckdbEvents: num(values['duckdb-events'], quick ? 300_000 : 1_000_000),
    whatIfEvents: num(values['whatif-events'], quick ? 1_000_000 : 10_000_000),
    httpEvents: quick ? 300_000 : 2_000_000,
    childTimeoutMs: quick ? 25_000 : 300_000,
    rendererMs: quick ? 3000 : 5000,
    skip: new Set(values.skip === undefined ? [] : String(values.skip).split(',')),
    only: values.only === undefined ? undefined : new Set(String(values.only).split(',')),
  };
}
