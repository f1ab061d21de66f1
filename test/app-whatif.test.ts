/** The what-if capability through the app controller and the web host, on the real engine. */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { AppController } from '../src-main/app/app-controller';
import { createEnginePipeline, type EngineConfig } from '../src-main/app/engine-pipeline';
import { startWebHost } from '../src-main/web-host/web-host';
import type { Frame } from '../src-shared/contract';
import type { StreamEvent, WhatIfSettings, WindowResult } from '../src-shared/types';

let dataDir: string;
let controller: AppController<EngineConfig>;
let frames: Frame[];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'streamscope-whatif-app-'));
  controller = new AppController<EngineConfig>({ transport: 'web', dataDir, metrics: false, frameIntervalMs: 50, createPipeline: createEnginePipeline });
  await controller.init();
  frames = [];
  controller.subscribe({ send: (f) => frames.push(f) });
});
afterEach(async () => {
  await controller.close();
  await rm(dataDir, { recursive: true, force: true });
});

const lastWhatIf = () => frames.filter((f) => f.whatIf !== undefined).at(-1)?.whatIf;

it('retains history, runs a what-if, exports it over the web host, and applies it without a gap', async () => {
  await controller.command({ type: 'setRate', rateEventsPerSec: 20_000 });
  await vi.waitFor(() => expect(frames.at(-1)?.whatIfContext?.history.events ?? 0).toBeGreaterThan(30_000), { timeout: 30_000, interval: 50 });
  const ctx = frames.at(-1)!.whatIfContext!;
  expect(ctx.current).toEqual({ window: { kind: 'tumbling', sizeMs: 5000 }, alertThreshold: 80, maxOutOfOrdernessMs: 1000, allowedLatenessMs: 0 });
  expect(ctx.history.bytes).toBeGreaterThanOrEqual(ctx.history.events * 20);

  const proposed: WhatIfSettings = { window: { kind: 'tumbling', sizeMs: 1000 }, alertThreshold: 60, maxOutOfOrdernessMs: 1500, allowedLatenessMs: 0 };
  expect(await controller.command({ type: 'applyWhatIf' })).toMatchObject({ ok: false, error: /run a what-if first/ });
  const reply = await controller.command({ type: 'whatIf', action: 'run', settings: proposed, sensorId: 'sensor-03' });
  expect(reply.ok).toBe(true);
  await vi.waitFor(() => expect(lastWhatIf()?.outcome).toBeTruthy(), { timeout: 30_000, interval: 50 });
  const outcome = lastWhatIf()!.outcome!;
  expect(outcome.whatIf.summary.settings).toEqual(proposed);
  expect(outcome.current.summary.settings).toEqual(ctx.current);
  expect(outcome.whatIf.summary.events).toBe(outcome.history.events);
  expect(outcome.whatIf.series.sensorId).toBe('sensor-03');
  // 1 s windows over the same events: more windows than 5 s ones, and a lower threshold alerts more.
  expect(outcome.whatIf.summary.windows).toBeGreaterThan(outcome.current.summary.windows);
  expect(outcome.whatIf.summary.alerts).toBeGreaterThan(outcome.current.summary.alerts);

  // Export: the same results again, as JSON Lines, through the web host.
  const rendererDir = join(dataDir, 'renderer');
  await mkdir(rendererDir);
  const host = await startWebHost({ controller, rendererDir, port: 0 });
  try {
    // The export needs the host's secret, like every export (issue 10).
    expect((await fetch(`http://127.0.0.1:${host.port}/export/whatif.jsonl`)).status).toBe(401);
    const res = await fetch(`http://127.0.0.1:${host.port}/export/whatif.jsonl`, { headers: { authorization: `Bearer ${host.token}` } });
    expect(res.status).toBe(200);
    const lines = (await res.text()).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as WindowResult);
    expect(lines.filter((r) => !r.isUpdate)).toHaveLength(outcome.whatIf.summary.windows);
    expect(lines.every((r) => r.windowEnd - r.windowStart === 1000)).toBe(true);
  } finally {
    await host.close();
  }

  const applied = await controller.command({ type: 'applyWhatIf' });
  expect(applied.ok && applied.status.config.window).toEqual(proposed.window);
  await vi.waitFor(() => expect(lastWhatIf()?.applied).toBeTruthy(), { timeout: 10_000 });
  const coverage = lastWhatIf()!.applied!.coverage;
  expect(coverage.seededEvents).toBeGreaterThanOrEqual(outcome.history.events);
  expect(coverage.covered).toBe(true);
  // The first 1 s window after the switch is complete: it counts every retained event of its time range
  // (the proposed out-of-orderness, 1.5 s, exceeds the sim's 1.2 s jitter, so none is late).
  const switchAt = frames.length;
  const fresh = () => frames.slice(switchAt).flatMap((f) => f.results).filter((r) => r.windowEnd - r.windowStart === 1000);
  await vi.waitFor(() => expect(new Set(fresh().map((r) => r.windowStart)).size).toBeGreaterThan(2), { timeout: 30_000, interval: 50 });
  const firstWindow = Math.min(...fresh().map((r) => r.windowStart));
  const counted = fresh().filter((r) => r.windowStart === firstWindow).reduce((n, r) => n + r.count, 0);
  const h = controller.whatIf.history;
  const buf: StreamEvent[] = new Array(4096);
  let retained = 0;
  for (let seq = h.oldestSeq; seq < h.nextSeq; ) {
    const n = h.read(seq, buf);
    for (let i = 0; i < n; i++) if (buf[i].timestamp >= firstWindow && buf[i].timestamp < firstWindow + 1000) retained++;
    seq += n;
  }
  expect(counted).toBeGreaterThan(0);
  expect(counted).toBe(retained);
}, 90_000);

it('cancels a run and forgets the history when the source changes', async () => {
  await vi.waitFor(() => expect(frames.at(-1)?.whatIfContext?.history.events ?? 0).toBeGreaterThan(100), { timeout: 30_000 });
  expect((await controller.command({ type: 'whatIf', action: 'run' })).ok).toBe(false);
  expect((await controller.command({ type: 'whatIf', action: 'cancel' })).ok).toBe(true);
  expect((await controller.command({ type: 'setSource', source: { type: 'sim', sensors: 3 } })).ok).toBe(true);
  await vi.waitFor(() => expect(frames.at(-1)?.whatIfContext?.history.keys).toBeLessThanOrEqual(3), { timeout: 30_000 });
}, 60_000);
