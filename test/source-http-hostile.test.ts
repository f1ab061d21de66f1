/**
 * HTTP ingest against hostile bodies (issue 10): invalid UTF-8 gets its own reason, a rejected
 * array is summarised instead of costing one dead letter per element, a body over the limit is
 * all or nothing, and a real `streamscope run --source http` child fed hostile bodies keeps its
 * peak RSS and its dead-letter file within the documented bounds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpIngestSource, type HttpIngestOptionsInput } from '../src-main/engine/sources/http-ingest-source';
import { collectingOutput } from './support/collecting-output';

const open: HttpIngestSource[] = [];
/** Child processes of this file: killed after each test even when it timed out. */
const children: ChildProcess[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.stop()));
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

async function serve(opts: HttpIngestOptionsInput = {}) {
  const src = new HttpIngestSource(opts);
  open.push(src);
  const c = collectingOutput();
  void src.run(c.out);
  const { url } = await src.listen({ host: '127.0.0.1', port: 0 });
  return { c, url };
}

/** POST the chunks (one write each) and parse the JSON answer. */
function post(url: string, chunks: Buffer[], headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: { accepted: number; rejected: number; reasons: Record<string, number> } }>((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

const ev = (k: string, t: number) => JSON.stringify({ sensorId: k, timestamp: t, value: 1 });

describe('invalid UTF-8', () => {
  it('is rejected as invalid_utf8 and dead-lettered, never accepted with a changed key', async () => {
    const { c, url } = await serve();
    const bad = Buffer.concat([Buffer.from('{"sensorId":"bad'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('","timestamp":1,"value":1}\n')]);
    const good = Buffer.from(`${ev('ok', 2)}\n${ev('é-ü', 3)}\n`);
    // Split a valid two-byte character across chunks: that is not an error.
    const split = good.indexOf(0xc3);
    const r = await post(url, [bad, good.subarray(0, split + 1), good.subarray(split + 1)], { 'content-type': 'application/x-ndjson' });
    expect(r.body).toEqual({ accepted: 2, rejected: 1, reasons: { invalid_utf8: 1 } });
    expect(c.events.map((e) => e.sensorId)).toEqual(['ok', 'é-ü']);
    expect(c.rejects).toHaveLength(1);
    expect(c.rejects[0].reason).toBe('invalid_utf8');
  });
});

describe('dead-letter amplification', () => {
  it('a JSON array of a million zeros costs a bounded number of dead letters, each record still counted', async () => {
    const { c, url } = await serve({ maxDeadLettersPerRequest: 10 });
    const n = 1_000_000;
    const body = Buffer.from('[' + '0,'.repeat(n - 1) + '0]');
    const r = await post(url, [body], { 'content-type': 'application/json' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ accepted: 0, rejected: n, reasons: { not_an_object: n } });
    expect(c.rejects.length).toBe(11);
    expect(c.rejects.reduce((a, d) => a + (d.count ?? 1), 0)).toBe(n);
    expect(c.rejects[10].detail).toMatch(/999990 records/);
  }, 30_000);

  it('keeps at most 1 KiB of raw text per dead letter', async () => {
    const { c, url } = await serve();
    const huge = `{"sensorId":"${'x'.repeat(50_000)}","timestamp":"nope","value":1}\n`;
    await post(url, [Buffer.from(huge)], { 'content-type': 'application/x-ndjson' });
    expect(c.rejects).toHaveLength(1);
    expect(c.rejects[0].raw.length).toBe(1024);
    expect(c.rejects[0].detail).toMatch(/cut at 1024 of \d+ characters/);
  });
});

describe('a real run fed hostile bodies', () => {
  it('keeps peak RSS under 300 MB and the dead-letter file within its bound', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-hostile-'));
    const dl = join(dir, 'dead.jsonl');
    const BIN = join(import.meta.dirname, '..', 'bin', 'streamscope.mjs');
    const child = spawn(process.execPath, [BIN, 'run', '--source', 'http', '--metrics-port', '0', '--no-console', '--output', join(dir, 'out.jsonl'), '--dead-letter', dl], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const t0 = Date.now();
      let base: string | undefined;
      while (!(base = /metrics: (http:\/\/[^/\s]+)\/metrics/.exec(stderr)?.[1])) {
        if (Date.now() - t0 > 30_000) throw new Error(`no metrics URL:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const url = `${base}/ingest`;
      // Arrays of a million zeros, ~10 MiB of invalid UTF-8 lines, and ~10 MiB bodies over the limit.
      const zeros = Buffer.from('[' + '0,'.repeat(1_000_000 - 1) + '0]');
      const junkLine = Buffer.concat([Buffer.from('{"sensorId":"'), Buffer.alloc(200, 0xff), Buffer.from('"}\n')]);
      const junk = Buffer.concat(Array.from({ length: Math.floor((10 * 1024 * 1024 - 64) / junkLine.length) }, () => junkLine));
      const over = Buffer.alloc(10 * 1024 * 1024 + 10, 0x20);
      const bodies = [zeros, junk, over, junk, zeros, over, junk];
      for (const b of bodies) {
        const r = await post(url, [b], { 'content-type': b === zeros ? 'application/json' : 'application/x-ndjson', 'transfer-encoding': 'chunked' }).catch(() => ({ status: 0, body: { accepted: 0, rejected: 0, reasons: {} } }));
        expect([200, 413, 0]).toContain(r.status);
      }
      const hwmKb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(hwmKb / 1024).toBeLessThan(300);
      // At most 100 dead letters of ≤ 1 KiB raw each plus one summary per reason, per request.
      const dlBytes = statSync(dl).size;
      expect(dlBytes).toBeLessThan(bodies.length * 100 * 4 * 1024);
      expect(stderr).toMatch(/rejected: \d+ \(.*not_an_object=/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
