/**
 * The webhook sink under faults (issue 10), against real receivers on loopback: a slow one, one that
 * resets connections, one that never answers (shutdown deadline), and a real `streamscope run`
 * child receiving two SIGINTs. Nothing accepted may vanish: every result is delivered, or in the
 * dead-letter file with its reason and key, and counted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineMetrics } from '../src-main/engine/metrics/engine-metrics';
import { systemClock } from '../src-main/engine/time/clock';
import { SinkStage } from '../src-main/engine/stages/sink-stage';
import { WebhookSink, type WebhookDeadLetter } from '../src-main/engine/sinks/webhook-sink';
import type { WindowResult } from '../src-shared/types';
import { windowResult } from './support/window-result';

const result = (i: number, emittedAt = 0): WindowResult =>
  windowResult(`sensor-${i % 5}`, i * 1000, { count: i, sum: i, avg: 1, min: 1, max: 1, emittedAt });
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => result(from + i));

interface Receiver {
  url: string;
  /** Every request: its Idempotency-Key and result counts. */
  requests: Array<{ key: string | undefined; counts: number[] }>;
  close(): Promise<void>;
}

/** A loopback receiver; `answer` handles each request after its body was read. */
async function receiver(answer: (req: IncomingMessage, res: ServerResponse, n: number) => void): Promise<Receiver> {
  const requests: Receiver['requests'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { results: WindowResult[] };
      requests.push({ key: req.headers['idempotency-key'] as string | undefined, counts: body.results.map((r) => r.count) });
      answer(req, res, requests.length);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function deadLetters(path: string): Promise<WebhookDeadLetter[]> {
  if (!existsSync(path)) return [];
  return (await readFile(path, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as WebhookDeadLetter);
}

/** sha256 of the results' JSON without emittedAt, written out here independently of the sink. */
function expectedKey(results: WindowResult[]): string {
  const json = JSON.stringify(results.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'emittedAt'))));
  return createHash('sha256').update(json).digest('hex');
}

let dir: string;
const receivers: Receiver[] = [];
/** Child processes of this file: killed after each test even when it timed out. */
const children: ChildProcess[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'webhook-faults-'));
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  await rm(dir, { recursive: true, force: true });
});
async function start(answer: Parameters<typeof receiver>[0]): Promise<Receiver> {
  const r = await receiver(answer);
  receivers.push(r);
  return r;
}

describe('Idempotency-Key', () => {
  it('is the sha256 of the batch without emittedAt, the same on every retry', async () => {
    const r = await start((_q, res, n) => {
      res.statusCode = n < 3 ? 503 : 200;
      res.end();
    });
    const sink = new WebhookSink({ url: r.url, retries: 3, minBackoffMs: 1, maxBackoffMs: 2 });
    const batch = [result(1, 111), result(2, 222)];
    await sink.write(batch);
    await sink.close();
    expect(r.requests).toHaveLength(3);
    const key = expectedKey(batch);
    expect(r.requests.map((q) => q.key)).toEqual([key, key, key]);
    expect(expectedKey([result(1, 999), result(2, 0)])).toBe(key);
  });
});

describe('a slow receiver', () => {
  it('gets every result exactly once, in growing batches, never a re-send (default timeout)', async () => {
    const r = await start((_q, res) => {
      setTimeout(() => res.end('ok'), 400);
    });
    const sink = new WebhookSink({ url: r.url, flushIntervalMs: 0, batchMaxResults: 500 });
    const writes = 30;
    for (let i = 0; i < writes; i++) {
      await sink.write(range(i * 10, 10));
      await new Promise((res) => setTimeout(res, 20));
    }
    await sink.close();
    const delivered = r.requests.flatMap((q) => q.counts);
    expect(delivered).toEqual(range(0, writes * 10).map((x) => x.count));
    // One request in flight at a time: while it waits, later writes gather into the next batch.
    expect(r.requests.length).toBeLessThan(writes);
    expect(sink.stats()).toMatchObject({ sent: writes * 10, retries: 0, failedBatches: 0 });
  }, 30_000);
});

