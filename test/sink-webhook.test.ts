import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WindowResult } from '../src-shared/types';
import { parseRetryAfterMs, WebhookSink, type WebhookDeadLetter } from '../src-main/engine/sinks/webhook-sink';
import { windowResult } from './support/window-result';

const result = (i: number): WindowResult =>
  windowResult(`sensor-${i % 5}`, i * 1000, { count: i, sum: i, avg: 1, min: 1, max: 1, emittedAt: 0 });
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => result(from + i));

interface Received {
  status: number;
  results: WindowResult[];
  contentType: string | undefined;
  header: string | undefined;
}

/** A real loopback HTTP endpoint; `handler` decides each answer (status, or null to hang). */
interface Endpoint {
  url: string;
  requests: number;
  accepted: WindowResult[];
  log: Received[];
  server: Server;
  close(): Promise<void>;
}

type Handler = (n: number, res: ServerResponse) => number | null | 'handled';

async function startEndpoint(handler: Handler): Promise<Endpoint> {
  const ep = { requests: 0, accepted: [] as WindowResult[], log: [] as Received[] } as Endpoint;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      ep.requests += 1;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { results: WindowResult[] };
      const status = handler(ep.requests, res);
      if (status === 'handled') {
        ep.log.push({ status: 0, results: body.results, contentType: req.headers['content-type'], header: undefined });
        return;
      }
      ep.log.push({
        status: status ?? 0,
        results: body.results,
        contentType: req.headers['content-type'],
        header: req.headers['x-token'] as string | undefined,
      });
      if (status === null) return; // hang: never answer
      if (status >= 200 && status < 300) ep.accepted.push(...body.results);
      res.statusCode = status;
      res.end(status >= 400 ? 'nope' : 'ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  ep.server = server;
  ep.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  ep.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return ep;
}

async function waitFor(cond: () => boolean, what: string, upperBoundMs = 10_000): Promise<void> {
  const deadline = Date.now() + upperBoundMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function readDeadLetters(path: string): Promise<WebhookDeadLetter[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as WebhookDeadLetter);
}

let dir: string;
let endpoints: Endpoint[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sink-webhook-'));
  endpoints = [];
});
afterEach(async () => {
  await Promise.all(endpoints.map((e) => e.close()));
  await rm(dir, { recursive: true, force: true });
});
async function endpoint(handler: Handler): Promise<Endpoint> {
  const ep = await startEndpoint(handler);
  endpoints.push(ep);
  return ep;
}

describe('parseRetryAfterMs', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfterMs('3')).toBe(3000);
    expect(parseRetryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfterMs('soon')).toBeUndefined();
    expect(parseRetryAfterMs(null)).toBeUndefined();
  });
});

