/**
 * The bench's output: rows (one per contender × workload, plus end-to-end, memory and renderer
 * rows), the issue's targets with whether each is met, a readable table for stdout and
 * `bench/results.json`. The bench asserts nothing: a missed target is reported, not an error.
 */

/** One line of the report. Rates in events/s, memory in MB. */
export interface BenchRowReport {
  name: string;
  workload: string;
  keys?: number;
  /** Median over the rounds; null when every round failed. */
  eventsPerSec: number | null;
  /** Median peak RSS over the rounds (whole child process, workload included). */
  peakRssMB: number | null;
  /** Median peak RSS minus RSS before the timed part (what the run itself added). */
  rssGrowthMB?: number | null;
  ratioToNaive: number | null;
  ratioToFloor: number | null;
  /** Median wall time of a whole-process row, ms (the DuckDB comparison). */
  timeMs?: number | null;
  /** Median CPU time (user + system) of a whole-process row, ms. */
  cpuMs?: number | null;
  /** Events/s of every successful round. */
  rounds?: number[];
  ok: boolean;
  error?: string;
  note?: string;
}

/** One of the issue's targets. */
export interface TargetReport {
  id: string;
  description: string;
  value: number | null;
  target: string;
  /** null when it could not be measured (row failed or skipped). */
  met: boolean | null;
}

/** The whole report, as written to bench/results.json. */
export interface BenchReport {
  generatedAt: string;
  mode: 'full' | 'quick';
  machine: { cpus: string; cores: number; memGB: number; node: string; platform: string; loadAvg: number[] };
  settings: Record<string, unknown>;
  rows: BenchRowReport[];
  targets: TargetReport[];
}

/** Formats events/s compactly: 1.23 M, 456 k. */
export function fmtRate(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)} M`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(0)} k`;
  return v.toFixed(0);
}

function fmtNum(v: number | null | undefined, digits = 1, suffix = ''): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${v.toFixed(digits)}${suffix}`;
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

/** The report as a plain-text table (rows grouped by workload) followed by the targets. */
export function renderTable(r: BenchReport): string {
  const head = ['workload', 'keys', 'contender', 'events/s', 'peak RSS', 'growth', '× naive', '× floor', 'note'];
  const lines: string[][] = [head];
  for (const row of r.rows) {
    lines.push([
      row.workload,
      row.keys === undefined ? '' : String(row.keys),
      row.name,
      fmtRate(row.eventsPerSec),
      fmtNum(row.peakRssMB, 0, ' MB'),
      fmtNum(row.rssGrowthMB, 0, ' MB'),
      fmtNum(row.ratioToNaive, 2, '×'),
      fmtNum(row.ratioToFloor, 2, '×'),
      row.ok ? row.note ?? '' : `FAILED: ${row.error ?? ''}${row.note ? ` (${row.note})` : ''}`,
    ]);
  }
  const widths = head.map((_, i) => Math.max(...lines.map((l) => (i === head.length - 1 ? 0 : l[i].length))));
  const numeric = new Set([1, 3, 4, 5, 6, 7]);
  const out: string[] = [];
  let prev = '';
  for (const [i, l] of lines.entries()) {
    if (i > 0 && l[0] !== prev) out.push('');
    prev = i > 0 ? l[0] : prev;
    out.push(l.map((c, j) => (j === head.length - 1 ? c : pad(c, widths[j], numeric.has(j)))).join('  ').trimEnd());
  }
  out.push('', 'Targets (issues 5 and 13, 9 and 14):');
  for (const t of r.targets) {
    const mark = t.met === null ? 'n/a ' : t.met ? 'MET ' : 'MISS';
    out.push(`  [${mark}] ${t.description}: ${t.value === null ? '—' : fmtNum(t.value, 2)} (target ${t.target})`);
  }
  return out.join('\n');
}
