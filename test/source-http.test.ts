/**
 * HttpIngestSource on a real loopback server (port 0): formats, streaming split across chunk
 * boundaries, limits, auth, and backpressure (held under block, 429 under drop policies).
 */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineMetrics } from '../src-main/engine/metrics/engine-metrics';
import { HttpIngestSource, type HttpIngestDeps, type HttpIngestOptionsInput } from '../src-main/engine/sources/http-ingest-source';
import { JsonValueSplitter } from '../src-main/engine/sources/http-body-splitter';
import { collectingOutput } from './support/collecting-output';

const open: HttpIngestSource[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.stop();
});

const collector = collectingOutput;

async function serve(opts: HttpIngestOptionsInput = {}, deps: HttpIngestDeps = {}, gate?: () => Promise<void> | void) {
  const src = new HttpIngestSource(opts, deps);
  open.push(src);
  const c = collector(gate);
  void src.run(c.out);
  const { url, port } = await src.listen({ host: '127.0.0.1', port: 0 });
  return { src, c, url, port };
}

/** POST `chunks` one write at a time (so the server sees several chunks). */
function post(url: string, chunks: Array<string | Buffer>, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: any; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : null, headers: res.headers }));
    });
    req.on('error', reject);
    (async () => {
      for (const c of chunks) {
        if (req.destroyed) return;
        req.write(c);
        await new Promise((r) => setTimeout(r, 5));
      }
      req.end();
    })();
  });
}

const ev = (k: string, t: number, v: number) => JSON.stringify({ sensorId: k, timestamp: t, value: v });