describe('a receiver that resets connections', () => {
  it('retries with the same key, then dead-letters with the reason and counts it in /metrics', async () => {
    const r = await start((req) => req.socket.destroy());
    const metrics = new EngineMetrics();
    const dl = join(dir, 'webhook-dead-letter.jsonl');
    const sink = new WebhookSink({ url: r.url, retries: 2, minBackoffMs: 1, maxBackoffMs: 5, deadLetterPath: dl }, { metrics });
    await sink.write(range(0, 7));
    await sink.close();
    const [line, ...rest] = await deadLetters(dl);
    expect(rest).toHaveLength(0);
    expect(line).toMatchObject({ reason: 'retries_exhausted', attempts: 3, idempotencyKey: expectedKey(range(0, 7)) });
    expect(line.results.map((x) => x.count)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(new Set(r.requests.map((q) => q.key)).size).toBe(1);
    const text = await metrics.registry.metrics();
    expect(text).toContain('streamscope_sink_dead_lettered_results_total{component="webhook",reason="retries_exhausted"} 7');
  }, 20_000);
});

describe('shutdown deadline', () => {
  it('close() against a receiver that never answers ends at the deadline; everything is dead-lettered with its key', async () => {
    const r = await start(() => {
      /* never answer */
    });
    const metrics = new EngineMetrics();
    const dl = join(dir, 'dl.jsonl');
    const sink = new WebhookSink(
      { url: r.url, batchMaxResults: 5, flushIntervalMs: 0, shutdownTimeoutMs: 300, timeoutMs: 60_000, deadLetterPath: dl },
      { metrics },
    );
    await sink.write(range(0, 5));
    await sink.write(range(5, 12));
    await sink.close();
    const lines = await deadLetters(dl);
    expect(lines.flatMap((l) => l.results.map((x) => x.count)).sort((a, b) => a - b)).toEqual(range(0, 17).map((x) => x.count));
    for (const l of lines) {
      expect(l.reason).toBe('shutdown_deadline');
      expect(l.idempotencyKey).toBe(expectedKey(l.results));
    }
    // The batch that was in flight is kept with the key the receiver saw.
    expect(lines.map((l) => l.idempotencyKey)).toContain(r.requests[0].key);
    expect(await metrics.registry.metrics()).toContain('streamscope_sink_dead_lettered_results_total{component="webhook",reason="shutdown_deadline"} 17');
  }, 20_000);

  it('the host signal cuts the deadline short, and later writes are dead-lettered at once', async () => {
    const r = await start(() => {});
    const dl = join(dir, 'dl.jsonl');
    const deadline = new AbortController();
    const sink = new WebhookSink({ url: r.url, flushIntervalMs: 0, shutdownTimeoutMs: 600_000, timeoutMs: 600_000, deadLetterPath: dl }, { shutdownSignal: deadline.signal });
    await sink.write(range(0, 3));
    while (r.requests.length === 0) await new Promise((res) => setTimeout(res, 5));
    const closing = sink.close();
    deadline.abort();
    await closing;
    expect((await deadLetters(dl)).flatMap((l) => l.results.map((x) => x.count))).toEqual([0, 1, 2]);
  }, 20_000);
});

describe('each batch counted against itself (issue 15)', () => {
  it('a lost batch is counted as failed and the next, delivered, as sent', async () => {
    const r = await start((_q, res, n) => {
      res.statusCode = n === 1 ? 422 : 200;
      res.end();
    });
    const metrics = new EngineMetrics();
    const sink = new WebhookSink({ url: r.url, flushIntervalMs: 0 }, { metrics });
    const stage = new SinkStage(sink, { maxEvents: 1000, policy: 'block' }, metrics, systemClock, () => {});
    await stage.offer(range(0, 4));
    while (r.requests.length < 1) await new Promise((res) => setTimeout(res, 5));
    await new Promise((res) => setTimeout(res, 50));
    await stage.offer(range(4, 6));
    await stage.close();
    const sinkRow = metrics.snapshot().sinks.find((s) => s.name === 'webhook')!;
    expect(sinkRow.sentResults).toBe(6);
    const text = await metrics.registry.metrics();
    expect(text).toContain('streamscope_component_errors_total{component="webhook",kind="sink",reason="not_retryable"} 4');
    expect(text).not.toContain('reason="write_failed"');
    expect(text).toContain('streamscope_sink_dead_lettered_results_total{component="webhook",reason="lost"} 4');
  }, 20_000);
});

describe('streamscope run and two SIGINTs', () => {
  it('the second SIGINT ends a shutdown stuck on a silent receiver; every result emitted is in the dead-letter file', async () => {
    const r = await start(() => {
      /* never answer */
    });
    const BIN = join(import.meta.dirname, '..', 'bin', 'streamscope.mjs');
    const child = spawn(
      process.execPath,
      [BIN, 'run', '--rate', '3000', '--window', 'tumbling:200ms', '--no-console', '--webhook', r.url, '--metrics-port', '0', '--shutdown-timeout', '10m'],
      { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    children.push(child);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const t0 = Date.now();
      while (r.requests.length === 0) {
        if (Date.now() - t0 > 30_000) throw new Error(`no request reached the receiver:\n${stderr}`);
        await new Promise((res) => setTimeout(res, 50));
      }
      child.kill('SIGINT');
      await new Promise((res) => setTimeout(res, 500));
      expect(child.exitCode).toBeNull(); // still shutting down (the deadline is 10 minutes)
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    const emitted = Number(/windows emitted: (\d+)/.exec(stderr)?.[1]);
    expect(emitted).toBeGreaterThan(0);
    const lines = await deadLetters(join(dir, 'webhook-dead-letter.jsonl'));
    const kept = lines.reduce((n, l) => n + l.results.length, 0);
    expect(kept).toBe(emitted);
    expect(lines.some((l) => l.reason === 'shutdown_deadline')).toBe(true);
  }, 90_000);
});