describe('WebhookSink', { timeout: 30_000 }, () => {
  it('POSTs every result once, in order, in batches of at most batchMaxResults', async () => {
    const ep = await endpoint(() => 200);
    const sink = new WebhookSink({ url: ep.url, batchMaxResults: 100, headers: { 'x-token': 'abc' } });
    for (let i = 0; i < 1234; i += 50) await sink.write(range(i, Math.min(50, 1234 - i)));
    await sink.close();
    expect(ep.accepted.map((r) => r.count)).toEqual(range(0, 1234).map((r) => r.count));
    expect(Math.max(...ep.log.map((l) => l.results.length))).toBeLessThanOrEqual(100);
    expect(ep.log.every((l) => l.contentType === 'application/json' && l.header === 'abc')).toBe(true);
    expect(sink.stats()).toMatchObject({ sent: 1234, failedBatches: 0, deadLettered: 0, retries: 0, buffered: 0 });
  });

  it('sends a partial batch after flushIntervalMs without close()', async () => {
    const ep = await endpoint(() => 200);
    const sink = new WebhookSink({ url: ep.url, batchMaxResults: 500, flushIntervalMs: 10 });
    await sink.write(range(0, 3));
    await waitFor(() => ep.accepted.length === 3, 'the timed flush');
    await sink.close();
    expect(ep.requests).toBe(1);
  });

  it('retries 500s and succeeds, delivering each result exactly once', async () => {
    const ep = await endpoint((n) => (n <= 2 ? 500 : 200));
    const sink = new WebhookSink({ url: ep.url, minBackoffMs: 1, maxBackoffMs: 5, deadLetterPath: join(dir, 'dl.jsonl') });
    await sink.write(range(0, 10));
    await sink.close();
    expect(ep.requests).toBe(3);
    expect(ep.accepted.map((r) => r.count)).toEqual(range(0, 10).map((r) => r.count));
    expect(sink.stats()).toMatchObject({ sent: 10, retries: 2, failedBatches: 0, deadLettered: 0 });
  });

  it('retries 429 (Retry-After honoured, capped at maxBackoffMs)', async () => {
    // Retry-After: 120 s, capped at maxBackoffMs = 300 ms. Without Retry-After the backoff would be
    // full jitter under minBackoffMs = 1 ms, so a gap of at least ~300 ms between the two requests
    // can only come from the header (a lower bound: a slow machine only makes the gap longer).
    const at: number[] = [];
    const ep = await endpoint((n, res) => {
      at.push(performance.now());
      if (n === 1) res.setHeader('retry-after', '120');
      return n === 1 ? 429 : 200;
    });
    const sink = new WebhookSink({ url: ep.url, minBackoffMs: 1, maxBackoffMs: 300 });
    await sink.write(range(0, 4));
    await sink.close();
    expect(ep.requests).toBe(2);
    expect(sink.stats()).toMatchObject({ sent: 4, retries: 1 });
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(290);
    expect(ep.accepted.map((r) => r.count)).toEqual([0, 1, 2, 3]);
  });

  it('dead-letters every result exactly once when the endpoint always fails; write() never rejects', async () => {
    const ep = await endpoint(() => 503);
    const dl = join(dir, 'nested', 'webhook-dead.jsonl');
    const sink = new WebhookSink({
      url: ep.url,
      batchMaxResults: 7,
      retries: 2,
      minBackoffMs: 1,
      maxBackoffMs: 2,
      deadLetterPath: dl,
    });
    const n = 50;
    for (let i = 0; i < n; i += 10) await sink.write(range(i, 10));
    await sink.close();
    const lines = await readDeadLetters(dl);
    const counts = lines.flatMap((l) => l.results.map((r) => r.count)).sort((a, b) => a - b);
    expect(counts).toEqual(range(0, n).map((r) => r.count));
    const batches = lines.length;
    expect(batches).toBeGreaterThanOrEqual(Math.ceil(n / 7));
    for (const l of lines) {
      expect(l).toMatchObject({ reason: 'retries_exhausted', status: 503, attempts: 3 });
      expect(l.error).toMatch(/503/);
    }
    expect(ep.requests).toBe(batches * 3);
    expect(sink.stats()).toMatchObject({ sent: 0, failedBatches: batches, deadLettered: n, retries: batches * 2, lost: 0 });
  });

  it('does not retry other 4xx', async () => {
    const ep = await endpoint(() => 400);
    const dl = join(dir, 'dl.jsonl');
    const sink = new WebhookSink({ url: ep.url, retries: 5, minBackoffMs: 1, deadLetterPath: dl });
    await sink.write(range(0, 5));
    await sink.close();
    expect(ep.requests).toBe(1);
    const [line] = await readDeadLetters(dl);
    expect(line).toMatchObject({ reason: 'not_retryable', status: 400, attempts: 1 });
    expect(line.results).toHaveLength(5);
    expect(sink.stats()).toMatchObject({ retries: 0, failedBatches: 1, deadLettered: 5 });
  });

  it('times out a hanging endpoint and retries it', async () => {
    const ep = await endpoint(() => null);
    const dl = join(dir, 'dl.jsonl');
    const sink = new WebhookSink({ url: ep.url, timeoutMs: 100, retries: 2, minBackoffMs: 1, deadLetterPath: dl });
    await sink.write(range(0, 3));
    await sink.close();
    expect(ep.requests).toBe(3);
    const [line] = await readDeadLetters(dl);
    expect(line.reason).toBe('retries_exhausted');
    expect(line.error).toMatch(/timed out after 100 ms/);
    expect(line.status).toBeUndefined();
    expect(line.results.map((r) => r.count)).toEqual([0, 1, 2]);
  });

  it('retries network errors (connection refused) then dead-letters', async () => {
    const gone = await startEndpoint(() => 200);
    const url = gone.url;
    await gone.close();
    const dl = join(dir, 'dl.jsonl');
    const sink = new WebhookSink({ url, retries: 1, minBackoffMs: 1, deadLetterPath: dl });
    await sink.write(range(0, 2));
    await sink.close();
    const [line] = await readDeadLetters(dl);
    expect(line).toMatchObject({ reason: 'retries_exhausted', attempts: 2 });
    expect(line.error).toMatch(/ECONNREFUSED/);
    expect(sink.stats().retries).toBe(1);
  });

  it('applies backpressure: write() waits while the buffer is full', async () => {
    const held: ServerResponse[] = [];
    const ep = await endpoint((_n, res) => {
      held.push(res);
      return 'handled';
    });
    const sink = new WebhookSink({ url: ep.url, batchMaxResults: 5, maxBufferedResults: 10, flushIntervalMs: 0 });
    await sink.write(range(0, 5)); // in flight
    await waitFor(() => held.length === 1, 'the first request');
    await sink.write(range(5, 5)); // buffered: now 10 held
    let third = false;
    const p = sink.write(range(10, 5)).then(() => {
      third = true;
    });
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(third).toBe(false);
    expect(sink.stats().buffered).toBe(10);
    // Answer requests as they come until everything is through.
    const answer = () => {
      while (held.length) held.shift()!.end('ok');
    };
    answer();
    await p;
    expect(third).toBe(true);
    const closing = sink.close();
    while (ep.log.reduce((s, l) => s + l.results.length, 0) < 15) {
      answer();
      await new Promise((r) => setTimeout(r, 5));
    }
    answer();
    await closing;
    expect(ep.log.flatMap((l) => l.results.map((r) => r.count))).toEqual(range(0, 15).map((r) => r.count));
    expect(sink.stats()).toMatchObject({ sent: 15, buffered: 0 });
  });

  it('without a dead-letter file, reports the loss on close() and counts it', async () => {
    const ep = await endpoint(() => 422);
    const sink = new WebhookSink({ url: ep.url });
    await sink.write(range(0, 4));
    await expect(sink.close()).rejects.toThrow(/4 results lost.*422/);
    expect(sink.stats()).toMatchObject({ lost: 4, failedBatches: 1 });
  });

  it('rejects invalid options', () => {
    expect(() => new WebhookSink({ url: 'ftp://x' })).toThrow(/http/);
    expect(() => new WebhookSink({ url: 'http://127.0.0.1/', minBackoffMs: 10, maxBackoffMs: 5 })).toThrow(/maxBackoffMs/);
  });
});
