/** The app controller on the real engine Pipeline: commands reach the engine, refusals come back as replies. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { AppController } from '../src-main/app/app-controller';
import { createEnginePipeline, type EngineConfig } from '../src-main/app/engine-pipeline';
import type { Frame } from '../src-shared/contract';

let dataDir: string;
let controller: AppController<EngineConfig>;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'streamscope-engine-app-'));
  controller = new AppController<EngineConfig>({ transport: 'web', dataDir, metrics: false, frameIntervalMs: 50, createPipeline: createEnginePipeline });
  await controller.init();
});
afterEach(async () => {
  await controller.close();
  await rm(dataDir, { recursive: true, force: true });
});

it('runs the default pipeline and applies UI commands to the engine', async () => {
  expect(controller.status().state).toBe('running');
  const frames: Frame[] = [];
  controller.subscribe({ send: (f) => frames.push(f) });
  expect((await controller.command({ type: 'setWindow', window: { kind: 'tumbling', sizeMs: 500 } })).ok).toBe(true);
  const rate = await controller.command({ type: 'setRate', rateEventsPerSec: 2000 });
  expect(rate.ok && rate.status.config.rateEventsPerSec).toBe(2000);
  await vi.waitFor(() => expect(frames.flatMap((f) => f.results).some((r) => r.windowEnd - r.windowStart === 500)).toBe(true), { timeout: 30_000 });
  expect(frames.at(-1)!.metrics.eventsReceived).toBeGreaterThan(0);
  const off = await controller.command({ type: 'setSink', sink: 'file', enabled: false });
  expect(off.ok && off.status.config.sinks.find((s) => s.name === 'file')?.enabled).toBe(false);
  const stop = await controller.command({ type: 'stop' });
  expect(stop.ok && stop.status.state).toBe('stopped');
  const start = await controller.command({ type: 'start' });
  expect(start.ok && start.status.state).toBe('running');
  expect(start.ok && start.status.config.window).toEqual({ kind: 'tumbling', sizeMs: 500 });
}, 60_000);

it('returns the engine refusal of an invalid source as a reply', async () => {
  const reply = await controller.command({ type: 'setSource', source: { type: 'file' } });
  expect(reply.ok).toBe(false);
  expect(!reply.ok && reply.error).toMatch(/^setSource: .*path/);
  const webhook = await controller.command({ type: 'setSink', sink: 'webhook', enabled: true, options: { url: 'not a url' } });
  expect(webhook.ok).toBe(false);
  expect(!webhook.ok && webhook.error).toMatch(/url/);
  expect(controller.status().config.sinks.find((s) => s.name === 'webhook')?.enabled).toBe(false);
  expect(controller.status().state).toBe('running');
});

it('switches window kind and source type from the UI', async () => {
  for (const window of [{ kind: 'hopping', sizeMs: 2000, slideMs: 500 }, { kind: 'session', gapMs: 1000 }, { kind: 'tumbling', sizeMs: 1000 }] as const) {
    const reply = await controller.command({ type: 'setWindow', window });
    expect(reply.ok, JSON.stringify(reply)).toBe(true);
    expect(reply.ok && reply.status.config.window).toEqual(window);
  }
  const frames: Frame[] = [];
  controller.subscribe({ send: (f) => frames.push(f) });
  const system = await controller.command({ type: 'setSource', source: { type: 'system', intervalMs: 100 } });
  expect(system.ok, JSON.stringify(system)).toBe(true);
  expect(system.ok && system.status.config.source.type).toBe('system');
  // The engine really reads the machine now: results keyed by the system source's metrics arrive.
  await vi.waitFor(() => expect(frames.flatMap((f) => f.results).some((r) => /cpu/.test(r.sensorId))).toBe(true), { timeout: 30_000 });
  const sim = await controller.command({ type: 'setSource', source: { type: 'sim' } });
  expect(sim.ok, JSON.stringify(sim)).toBe(true);
  expect(sim.ok && sim.status.config.source).toMatchObject({ type: 'sim', sensors: 10 });
  const seen = frames.length;
  await vi.waitFor(() => expect(frames.slice(seen).flatMap((f) => f.results).some((r) => /^sensor-\d+$/.test(r.sensorId))).toBe(true), { timeout: 30_000 });
}, 60_000);

it('a sink that cannot start is refused, and the UI, the engine config and the running sinks agree', async () => {
  const { createServer } = await import('node:net');
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
  try {
    const port = (busy.address() as { port: number }).port;
    const reply = await controller.command({ type: 'setSink', sink: 'websocket', enabled: true, options: { host: '127.0.0.1', port } });
    expect(reply.ok).toBe(false);
    expect(!reply.ok && reply.error).toMatch(/websocket.*(cannot listen|EADDRINUSE)/);
    expect(controller.status().config.sinks.find((s) => s.name === 'websocket')?.enabled).toBe(false);
    const metrics = await controller.command({ type: 'setAlertThreshold', alertThreshold: 81 });
    expect(metrics.ok && metrics.status.config.sinks.filter((s) => s.enabled).map((s) => s.name)).toEqual(['file']);
  } finally {
    await new Promise((r) => busy.close(r));
  }
});

it('keeps the pipeline running when a chosen source fails, and says why in the log', async () => {
  const frames: Frame[] = [];
  controller.subscribe({ send: (f) => frames.push(f) });
  const reply = await controller.command({ type: 'setSource', source: { type: 'file', path: join(dataDir, 'does-not-exist.jsonl') } });
  expect(reply.ok, JSON.stringify(reply)).toBe(true);
  await vi.waitFor(() => expect(frames.flatMap((f) => f.logs).some((l) => /does-not-exist/.test(l.msg))).toBe(true), { timeout: 30_000 });
  expect(controller.status().state).toBe('running');
  const sim = await controller.command({ type: 'setSource', source: { type: 'sim' } });
  expect(sim.ok && sim.status.state).toBe('running');
}, 60_000);

it('keeps failed webhook batches in the data dir instead of losing them', async () => {
  const reply = await controller.command({ type: 'setSink', sink: 'webhook', enabled: true, options: { url: 'http://127.0.0.1:1/hook', retries: 0, flushIntervalMs: 10 } });
  expect(reply.ok, JSON.stringify(reply)).toBe(true);
  const { readFile } = await import('node:fs/promises');
  await vi.waitFor(async () => expect((await readFile(join(dataDir, 'webhook-dead-letter.jsonl'), 'utf8')).length).toBeGreaterThan(0), { timeout: 30_000 });
  const first = JSON.parse((await readFile(join(dataDir, 'webhook-dead-letter.jsonl'), 'utf8')).split('\n')[0]) as {
    reason: string; results: Array<{ sensorId: string; count: number }>;
  };
  expect(first.reason).toBe('retries_exhausted');
  expect(first.results.length).toBeGreaterThan(0);
  expect(first.results.every((r) => /^sensor-\d+$/.test(r.sensorId) && r.count > 0)).toBe(true);
}, 60_000);

it('replays a real CSV with a field mapping chosen in the UI', async () => {
  const frames: Frame[] = [];
  controller.subscribe({ send: (f) => frames.push(f) });
  const csv = join(import.meta.dirname, '..', 'node_modules', 'vega-datasets', 'data', 'seattle-weather-hourly-normals.csv');
  const reply = await controller.command({
    type: 'setSource',
    source: { type: 'file', path: csv, mapping: { key: '=seattle', time: 'date', value: 'temperature' }, speed: 'max' },
  });
  expect(reply.ok, JSON.stringify(reply)).toBe(true);
  await vi.waitFor(() => expect(frames.flatMap((f) => f.results).some((r) => r.sensorId === 'seattle')).toBe(true), { timeout: 30_000 });
}, 60_000);
