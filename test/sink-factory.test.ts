import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConsoleSink } from '../src-main/engine/sinks/console-sink';
import { JsonlFileSink } from '../src-main/engine/sinks/jsonl-file-sink';
import { createSink, sinkConfigSchema } from '../src-main/engine/sinks/sink-factory';
import { WebhookSink } from '../src-main/engine/sinks/webhook-sink';
import { WebSocketSink } from '../src-main/engine/sinks/websocket-sink';

describe('sinkConfigSchema', () => {
  it('fills in the documented defaults', () => {
    expect(sinkConfigSchema.parse({ type: 'webhook', url: 'http://127.0.0.1:9/x' })).toEqual({
      type: 'webhook',
      url: 'http://127.0.0.1:9/x',
      batchMaxResults: 500,
      flushIntervalMs: 200,
      timeoutMs: 30_000,
      retries: 5,
      minBackoffMs: 100,
      maxBackoffMs: 10_000,
      maxBufferedResults: 10_000,
      deadLetterMaxBytes: 64 * 1024 * 1024,
      deadLetterMaxFiles: 4,
      shutdownTimeoutMs: 10_000,
    });
    expect(sinkConfigSchema.parse({ type: 'websocket' })).toEqual({
      type: 'websocket',
      host: '127.0.0.1',
      port: 8081,
      path: '/results',
      maxClientBufferedBytes: 1_048_576,
    });
    expect(sinkConfigSchema.parse({ type: 'file', path: 'out/output.jsonl' })).toEqual({
      type: 'file',
      path: 'out/output.jsonl',
      maxBytes: 0,
      maxFiles: 5,
      append: false,
    });
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

describe('createSink', () => {
  it('builds each kind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sink-factory-'));
    try {
      expect(createSink({ type: 'console' })).toBeInstanceOf(ConsoleSink);
      const file = createSink({ type: 'file', path: join(dir, 'o.jsonl'), name: 'results-file' });
      expect(file).toBeInstanceOf(JsonlFileSink);
      expect(file.name).toBe('results-file');
      await file.close();
      expect(await readFile(join(dir, 'o.jsonl'), 'utf8')).toBe('');
      const hook = createSink({ type: 'webhook', url: 'http://127.0.0.1:9/x' });
      expect(hook).toBeInstanceOf(WebhookSink);
      await hook.close();
      const ws = createSink({ type: 'websocket', port: 0 });
      expect(ws).toBeInstanceOf(WebSocketSink);
      expect((await (ws as WebSocketSink).ready()).url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/results$/);
      await ws.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('throws on an invalid config instead of building a half-configured sink', () => {
    expect(() => createSink({ type: 'webhook', url: 'not a url' } as never)).toThrow(/url/);
  });
});
