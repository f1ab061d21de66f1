/** createSink: each configured kind is built, works end to end, and invalid configs are refused. */
import { createServer } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { WindowResult } from '../src-shared/types';
import { createSink, sinkConfigSchema } from '../src-main/engine/sinks/sink-factory';
import { windowResult } from './support/window-result';

const results: WindowResult[] = [windowResult('a', 0), windowResult('b', 1000, { count: 3, sum: 9 })];

describe('sinkConfigSchema', () => {
  it('keeps network listeners on loopback unless asked otherwise', () => {
    expect(sinkConfigSchema.parse({ type: 'websocket' })).toMatchObject({ host: '127.0.0.1' });
  });

  it('rejects unknown kinds, unknown fields and bad values, naming the field', () => {
    expect(sinkConfigSchema.safeParse({ type: 'kafka' }).success).toBe(false);
    const typo = sinkConfigSchema.safeParse({ type: 'file', path: 'x', maxbytes: 3 });
    expect(typo.success).toBe(false);
    expect(JSON.stringify(typo.error?.issues)).toContain('maxbytes');
    const port = sinkConfigSchema.safeParse({ type: 'websocket', port: 70_000 });
    expect(port.error?.issues[0].path).toEqual(['port']);
  });
});

describe('createSink builds each kind, and each delivers what it is given', () => {
  it('file: the results as JSON lines at the configured path, under the configured name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sink-factory-'));
    try {
      const file = createSink({ type: 'file', path: join(dir, 'o.jsonl'), name: 'results-file' });
      expect(file.name).toBe('results-file');
      await file.write(results);
      await file.close();
      const lines = (await readFile(join(dir, 'o.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
      expect(lines).toEqual(results);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('console: one readable line per result on stdout', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(String(chunk));
      const cb = rest.find((a) => typeof a === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    });
    try {
      const sink = createSink({ type: 'console' });
      await sink.write(results);
      await sink.close();
    } finally {
      spy.mockRestore();
    }
    const text = lines.join('');
    expect(text).toMatch(/ a count=2 avg=2\.00 min=1\.00 max=3\.00 alerts=0 \(tumbling\)/);
    expect(text).toMatch(/ b count=3 /);
  });

  it('webhook: POSTs the batch to the URL', async () => {
    const got: WindowResult[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push(...(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { results: WindowResult[] }).results);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (server.address() as AddressInfo).port;
      const hook = createSink({ type: 'webhook', url: `http://127.0.0.1:${port}/hook`, flushIntervalMs: 1 });
      await hook.write(results);
      await hook.close();
      expect(got).toEqual(results);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('websocket: pushes results to a connected client', async () => {
    const ws = createSink({ type: 'websocket', port: 0 });
    try {
      const { url } = (await ws.ready!()) as { url: string };
      expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/results$/);
      const client = new WebSocket(url);
      const messages: Array<{ results: WindowResult[] }> = [];
      client.on('message', (d) => messages.push(JSON.parse(String(d))));
      await new Promise<void>((resolve, reject) => {
        client.once('open', () => resolve());
        client.once('error', reject);
      });
      await ws.write(results);
      await vi.waitFor(() => expect(messages.flatMap((m) => m.results)).toEqual(results), { timeout: 10_000 });
      client.close();
    } finally {
      await ws.close();
    }
  });

  it('throws on an invalid config instead of building a half-configured sink', () => {
    expect(() => createSink({ type: 'webhook', url: 'not a url' } as never)).toThrow(/url/);
  });
});
