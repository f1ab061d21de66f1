/** How a bench child process reports back: one stdout line `BENCH_RESULT <json>`. */
import { readFileSync } from 'node:fs';

/** Prefix of the result line. */
export const RESULT_PREFIX = 'BENCH_RESULT ';

/** What a contender child reports. Rates in events/s, memory in MB, times in ms. */
export interface ChildResult {
  ok: boolean;
  /** Why the run failed (crash, exception), when !ok. */
  error?: string;
  eventsPerSec?: number;
  elapsedMs?: number;
  events?: number;
  /** Result rows emitted and the sum of their counts (a cross-check between contenders). */
  rows?: number;
  countTotal?: number;
  /** Peak RSS of the child over its whole life (process.resourceUsage().maxRSS). */
  maxRssMB?: number;
  /** RSS just before the timed part (after loading the workload). */
  rssBeforeMB?: number;
  /** Free-form extra facts (memory row: outcome, events seen before a crash, …). */
  note?: string;
}

/** Prints `r` as the result line. */
export function printResult(r: ChildResult): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(r)}\n`);
}

/**
 * Peak RSS of this process so far, MB. On Linux this reads VmHWM from /proc/self/status: the
 * high-water mark of this process's own address space. `resourceUsage().maxRSS` (getrusage) is not
 * used there because Linux carries the parent's RSS at fork over into the child's ru_maxrss, so a
 * large bench parent would make every child look hundreds of MB bigger than it is.
 */
export function maxRssMB(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux: fall back to getrusage
  }
  return process.resourceUsage().maxRSS / 1024;
}

/** Current RSS of this process, MB. */
export function rssMB(): number {
  return process.memoryUsage().rss / (1024 * 1024);
}
