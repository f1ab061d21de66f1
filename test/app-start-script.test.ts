/**
 * `npm start` where Electron is absent: scripts/start.mjs falls back to the web host, builds the
 * renderer if needed, prints the URL, serves the dashboard, and stops cleanly on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

function electronPresent(): boolean {
  try {
    const p = createRequire(import.meta.url)('electron') as unknown;
    return typeof p === 'string' && existsSync(p);
  } catch {
    return false;
  }
}

it.skipIf(electronPresent())('falls back to the web host and serves the dashboard on loopback', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'streamscope-start-'));
  const child = spawn(process.execPath, [join(root, 'scripts/start.mjs'), '--port', '0', '--data-dir', dataDir, '--no-metrics'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const url = await new Promise<string>((res, rej) => {
      child.stdout.on('data', () => {
        const m = /Streamscope web host: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) res(m[1]);
      });
      void exited.then((code) => rej(new Error(`start.mjs exited with ${code}:\n${out}`)));
    });
    expect(out).toMatch(/starting the web host \(.*(not installed|not downloaded).*\)/);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const health = (await (await fetch(new URL('/healthz', url))).json()) as { ok: boolean; state: string };
    expect(health).toEqual({ ok: true, state: 'running' });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(join(dataDir, 'output.jsonl'))).toBe(true);
    await readFile(join(dataDir, 'output.jsonl'), 'utf8');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  }
});
