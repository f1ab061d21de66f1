import { mkdtemp, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppController } from '../src-main/app/app-controller';
import type { AppConfigShape } from '../src-main/app/config-shape';
import { openSnapshot } from '../src-main/app/output-snapshot';
import type { Frame, LogLine } from '../src-shared/contract';
import { StubPipeline, result } from './support/app-stub-pipeline';

let dataDir: string;
let pipelines: StubPipeline[];
let logs: LogLine[];
let controller: AppController<AppConfigShape>;

function makeController(extra: Partial<ConstructorParameters<typeof AppController<AppConfigShape>>[0]> = {}) {
  return new AppController<AppConfigShape>({
    transport: 'web',
    dataDir,
    metrics: false,
    frameIntervalMs: 5,
    createPipeline: (input) => {
      const p = new StubPipeline(input);
      pipelines.push(p);
      return p;
    },
    log: (l) => logs.push(l),
    ...extra,
  });
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'streamscope-app-'));
  pipelines = [];
  logs = [];
  controller = makeController();
});
afterEach(async () => {
  await controller.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('AppController commands', () => {
  it('starts by default with the default config, keeping what output.jsonl held (a restart never truncates)', async () => {
    await writeFile(join(dataDir, 'output.jsonl'), 'old\n');
    await controller.init();
    const s = controller.status();
    expect(s.state).toBe('running');
    expect(s.transport).toBe('web');
    expect(s.config.rateEventsPerSec).toBe(1000);
    expect(s.config.window).toEqual({ kind: 'tumbling', sizeMs: 5000 });
    expect(s.config.alertThreshold).toBe(80);
    expect(s.config.sinks.map((x) => [x.name, x.enabled])).toEqual([
      ['console', false],
      ['file', true],
      ['webhook', false],
      ['websocket', false],
      ['throttled', false],
    ]);
    expect(await readFile(join(dataDir, 'output.jsonl'), 'utf8')).toBe('old\n');
  });

  it('rejects invalid commands with a clear reason and never throws', async () => {
    await controller.init();
    for (const bad of [null, 42, 'start', { type: 'nope' }, { type: 'setRate', rateEventsPerSec: 0 }, { type: 'setRate', rateEventsPerSec: 2e8 }]) {
      const reply = await controller.command(bad);
      expect(reply.ok).toBe(false);
      if (!reply.ok) expect(reply.error).toMatch(/invalid command/);
    }
    const r = await controller.command({ type: 'setRate', rateEventsPerSec: 2e8 });
    expect(!r.ok && r.error).toMatch(/rateEventsPerSec/);
    expect(pipelines[0].reconfigures).toEqual([]);
  });

  it('maps config commands to reconfigure patches', async () => {
    await controller.init();
    const p = pipelines[0];
    expect((await controller.command({ type: 'setRate', rateEventsPerSec: 5000 })).ok).toBe(true);
    expect(p.config.source).toMatchObject({ type: 'sim', rateEventsPerSec: 5000, sensors: 10 });
    await controller.command({ type: 'setWindow', window: { kind: 'hopping', sizeMs: 2000, slideMs: 500 } });
    expect(p.config.window).toEqual({ kind: 'hopping', sizeMs: 2000, slideMs: 500 });
    await controller.command({ type: 'setAlertThreshold', alertThreshold: 42 });
    expect(p.config.alertThreshold).toBe(42);
    const t = await controller.command({ type: 'setTiming', timeMode: 'processing', maxOutOfOrdernessMs: 3000, allowedLatenessMs: 500, idleTimeoutMs: 0 });
    expect(t.ok && t.status.config.timing).toEqual({ timeMode: 'processing', maxOutOfOrdernessMs: 3000, allowedLatenessMs: 500, idleTimeoutMs: 0 });
    const none = await controller.command({ type: 'setTiming' });
    expect(!none.ok && none.error).toMatch(/give at least one/);
    const reply = await controller.command({ type: 'setSink', sink: 'file', enabled: false });
    expect(reply.ok && reply.status.config.sinks.find((s) => s.name === 'file')?.enabled).toBe(false);
    // the engine runs exactly the enabled sinks (no `enabled` field); the app keeps the settings
    expect(p.config.sinks).toEqual([]);
    await controller.command({ type: 'setSink', sink: 'webhook', enabled: true, options: { url: 'http://127.0.0.1:9/x' } });
    const webhook = { type: 'webhook', url: 'http://127.0.0.1:9/x', deadLetterPath: join(dataDir, 'webhook-dead-letter.jsonl') };
    expect(p.config.sinks).toEqual([webhook]);
    const r2 = await controller.command({ type: 'setSink', sink: 'file', enabled: true });
    expect(p.config.sinks).toEqual([
      { type: 'file', path: join(dataDir, 'output.jsonl'), append: true, maxBytes: 100 * 1024 * 1024 },
      webhook,
    ]);
    expect(r2.ok && r2.status.config.sinks.map((x) => [x.name, x.enabled])).toEqual([
      ['console', false],
      ['file', true],
      ['webhook', true],
      ['websocket', false],
      ['throttled', false],
    ]);
    await controller.command({ type: 'setQueue', queue: 'sink', policy: 'drop-oldest' });
    expect(p.config.queues.sink.policy).toBe('drop-oldest');
    expect(p.config.queues.ingress.policy).toBe('block');
  });

  it('refuses setRate when the source has no rate', async () => {
    await controller.init();
    await writeFile(join(dataDir, 'x'), '');
    const reply = await controller.command({ type: 'setSource', source: { type: 'file', path: 'x' } });
    expect(reply.ok, JSON.stringify(reply)).toBe(true);
    const r2 = await controller.command({ type: 'setRate', rateEventsPerSec: 10 });
    expect(r2.ok).toBe(false);
    expect(!r2.ok && r2.error).toMatch(/file source has no rate/);
  });

  it('runs the lifecycle: pause, resume, stop, then start rebuilds a fresh pipeline', async () => {
    await controller.init();
    expect((await controller.command({ type: 'resume' })).ok).toBe(false);
    expect((await controller.command({ type: 'pause' })).ok).toBe(true);
    expect(controller.status().state).toBe('paused');
    expect((await controller.command({ type: 'resume' })).ok).toBe(true);
    await controller.command({ type: 'setRate', rateEventsPerSec: 777 });
    expect((await controller.command({ type: 'stop' })).ok).toBe(true);
    expect(controller.status().state).toBe('stopped');
    const r = await controller.command({ type: 'start' });
    expect(r.ok && r.status.state).toBe('running');
    expect(pipelines).toHaveLength(2);
    expect(pipelines[1].config.source.rateEventsPerSec).toBe(777);
  });

  it('continues without the metrics server when its port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      controller = makeController({ metrics: { host: '127.0.0.1', port } });
      await controller.init();
      expect(controller.status().state).toBe('running');
      expect(controller.status().metricsUrl).toBeUndefined();
      expect(pipelines[0].config.metrics).toBe(false);
      expect(logs.some((l) => l.level === 'warn' && /EADDRINUSE/.test(l.msg))).toBe(true);
    } finally {
      blocker.close();
    }
  });
});

