import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AppController } from '../src-main/app/app-controller';
import type { AppConfigShape } from '../src-main/app/config-shape';
import { checkBindPolicy, isLoopbackHost } from '../src-main/web-host/access-policy';
import { resolveStaticPath } from '../src-main/web-host/static-files';
import { startWebHost, type WebHost } from '../src-main/web-host/web-host';
import type { WsServerMessage } from '../src-shared/contract';
import { StubPipeline, result } from './support/app-stub-pipeline';

let dir: string;
let controller: AppController<AppConfigShape>;
let pipeline: StubPipeline;
let host: WebHost;
let secured: WebHost;
const TOKEN = 'a-very-long-test-token-0123456789';

/** Raw HTTP GET without any client-side path normalisation. */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Open a WebSocket; resolves with the socket and a message queue, or rejects with the HTTP status. */
function connect(port: number, opts: { origin?: string; path?: string; headers?: Record<string, string> } = {}) {
  return new Promise<{ ws: WebSocket; next: (pred?: (m: WsServerMessage) => boolean) => Promise<WsServerMessage> }>((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${opts.path ?? '/ws'}`, { origin: opts.origin, headers: opts.headers });
    const inbox: WsServerMessage[] = [];
    const waiters: Array<() => void> = [];
    ws.on('message', (d) => {
      inbox.push(JSON.parse(d.toString()));
      for (const w of waiters.splice(0)) w();
    });
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
    const next = async (pred: (m: WsServerMessage) => boolean = () => true): Promise<WsServerMessage> => {
      for (;;) {
        const i = inbox.findIndex(pred);
        if (i >= 0) return inbox.splice(i, 1)[0];
        await new Promise<void>((r) => waiters.push(r));
      }
    };
    ws.on('open', () => resolve({ ws, next }));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'streamscope-web-'));
  const rendererDir = join(dir, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  await writeFile(join(rendererDir, 'assets', 'app-1234.js'), 'console.log(1)');
  await writeFile(join(rendererDir, 'assets', 'app-1234.css'), 'body{}');
  await writeFile(join(dir, 'secret.txt'), 'secret');
  controller = new AppController<AppConfigShape>({
    transport: 'web',
    dataDir: join(dir, 'data'),
    metrics: false,
    frameIntervalMs: 10,
    createPipeline: (input) => (pipeline = new StubPipeline(input)),
  });
  await controller.init();
  host = await startWebHost({ controller, rendererDir, port: 0 });
  secured = await startWebHost({ controller, rendererDir, port: 0, token: TOKEN });
});

afterAll(async () => {
  await host?.close();
  await secured?.close();
  await controller?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('access policy', () => {
  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.2', 'example.com', '128.0.0.1']) expect(isLoopbackHost(h), h).toBe(false);
  });

  it('refuses a non-loopback bind without --allow-remote and a token', async () => {
    expect(() => checkBindPolicy('0.0.0.0', false, TOKEN)).toThrow(/--allow-remote/);
    expect(() => checkBindPolicy('0.0.0.0', true, undefined)).toThrow(/token/);
    expect(() => checkBindPolicy('0.0.0.0', true, 'short')).toThrow(/16 characters/);
    expect(() => checkBindPolicy('0.0.0.0', true, TOKEN)).not.toThrow();
    await expect(startWebHost({ controller, rendererDir: dir, host: '0.0.0.0', port: 0 })).rejects.toThrow(/--allow-remote/);
  });
});

describe('static files', () => {
  it('serves index.html and assets with content types and the CSP', async () => {
    const index = await get(host.port, '/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['content-security-policy']).toMatch(/default-src 'self'.*script-src 'self'/);
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect((await get(host.port, '/assets/app-1234.js')).headers['content-type']).toMatch(/^text\/javascript/);
    expect((await get(host.port, '/assets/app-1234.css')).headers['content-type']).toMatch(/^text\/css/);
    expect((await get(host.port, '/nope.js')).status).toBe(404);
  });

  it('never serves files outside the renderer directory', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/%00', '/.hidden']) {
      const res = await get(host.port, p);
      expect(res.status, p).toBe(404);
      expect(res.body).not.toContain('secret');
    }
    expect(resolveStaticPath('/srv/r', '/a/../../etc/passwd')).toBeNull();
    expect(resolveStaticPath('/srv/r', '/%E0%A4%A')).toBeNull();
    expect(resolveStaticPath('/srv/r', '/')).toBe('/srv/r/index.html');
  });

  it('refuses foreign Host headers on a loopback bind (DNS rebinding)', async () => {
    expect((await get(host.port, '/', { Host: 'evil.example:80' })).status).toBe(403);
  });

  it('allows only GET and HEAD', async () => {
    const res = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, path: '/', method: 'POST' }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(res).toBe(405);
  });
});

describe('export', () => {
  it('downloads the complete lines of output.jsonl as an attachment', async () => {
    await writeFile(join(dir, 'data', 'output.jsonl'), '{"x":1}\n{"x":2}\n{"x"');
    const res = await get(host.port, '/export/output.jsonl');
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="output.jsonl"');
    expect(res.headers['x-streamscope-lines']).toBe('2');
    expect(res.body).toBe('{"x":1}\n{"x":2}\n');
  });
});

describe('WebSocket contract', () => {
  it('greets, answers commands by id and pushes frames', async () => {
    const { ws, next } = await connect(host.port, { origin: `http://127.0.0.1:${host.port}` });
    try {
      const hello = await next();
      expect('hello' in hello && hello.hello.protocol).toBe(1);
      ws.send(JSON.stringify({ id: 7, cmd: { type: 'setAlertThreshold', alertThreshold: 12 } }));
      const reply = await next((m) => 'id' in m && m.id === 7);
      expect('reply' in reply && reply.reply.ok && reply.reply.status.config.alertThreshold).toBe(12);
      ws.send(JSON.stringify({ id: 8, cmd: { type: 'setRate', rateEventsPerSec: -1 } }));
      const bad = await next((m) => 'id' in m && m.id === 8);
      expect('reply' in bad && !bad.reply.ok && bad.reply.error).toMatch(/rateEventsPerSec/);
      ws.send(JSON.stringify({ id: 9, getStatus: true }));
      const st = await next((m) => 'id' in m && m.id === 9);
      expect('status' in st && st.status.transport).toBe('web');
      ws.send('not json');
      const junk = await next((m) => 'id' in m && m.id === -1);
      expect('reply' in junk && !junk.reply.ok).toBe(true);
      pipeline.emitResults([result(123_000)]);
      const frame = await next((m) => 'frame' in m && m.frame.results.length > 0);
      expect('frame' in frame && frame.frame.results[0].windowStart).toBe(123_000);
    } finally {
      ws.close();
    }
  });

  it('rejects upgrades from another origin or without one', async () => {
    await expect(connect(host.port, { origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await expect(connect(host.port)).rejects.toThrow(/403/);
    await expect(connect(host.port, { origin: `http://127.0.0.1:${host.port}`, path: '/other' })).rejects.toThrow(/404/);
  });
});

describe('token', () => {
  it('requires the token on HTTP (bearer, query or cookie) and WebSocket', async () => {
    expect((await get(secured.port, '/')).status).toBe(401);
    expect((await get(secured.port, '/export/output.jsonl')).status).toBe(401);
    expect((await get(secured.port, '/', { Authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await get(secured.port, '/', { Authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    const viaQuery = await get(secured.port, `/?token=${TOKEN}`);
    expect(viaQuery.status).toBe(200);
    const cookie = String(viaQuery.headers['set-cookie']).split(';')[0];
    expect(cookie).toContain('streamscope_token=');
    expect((await get(secured.port, '/assets/app-1234.js', { Cookie: cookie })).status).toBe(200);
    const origin = `http://127.0.0.1:${secured.port}`;
    await expect(connect(secured.port, { origin })).rejects.toThrow(/401/);
    const { ws, next } = await connect(secured.port, { origin, path: `/ws?token=${TOKEN}` });
    expect('hello' in (await next())).toBe(true);
    ws.close();
  });
});
