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
export interface CliRun {
  ok: boolean;
  error?: string;
  wallMs: number;
  eventsPerSec: number;
  maxRssMB?: number;
  outputLines: number;
}

/** Runs `node [preload] bin/streamscope.mjs process ...` on `ndjsonPath` holding `events` lines. */
export function runProcessCli(ndjsonPath: string, events: number, windowFlag: string, oooMs: number, outPath: string, timeoutMs: number): Promise<CliRun> {
  const args = [
    '--import',
    join(ROOT, 'bench/e2e/report-rss.mjs'),
    join(ROOT, 'bin/streamscope.mjs'),
    'process',
    '--input',
    ndjsonPath,
    '--window',
    windowFlag,
    '--max-out-of-orderness',
    `${oooMs}ms`,
    '--output',
    outPath,
  ];
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-20_000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - t0;
      const m = /BENCH_MAXRSS_KB=(\d+)/.exec(stderr);
      let outputLines = 0;
      try {
        if (statSync(outPath).size > 0) {
          const text = readFileSync(outPath, 'utf8');
          for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) outputLines++;
        }
      } catch {
        /* no output file: reported as 0 lines */
      }
      const ok = code === 0;
      resolve({
        ok,
        error: ok ? undefined : `exit ${code ?? signal}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
        wallMs,
        eventsPerSec: (events / wallMs) * 1000,
        maxRssMB: m ? Number(m[1]) / 1024 : undefined,
        outputLines,
      });
    });
  });
}

/** Wall time of `streamscope --help` (node + tsx start), for context; never subtracted. */
export function cliStartupMs(): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/streamscope.mjs'), '--help'], { cwd: ROOT, stdio: 'ignore' });
    child.on('close', () => resolve(performance.now() - t0));
  });
}
