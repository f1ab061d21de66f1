import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AppController } from '../src-main/app/app-controller';
import type { AppConfigShape } from '../src-main/app/config-shape';
import { isLoopbackHost, tokenMatches } from '../src-main/engine/net/access';
import { checkBindPolicy } from '../src-main/web-host/access-policy';
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
function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, method }, (res) => {
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

  it('refuses a non-loopback bind without --allow-remote, and a short token anywhere', async () => {
    expect(() => checkBindPolicy('0.0.0.0', false, TOKEN)).toThrow(/--allow-remote/);
    expect(() => checkBindPolicy('0.0.0.0', true, 'short')).toThrow(/16 characters/);
    expect(() => checkBindPolicy('127.0.0.1', false, 'short')).toThrow(/16 characters/);
    expect(checkBindPolicy('0.0.0.0', true, TOKEN)).toBe(TOKEN);
    await expect(startWebHost({ controller, rendererDir: dir, host: '0.0.0.0', port: 0 })).rejects.toThrow(/--allow-remote/);
  });

  it('generates a different secret per launch when none is given, and prints it in the URL', () => {
    const a = checkBindPolicy('127.0.0.1', false, undefined);
    const b = checkBindPolicy('127.0.0.1', false, undefined);
    expect(a).toHaveLength(32);
    expect(a).not.toBe(b);
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${encodeURIComponent(host.token)}`);
  });

  it('compares tokens whatever their length', () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches(TOKEN, TOKEN.slice(0, -1))).toBe(false);
    expect(tokenMatches(TOKEN, TOKEN + 'x')).toBe(false);
    expect(tokenMatches(TOKEN, undefined)).toBe(false);
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

  it('allows only GET and HEAD, and a state-changing method needs the secret first', async () => {
    expect((await get(host.port, '/', {}, 'POST')).status).toBe(401);
    expect((await get(host.port, '/', { Authorization: `Bearer ${host.token}` }, 'POST')).status).toBe(405);
  });
});

describe('export', () => {
  it('downloads the complete lines of output.jsonl as an attachment', async () => {
    await writeFile(join(dir, 'data', 'output.jsonl'), '{"x":1}\n{"x":2}\n{"x"');
    expect((await get(host.port, '/export/output.jsonl')).status).toBe(401);
    expect((await get(host.port, '/export/other.jsonl')).status).toBe(401);
    const res = await get(host.port, `/export/output.jsonl?token=${host.token}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="output.jsonl"');
    expect(res.headers['x-streamscope-lines']).toBe('2');
    expect(res.body).toBe('{"x":1}\n{"x":2}\n');
  });
});