describe('AppController frames', () => {
  it('batches results into frames with the status first, and stops after unsubscribe', async () => {
    await controller.init();
    const frames: Frame[] = [];
    const off = controller.subscribe({ send: (f) => frames.push(f) });
    pipelines[0].emitResults([result(0), result(5000)]);
    pipelines[0].emitLog({ level: 'info', msg: 'hello', at: 1 });
    await vi.waitFor(() => expect(frames.flatMap((f) => f.results)).toHaveLength(2));
    expect(frames[0].status?.state).toBe('running');
    expect(frames.flatMap((f) => f.logs).map((l) => l.msg)).toContain('hello');
    expect(frames.map((f) => f.seq)).toEqual(frames.map((_, i) => i + 1));
    off();
    const n = frames.length;
    pipelines[0].emitResults([result(10_000)]);
    await new Promise((r) => setTimeout(r, 30));
    expect(frames).toHaveLength(n);
  });

  it('a subscriber that cannot keep up costs bounded memory and learns what it missed', async () => {
    await controller.init();
    let ready = false;
    const frames: Frame[] = [];
    controller.subscribe({ send: (f) => frames.push(f), canSend: () => ready });
    for (let i = 0; i < 100; i++) pipelines[0].emitResults(Array.from({ length: 100 }, (_, j) => result(i * 100 + j)));
    await new Promise((r) => setTimeout(r, 30));
    expect(frames).toHaveLength(0);
    ready = true;
    await vi.waitFor(() => expect(frames.length).toBeGreaterThan(0));
    expect(frames[0].results).toHaveLength(500);
    expect(frames[0].resultsSkipped).toBe(10_000 - 500);
    expect(frames[0].results.at(-1)?.windowStart).toBe(9_999);
  });
});

describe('AppController export', () => {
  it('exports the complete lines of output.jsonl, leaving out a partial last line', async () => {
    await controller.init();
    const file = join(dataDir, 'output.jsonl');
    await writeFile(file, '{"a":1}\n{"a":2}\n');
    await appendFile(file, '{"a":');
    const snap = await controller.exportSnapshot();
    expect(snap).toMatchObject({ path: file, lines: 2, bytes: 16 });
    const chunks: Buffer[] = [];
    for await (const c of openSnapshot(snap)) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('{"a":1}\n{"a":2}\n');
  });

  it('says clearly when there is no output file', async () => {
    await controller.init();
    await rm(join(dataDir, 'output.jsonl'), { force: true });
    await expect(controller.exportSnapshot()).rejects.toThrow(/no output yet/);
  });
});
