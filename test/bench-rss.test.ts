import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

// Make this (parent) process large: 400 MB actually touched, as the bench parent holding a workload.
const ballast = Buffer.alloc(400 * 1024 * 1024, 1);

it("a bench child's peak RSS is its own, not its parent's at fork time", () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'print-max-rss.ts')], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const childMB = Number(r.stdout.trim());
  expect(childMB).toBeGreaterThan(10);
  expect(childMB).toBeLessThan(300);
  expect(ballast[ballast.length - 1]).toBe(1);
});

it("the CLI row's peak RSS (report-rss.mjs preload) is the CLI's own too", () => {
  const preload = join(import.meta.dirname, '..', 'bench', 'e2e', 'report-rss.mjs');
  const r = spawnSync(process.execPath, ['--import', preload, '-e', ''], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const kb = Number(/BENCH_MAXRSS_KB=(\d+)/.exec(r.stderr)?.[1]);
  expect(kb / 1024).toBeGreaterThan(10);
  expect(kb / 1024).toBeLessThan(300);
  expect(ballast[0]).toBe(1);
});