describe('HttpIngestSource', () => {
  it('accepts NDJSON split at arbitrary chunk boundaries and reports per-request counts', async () => {
    const metrics = new EngineMetrics();
    const { c, url } = await serve({}, { metrics });
    const body = [ev('a', 1, 1), ev('b', 2, 2), '{bad', '', ev('ü-é', 3, 3), JSON.stringify({ sensorId: 'c', timestamp: 4 })].join('\n');
    const buf = Buffer.from(body);
    const chunks = [buf.subarray(0, 7), buf.subarray(7, 31), buf.subarray(31, 70), buf.subarray(70)]; // splits inside multi-byte chars too
    const r = await post(url, chunks, { 'content-type': 'application/x-ndjson' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ accepted: 3, rejected: 2, reasons: { invalid_json: 1, missing_field: 1 } });
    expect(c.events.map((e) => e.sensorId)).toEqual(['a', 'b', 'ü-é']);
    expect(c.rejects.map((d) => d.raw)).toEqual(['{bad', JSON.stringify({ sensorId: 'c', timestamp: 4 })]);
    const s = metrics.snapshot().sources.find((x) => x.name === 'http')!;
    expect(s.bytesIn).toBe(buf.length);
    expect(s.parseErrors).toBe(2);
  });

  it('accepts a JSON array streamed in pieces (strings with brackets, escapes, nesting), and one pretty-printed object', async () => {
    const { c, url } = await serve();
    const arr = JSON.stringify([
      { sensorId: 'x,]"[{', timestamp: 10, value: 1, meta: { a: [1, { b: '}' }] } },
      { sensorId: 'y\\"', timestamp: 11, value: 2 },
      42,
    ]);
    const pieces = arr.match(/.{1,9}/gs)!;
    const r = await post(url, ['  \n', ...pieces], { 'content-type': 'application/json' });
    expect(r.body).toEqual({ accepted: 2, rejected: 1, reasons: { not_an_object: 1 } });
    expect(c.events.map((e) => e.sensorId)).toEqual(['x,]"[{', 'y\\"']);
    const obj = JSON.stringify({ sensorId: 'p', timestamp: 5, value: 7 }, null, 2);
    const r2 = await post(url, [obj.slice(0, 10), obj.slice(10)], { 'content-type': 'application/json' });
    expect(r2.body).toEqual({ accepted: 1, rejected: 0, reasons: {} });
  });

  it('rejects malformed array framing with reasons instead of failing the request', () => {
    const split = (text: string) => {
      const s = new JsonValueSplitter('array');
      return [...s.push(Buffer.from(text)), ...s.end()];
    };
    expect(split('[1,,2]').map((i) => i.kind)).toEqual(['record', 'error', 'record']);
    expect(split('[{"a":1}').map((i) => i.kind)).toEqual(['error']);
    expect(split('[1] x').map((i) => i.kind)).toEqual(['record', 'error']);
    expect(split('[]')).toEqual([]);
    const big = new JsonValueSplitter('array', 10);
    expect([...big.push(Buffer.from('[{"a":"0123456789"},{"b":1}]')), ...big.end()].map((i) => i.kind)).toEqual(['too_large', 'record']);
  });

  it('answers 413 past maxBodyBytes (declared or streamed), 405 for GET, 404 elsewhere', async () => {
    const { c, url, port } = await serve({ maxBodyBytes: 100 });

    const declared = await post(url, ['x'.repeat(200)], { 'content-type': 'application/x-ndjson', 'content-length': '200' });
    expect(declared.status).toBe(413);
    const line = ev('a', 1, 1) + '\n';
    const streamed = await post(url, Array.from({ length: 10 }, () => line), { 'transfer-encoding': 'chunked' });
    expect(streamed.status).toBe(413);
    // All or nothing: the events before the limit was crossed are not accepted either.
    expect(streamed.body.accepted).toBe(0);
    expect(c.events).toHaveLength(0);
    const get = await new Promise<number>((res) => http.get(url, (r) => (r.resume(), res(r.statusCode!))));
    expect(get).toBe(405);
    const other = await post(`http://127.0.0.1:${port}/other`, ['x']);
    expect(other.status).toBe(404);
  });

  it('requires the bearer token when one is configured, and refuses to listen beyond loopback without one', async () => {
    const { c, url } = await serve({ token: 's3cret-token' });
    expect((await post(url, [ev('a', 1, 1)])).status).toBe(401);
    expect((await post(url, [ev('a', 1, 1)], { authorization: 'Bearer wrong-token!' })).status).toBe(401);
    const ok = await post(url, [ev('a', 1, 1)], { authorization: 'Bearer s3cret-token' });
    expect(ok.status).toBe(200);
    expect(c.events).toHaveLength(1);
    const src = new HttpIngestSource();
    await expect(src.listen({ host: '0.0.0.0', port: 0 })).rejects.toThrow(/token/);
  });

  it('holds the request under block backpressure and answers once the engine took the events', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let blocked = true;
    const { c, url } = await serve({}, {}, () => (blocked ? gate : undefined));
    let answered = false;
    const chunks = Array.from({ length: 20 }, (_, i) => ev('k', i, i) + '\n');
    const done = post(url, chunks, { 'content-type': 'application/x-ndjson' }).then((r) => ((answered = true), r));
    while (c.emits() === 0) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 300));
    expect(answered).toBe(false);
    expect(c.emits()).toBe(1); // not reading further while the emit is pending
    blocked = false;
    release();
    const r = await done;
    expect(r.status).toBe(200);
    expect(r.body.accepted).toBe(20);
    expect(c.events).toHaveLength(20);
  });

  it('answers 429 with Retry-After while the ingress queue is saturated under a drop policy', async () => {
    let saturated = true;
    const { c, url } = await serve({ retryAfterSec: 2 }, { isSaturated: () => saturated });
    const r = await post(url, [ev('a', 1, 1)]);
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('2');
    expect(c.events).toHaveLength(0);
    saturated = false;
    expect((await post(url, [ev('a', 1, 1)])).status).toBe(200);
  });

  it('stop() is idempotent, resolves run(), and later requests get 503 when mounted', async () => {
    const src = new HttpIngestSource();
    const running = src.run(collector().out);
    await Promise.all([src.stop(), src.stop()]);
    await expect(running).resolves.toBeUndefined();
    const server = http.createServer((req, res) => void src.handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    expect((await post(`http://127.0.0.1:${port}/ingest`, [ev('a', 1, 1)])).status).toBe(503);
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
});

describe('HTTP ingest from browsers', () => {
  it('refuses a request carrying an Origin header when no token is configured (CSRF, DNS rebinding)', async () => {
    const source = new HttpIngestSource({});
    const events: unknown[] = [];
    const running = source.run({ emit: (b) => void events.push(...b), reject: () => {} });
    const { url } = await source.listen({ host: '127.0.0.1', port: 0 });
    const body = `{"sensorId":"x","timestamp":${Date.now()},"value":1}\n`;
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain', origin: 'http://evil.example' }, body });
    expect(res.status).toBe(403);
    expect(events).toHaveLength(0);
    const plain = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
    expect(plain.status).toBe(200);
    expect(events).toHaveLength(1);
    await source.stop();
    await running;
  });
});
