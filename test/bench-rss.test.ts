import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

it("a bench child's peak RSS is its own, not its parent's at fork time", () => {
  // Make this (parent) process large: 400 MB actually touched.
  const ballast = Buffer.alloc(400 * 1024 * 1024, 1);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'print-max-rss.ts')], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const childMB = Number(r.stdout.trim());
  expect(childMB).toBeGreaterThan(10);
  expect(childMB).toBeLessThan(300);
  expect(ballast[ballast.length - 1]).toBe(1);
});
