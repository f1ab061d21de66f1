import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', 'bin', 'streamscope.mjs');

/** Starts `streamscope run`, waits for its metrics URL on stderr, and returns helpers. */
async function startRun(args: string[]) {
  const child = spawn(process.execPath, [BIN, 'run', '--metrics-port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /metrics: (http:\/\/[^/\s]+)\/metrics/.exec(stderr);
      if (m) {
        clearInterval(timer);
        resolve(m[1]);
      }
    }, 50);
    void exited.then(() => {
      clearInterval(timer);
      reject(new Error(`exited early: ${stderr}`));
    });
  });
  return { child, url, exited, stderr: () => stderr };
}

async function metricsJson(url: string) {
  return (await (await fetch(`${url}/metrics.json`)).json()) as { eventsReceived: number; eventsProcessed: number; windowsEmitted: number };
}

async function until(check: () => Promise<boolean>, timeoutMs = 30_000) {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('streamscope run', () => {
  it('runs the simulated pipeline, metrics move, SIGTERM flushes every window to the output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-run-'));
    const out = join(dir, 'results.jsonl');
    const run = await startRun(['--rate', '2000', '--window', 'tumbling:300ms', '--no-console', '--output', out]);
    await until(async () => (await metricsJson(run.url)).eventsReceived > 200);
    const text = await (await fetch(`${run.url}/metrics`)).text();
    expect(text).toMatch(/streamscope_events_processed_total \d+/);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    const processed = Number(/events accepted: (\d+)/.exec(run.stderr())![1]);
    const late = Number(/late: (\d+)/.exec(run.stderr())![1]);
    const total = readFileSync(out, 'utf8').trim().split('\n').reduce((a, l) => a + (JSON.parse(l) as { count: number }).count, 0);
    expect(total + late).toBe(processed);
  });

  it('ingests NDJSON over HTTP and answers per-request counts', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ss-run-')), 'http.jsonl');
    const run = await startRun(['--source', 'http', '--no-console', '--output', out, '--window', 'tumbling:1s']);
    const now = Date.now();
    const res = await fetch(`${run.url}/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: `{"sensorId":"x","timestamp":${now},"value":1}\n{"sensorId":"y","timestamp":${now},"value":2}\nnot json\n`,
    });
    expect(await res.json()).toEqual({ accepted: 2, rejected: 1, reasons: { invalid_json: 1 } });
    await until(async () => (await metricsJson(run.url)).eventsReceived === 2);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.stderr()).toMatch(/windows emitted: 2/);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('a config file with an invalid field exits 2 with one line naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-run-'));
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ window: 'tumbling:5s', alertThreshold: 'high' }));
    const child = spawn(process.execPath, [BIN, 'run', '--config', join(dir, 'c.json')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/alertThreshold/);
  });

  it('sink flags add to the config file\'s sinks, and removing every sink is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-run-'));
    const cfg = join(dir, 'c.json');
    writeFileSync(cfg, JSON.stringify({ source: { type: 'sim', rateEventsPerSec: 500 }, window: 'tumbling:200ms', sinks: [{ type: 'file', path: join(dir, 'cfg.jsonl') }] }));
    const run = await startRun(['--config', cfg, '--no-console']);
    await until(async () => (await metricsJson(run.url)).windowsEmitted > 2);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(readFileSync(join(dir, 'cfg.jsonl'), 'utf8').trim().split('\n').length).toBeGreaterThan(2);

    writeFileSync(cfg, JSON.stringify({ sinks: [{ type: 'console' }] }));
    const child = spawn(process.execPath, [BIN, 'run', '--config', cfg, '--no-console'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    expect(await new Promise((r) => child.on('exit', r))).toBe(2);
    expect(stderr).toMatch(/no sink left/);

    // A bad value is named first, even with no sink left (it used to say only "no sink left").
    const bad = spawn(process.execPath, [BIN, 'run', '--no-console', '--metrics-port', '0', '--rate', '-5'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let badErr = '';
    bad.stderr.on('data', (d: Buffer) => (badErr += d.toString()));
    expect(await new Promise((r) => bad.on('exit', r))).toBe(2);
    expect(badErr).toMatch(/rateEventsPerSec.*-5/);
    expect(badErr).not.toMatch(/no sink left/);
  });

  it('exits non-zero when the source fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-run-'));
    const cfg = join(dir, 'c.json');
    writeFileSync(cfg, JSON.stringify({ source: { type: 'mqtt', url: 'mqtt://127.0.0.1:1', topics: ['a'], maxConnectAttempts: 1, connectTimeoutMs: 200 } }));
    const child = spawn(process.execPath, [BIN, 'run', '--config', cfg, '--metrics-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    expect(await new Promise((r) => child.on('exit', r))).toBe(1);
    expect(stderr).toMatch(/source mqtt failed/);
  });
});