describe('WebSocket contract', () => {
  it('greets, answers commands by id and pushes frames', async () => {
    const { ws, next } = await connect(host.port, { origin: `http://127.0.0.1:${host.port}`, path: `/ws?token=${host.token}` });
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

  it('rejects upgrades from another origin or without one, even with the secret', async () => {
    const path = `/ws?token=${host.token}`;
    await expect(connect(host.port, { origin: 'http://evil.example', path })).rejects.toThrow(/403/);
    await expect(connect(host.port, { path })).rejects.toThrow(/403/);
    await expect(connect(host.port, { origin: `http://127.0.0.1:${host.port}`, path: '/other' })).rejects.toThrow(/404/);
  });

  it('accepts the https form of its own origin (behind a TLS proxy)', async () => {
    const { ws, next } = await connect(host.port, { origin: `https://127.0.0.1:${host.port}`, path: `/ws?token=${host.token}` });
    expect('hello' in (await next())).toBe(true);
    ws.close();
  });

  it('refuses a loopback client without the secret (any local process could otherwise steer the app)', async () => {
    await expect(connect(host.port, { origin: `http://127.0.0.1:${host.port}` })).rejects.toThrow(/401/);
    await expect(connect(host.port, { origin: `http://127.0.0.1:${host.port}`, path: '/ws?token=wrong' })).rejects.toThrow(/401/);
  });
});

describe('token', () => {
  it('requires the token on export (bearer, query or cookie) and WebSocket', async () => {
    expect((await get(secured.port, '/export/output.jsonl')).status).toBe(401);
    expect((await get(secured.port, '/export/output.jsonl', { Authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await get(secured.port, '/export/output.jsonl', { Authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await get(secured.port, '/?token=wrong')).headers['set-cookie']).toBeUndefined();
    const viaQuery = await get(secured.port, `/?token=${TOKEN}`);
    expect(viaQuery.status).toBe(200);
    const cookie = String(viaQuery.headers['set-cookie']).split(';')[0];
    expect(cookie).toContain('streamscope_token=');
    expect((await get(secured.port, '/export/output.jsonl', { Cookie: cookie })).status).toBe(200);
    const origin = `http://127.0.0.1:${secured.port}`;
    await expect(connect(secured.port, { origin })).rejects.toThrow(/401/);
    const { ws, next } = await connect(secured.port, { origin, path: `/ws?token=${TOKEN}` });
    expect('hello' in (await next())).toBe(true);
    ws.close();
  });

  it('takes the bearer header before the query and the query before the cookie', async () => {
    const cookie = `streamscope_token=${encodeURIComponent(TOKEN)}`;
    const path = '/export/output.jsonl';
    expect((await get(secured.port, `${path}?token=${TOKEN}`, { Authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await get(secured.port, path, { Authorization: `Bearer ${TOKEN}`, Cookie: 'streamscope_token=wrong' })).status).toBe(200);
    expect((await get(secured.port, `${path}?token=wrong`, { Cookie: cookie })).status).toBe(401);
    expect((await get(secured.port, path, { Cookie: `other=1; ${cookie}` })).status).toBe(200);
  });

  it('answers 401, not 500, to a malformed cookie', async () => {
    const res = await get(secured.port, '/export/output.jsonl', { Cookie: 'streamscope_token=%E0%A4%A' });
    expect(res.status).toBe(401);
    expect(res.body).not.toMatch(/URI malformed/);
  });
});

describe('remote bind', () => {
  it('with --allow-remote, accepts any Host but needs the secret for every page', async () => {
    const remote = await startWebHost({ controller, rendererDir: join(dir, 'renderer'), host: '0.0.0.0', port: 0, allowRemote: true, token: TOKEN });
    try {
      expect((await get(remote.port, '/', { Host: 'my-box.lan:8080' })).status).toBe(401);
      expect((await get(remote.port, '/', { Host: 'my-box.lan:8080', Authorization: `Bearer ${TOKEN}` })).status).toBe(200);
      expect((await get(remote.port, '/healthz', { Host: 'my-box.lan:8080' })).status).toBe(200);
      expect(remote.url).toContain(`?token=${TOKEN}`);
    } finally {
      await remote.close();
    }
  });
});

describe('web host arguments', () => {
  it('takes repeatable --input-root folders and no token by default (one is generated at start)', async () => {
    const { parseWebHostArgs } = await import('../src-main/web-host/args');
    const a = parseWebHostArgs(['--input-root', '/data/a', '--input-root', 'b'], {});
    expect(a.inputRoots).toEqual(['/data/a', 'b']);
    expect(a.token).toBeUndefined();
    expect(parseWebHostArgs([], {}).inputRoots).toEqual([]);
  });
});

describe('checkpoints over the WebSocket', () => {
  it('takes a checkpoint on checkpointNow (with the secret) and shows it in the status', async () => {
    const { createEnginePipeline } = await import('../src-main/app/engine-pipeline');
    const dataDir = join(dir, 'ckpt-data');
    const engine = new AppController({ transport: 'web', dataDir, metrics: false, frameIntervalMs: 10, createPipeline: createEnginePipeline, checkpoints: { intervalMs: 0 } });
    await engine.init();
    const web = await startWebHost({ controller: engine, rendererDir: join(dir, 'renderer'), port: 0, token: TOKEN });
    const origin = `http://127.0.0.1:${web.port}`;
    try {
      await expect(connect(web.port, { origin, path: '/ws' })).rejects.toThrow(/401/);
      const { ws, next } = await connect(web.port, { origin, path: `/ws?token=${TOKEN}` });
      try {
        const hello = await next();
        expect('hello' in hello && hello.hello.status.checkpoints).toMatchObject({ dir: join(dataDir, 'checkpoints'), completed: 0, failed: 0 });
        ws.send(JSON.stringify({ id: 1, cmd: { type: 'checkpointNow' } }));
        const reply = await next((m) => 'id' in m && m.id === 1);
        expect('reply' in reply && reply.reply.ok && reply.reply.status.checkpoints).toMatchObject({ completed: 1, last: { epoch: 1 } });
        const frame = await next((m) => 'frame' in m && m.frame.status?.checkpoints?.completed === 1);
        expect('frame' in frame && frame.frame.status?.checkpoints?.last?.bytes).toBeGreaterThan(0);
      } finally {
        ws.close();
      }
    } finally {
      await web.close();
      await engine.close();
    }
  }, 60_000);
});
