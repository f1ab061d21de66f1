import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { MetricsSnapshot } from '../src-shared/types';
import { EngineMetrics } from '../src-main/engine/metrics/engine-metrics';
import { startMetricsServer, type MetricsServer } from '../src-main/engine/metrics/metrics-server';
import { BoundedQueue } from '../src-main/engine/queue/bounded-queue';

const servers: MetricsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(metrics: EngineMetrics, extra?: Parameters<typeof startMetricsServer>[0]['extraRoutes']) {
  const s = await startMetricsServer({ metrics, host: '127.0.0.1', port: 0, extraRoutes: extra });
  servers.push(s);
  return s;
}

describe('metrics server', () => {
  it('serves Prometheus text at /metrics with the registry content type', async () => {
    const m = new EngineMetrics();
    m.received('sim', 'source', 42);
    m.rejected('bad_timestamp', 3);
    const s = await start(m);
    expect(s.url).toBe(`http://127.0.0.1:${s.port}`);
    const res = await fetch(`${s.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(m.registry.contentType);
    const text = await res.text();
    expect(text).toContain('streamscope_component_received_events_total{component="sim",kind="source"} 42');
    expect(text).toContain('streamscope_events_rejected_total{reason="bad_timestamp"} 3');
  });

  it('serves the snapshot at /metrics.json with every MetricsSnapshot field', async () => {
    let t = 10_000;
    const m = new EngineMetrics({ now: () => t });
    m.registerQueue(new BoundedQueue({ name: 'ingress', maxEvents: 8, policy: 'block', now: () => t }));
    m.received('sim', 'source', 30);
    m.watermark(9_000);
    t = 13_000;
    const s = await start(m);
    const res = await fetch(`${s.url}/metrics.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const snap = (await res.json()) as MetricsSnapshot;
    const keys: Array<keyof MetricsSnapshot> = [
      'at', 'uptimeMs', 'eventsReceived', 'eventsProcessed', 'eventsDropped', 'eventsRejected', 'lateEvents',
      'windowsEmitted', 'backpressureEvents', 'sinkErrors', 'rates', 'watermark', 'watermarkLagMs',
      'rejectedByReason', 'queues', 'sources', 'sinks', 'latencySeconds',
    ];
    expect(Object.keys(snap).sort()).toEqual([...keys].sort());
    expect(snap.eventsReceived).toBe(30);
    expect(snap.rates.receivedPerSec).toBe(10);
    expect(snap.watermarkLagMs).toBe(4_000);
    expect(snap.queues[0]).toMatchObject({ name: 'ingress', capacityEvents: 8, policy: 'block' });
  });

  it('answers /healthz and 404/405 as JSON', async () => {
    let t = 0;
    const m = new EngineMetrics({ now: () => t });
    t = 1234;
    const s = await start(m);
    const health = await fetch(`${s.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', uptimeMs: 1234 });
    const missing = await fetch(`${s.url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found' });
    const wrong = await fetch(`${s.url}/metrics`, { method: 'POST' });
    expect(wrong.status).toBe(405);
  });

  it('lets extraRoutes handle a request first', async () => {
    const m = new EngineMetrics();
    const s = await start(m, async (req, res) => {
      if (req.method !== 'POST' || req.url !== '/ingest') return false;
      let body = '';
      for await (const chunk of req) body += chunk;
      res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: body.length }));
      return true;
    });
    const res = await fetch(`${s.url}/ingest`, { method: 'POST', body: 'abc' });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 3 });
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });

  it('turns an extraRoutes failure into a 500 JSON response', async () => {
    const s = await start(new EngineMetrics(), () => {
      throw new Error('boom');
    });
    const res = await fetch(`${s.url}/metrics`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'internal_error', detail: 'boom' });
  });

  it('fails clearly when the port is taken', async () => {
    const blocker = http.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startMetricsServer({ metrics: new EngineMetrics(), port })).rejects.toThrow(
        new RegExp(`127\\.0\\.0\\.1:${port}.*already in use.*--metrics-port`),
      );
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });

  it('refuses a foreign Host header on a loopback bind (DNS rebinding), including for extra routes', async () => {
    let reached = false;
    const s = await start(new EngineMetrics(), () => {
      reached = true;
      return false;
    });
    const status = (path: string, host: string, method = 'GET') =>
      new Promise<number>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: s.port, path, method, headers: { Host: host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(method === 'POST' ? '{"sensorId":"x","timestamp":1,"value":1}\n' : undefined);
      });
    expect(await status('/metrics.json', 'attacker.example:9090')).toBe(403);
    expect(await status('/ingest', 'attacker.example', 'POST')).toBe(403);
    expect(reached).toBe(false);
    expect(await status('/metrics.json', `localhost:${s.port}`)).toBe(200);
    expect(await status('/metrics.json', `127.0.0.1:${s.port}`)).toBe(200);
  });

  it('close() is idempotent and stops listening', async () => {
    const s = await startMetricsServer({ metrics: new EngineMetrics(), port: 0 });
    await s.close();
    await s.close();
    expect(s.server.listening).toBe(false);
  });
});

describe('slow clients', () => {
  it('cuts off a client that never finishes its headers', async () => {
    const { createConnection } = await import('node:net');
    const s = await startMetricsServer({ metrics: new EngineMetrics(), host: '127.0.0.1', port: 0, headersTimeoutMs: 300 });
    servers.push(s);
    const closed = await new Promise<boolean>((resolve) => {
      const sock = createConnection({ host: '127.0.0.1', port: s.port }, () => sock.write('GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n'));
      sock.on('data', () => {});
      sock.on('close', () => resolve(true));
      setTimeout(() => {
        sock.destroy();
        resolve(false);
      }, 10_000).unref();
    });
    expect(closed).toBe(true);
  }, 20_000);
});
