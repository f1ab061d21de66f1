/**
 * End-to-end row: the real CLI binary, `streamscope process --input FILE.ndjson`, timed from spawn
 * to exit (node start, parsing, windows, writing output.jsonl — nothing subtracted). Peak RSS comes
 * from a passive preload (report-rss.mjs).
 */
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../lib/bundle';

/** One timed run of the CLI. Rates in events/s, memory in MB. */
export interface CliRun extends TimedRun {
  eventsPerSec: number;
  outputLines: number;
}

/** One timed child process: wall time from spawn to exit, its own CPU time (all threads), peak RSS. */
export interface TimedRun {
  ok: boolean;
  error?: string;
  /** Set when the child exited 3 with `BENCH_SKIP=<why>` (a contender that is not installed). */
  skipped?: string;
  wallMs: number;
  /** User + system CPU of the child, ms (from the preload; undefined if it did not report). */
  cpuMs?: number;
  maxRssMB?: number;
}

/** Runs `node --import report-rss.mjs ...args` and times it; never rejects. */
export function runTimedNode(args: string[], timeoutMs: number): Promise<TimedRun> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', join(ROOT, 'bench/e2e/report-rss.mjs'), ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-20_000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - t0;
      const rss = /BENCH_MAXRSS_KB=(\d+)/.exec(stderr);
      const cpu = /BENCH_CPU_MS=([\d.]+)/.exec(stderr);
      const skip = /BENCH_SKIP=(.*)/.exec(stderr);
      const ok = code === 0;
      resolve({
        ok,
        error: ok ? undefined : `exit ${code ?? signal}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
        skipped: code === 3 && skip ? skip[1] : undefined,
        wallMs,
        cpuMs: cpu ? Number(cpu[1]) : undefined,
        maxRssMB: rss ? Number(rss[1]) / 1024 : undefined,
      });
    });
  });
}

/** Lines in a file (0 when it is absent). */
export function countLines(path: string): number {
  let lines = 0;
  try {
    if (statSync(path).size > 0) {
      const text = readFileSync(path, 'utf8');
      for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lines++;
    }
  } catch {
    /* no output file: reported as 0 lines */
  }
  return lines;
}

/** Runs `node [preload] bin/streamscope.mjs process ...` on `ndjsonPath` holding `events` lines. */
export async function runProcessCli(ndjsonPath: string, events: number, windowFlag: string, oooMs: number, outPath: string, timeoutMs: number): Promise<CliRun> {
  const args = [join(ROOT, 'bin/streamscope.mjs'), 'process', '--input', ndjsonPath, '--window', windowFlag, '--max-out-of-orderness', `${oooMs}ms`, '--output', outPath];
  const r = await runTimedNode(args, timeoutMs);
  return { ...r, eventsPerSec: (events / r.wallMs) * 1000, outputLines: countLines(outPath) };
}

/** Wall time of `streamscope --help` (node + tsx start), for context; never subtracted. */
export function cliStartupMs(): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/streamscope.mjs'), '--help'], { cwd: ROOT, stdio: 'ignore' });
    child.on('close', () => resolve(performance.now() - t0));
  });
}
