/**
 * The app resumes its newest checkpoint (issue 9, app side): a controller replays a file into
 * output.jsonl, is closed mid-stream (a final checkpoint keeps its open windows), and a new
 * controller on the same data dir continues. The windows of both runs together must equal those of
 * the input, each (sensorId, windowStart) once, counted from the input file itself.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { AppController } from '../src-main/app/app-controller';
import { defaultPipelineInput } from '../src-main/app/default-config';
import { createEnginePipeline, type EngineConfig } from '../src-main/app/engine-pipeline';
import type { WindowResult } from '../src-shared/types';

const T0 = 1_700_000_000_000; // a whole second
const SENSORS = 5;
const EVENTS = 2000; // one every 10 ms of event time: 20 s, 20 one-second windows per sensor

let dataDir: string;
const open: AppController<EngineConfig>[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'streamscope-app-ckpt-'));
  const lines = Array.from({ length: EVENTS }, (_, i) => JSON.stringify({ sensorId: `s${i % SENSORS}`, timestamp: T0 + i * 10, value: i % 100 }));
  await writeFile(join(dataDir, 'in.jsonl'), lines.join('\n') + '\n');
});
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** The app's default config replaying in.jsonl at 5× its recorded pace (4 s), one-second windows. */
function config(source: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...defaultPipelineInput({ dataDir, metrics: false }),
    source: { type: 'file', path: join(dataDir, 'in.jsonl'), speed: 5, ...source },
    window: { kind: 'tumbling', sizeMs: 1000 },
  };
}

async function startApp(cfg = config()): Promise<AppController<EngineConfig>> {
  const c = new AppController<EngineConfig>({ transport: 'web', dataDir, config: cfg, createPipeline: createEnginePipeline, checkpoints: { intervalMs: 300 } });
  open.push(c);
  await c.init();
  return c;
}

async function outputResults(): Promise<WindowResult[]> {
  const text = await readFile(join(dataDir, 'output.jsonl'), 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as WindowResult);
}

/** Count, sum, min and max per `sensorId@windowStart`, from the input as written above. */
function expectedWindows(): Map<string, { count: number; sum: number; min: number; max: number }> {
  const m = new Map<string, { count: number; sum: number; min: number; max: number }>();
  for (let i = 0; i < EVENTS; i++) {
    const ts = T0 + i * 10;
    const key = `s${i % SENSORS}@${ts - (ts % 1000)}`;
    const v = i % 100;
    const w = m.get(key) ?? { count: 0, sum: 0, min: Infinity, max: -Infinity };
    m.set(key, { count: w.count + 1, sum: w.sum + v, min: Math.min(w.min, v), max: Math.max(w.max, v) });
  }
  return m;
}

it('continues after a restart: resumedFrom set, output.jsonl kept, every window exactly once with the counts of the input', async () => {
  const first = await startApp();
  expect(first.status().checkpoints?.resumedFrom).toBeUndefined();
  // Stop mid-stream: some windows fired, others open.
  await vi.waitFor(async () => expect((await outputResults()).length).toBeGreaterThanOrEqual(2 * SENSORS), { timeout: 20_000, interval: 50 });
  await first.close();
  open.splice(open.indexOf(first), 1);
  const before = await readFile(join(dataDir, 'output.jsonl'), 'utf8');
  const firedBefore = (await outputResults()).length;
  expect(firedBefore).toBeLessThan(expectedWindows().size); // the stop really was mid-stream

  const second = await startApp();
  const resumed = second.status().checkpoints?.resumedFrom;
  expect(resumed?.epoch).toBeGreaterThanOrEqual(1);
  // The last windows fire once the replay is through; Stop fires whatever is still open.
  await vi.waitFor(async () => expect((await outputResults()).some((r) => r.windowStart === T0 + 16_000)).toBe(true), { timeout: 30_000, interval: 100 });
  expect((await second.command({ type: 'stop' })).ok).toBe(true);

  const after = await readFile(join(dataDir, 'output.jsonl'), 'utf8');
  expect(after.startsWith(before)).toBe(true); // not truncated by the restart
  const results = await outputResults();
  const seen = new Map<string, WindowResult>();
  for (const r of results) {
    const key = `${r.sensorId}@${r.windowStart}`;
    expect(seen.has(key), `duplicate ${key}`).toBe(false);
    seen.set(key, r);
  }
  const expected = expectedWindows();
  expect([...seen.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [key, w] of expected) {
    const r = seen.get(key)!;
    expect({ key, count: r.count, sum: r.sum, min: r.min, max: r.max }).toEqual({ key, ...w });
  }
}, 90_000);

it('sets a checkpoint of other settings aside in checkpoints/stale-<time>/ and starts fresh', async () => {
  const first = await startApp();
  await vi.waitFor(() => expect(first.status().checkpoints?.completed).toBeGreaterThanOrEqual(1), { timeout: 20_000, interval: 50 });
  await first.close();
  open.splice(open.indexOf(first), 1);
  const lines: string[] = [];
  const second = new AppController<EngineConfig>({
    transport: 'web', dataDir, config: { ...config(), window: { kind: 'tumbling', sizeMs: 2000 } }, createPipeline: createEnginePipeline,
    checkpoints: { intervalMs: 300 }, log: (l) => lines.push(l.msg),
  });
  open.push(second);
  await second.init();
  expect(second.status().state).toBe('running');
  expect(second.status().checkpoints?.resumedFrom).toBeUndefined();
  expect(lines.some((l) => /set aside in .*stale-/.test(l) && /window/.test(l))).toBe(true);
  const stale = (await readdir(join(dataDir, 'checkpoints'))).filter((n) => n.startsWith('stale-'));
  expect(stale).toHaveLength(1);
  expect((await readdir(join(dataDir, 'checkpoints', stale[0]))).some((n) => n.startsWith('ckpt-'))).toBe(true);
}, 60_000);

it('takes a checkpoint on checkpointNow and reports it in the status; a window change starts a new lineage', async () => {
  const lines: string[] = [];
  const c = new AppController<EngineConfig>({
    transport: 'web', dataDir, config: defaultPipelineInput({ dataDir, metrics: false }), createPipeline: createEnginePipeline, checkpoints: { intervalMs: 0 }, log: (l) => lines.push(l.msg),
  });
  open.push(c);
  await c.init();
  const reply = await c.command({ type: 'checkpointNow' });
  expect(reply.ok).toBe(true);
  const ck = reply.ok ? reply.status.checkpoints : undefined;
  expect(ck?.completed).toBe(1);
  expect(ck?.last?.epoch).toBe(1);
  expect(ck?.last?.bytes).toBeGreaterThan(0);
  expect(ck?.dir).toBe(join(dataDir, 'checkpoints'));
  expect((await c.command({ type: 'setWindow', window: { kind: 'tumbling', sizeMs: 2000 } })).ok).toBe(true);
  expect(lines.some((l) => /new checkpoint lineage/.test(l))).toBe(true);
  // Only the new lineage is stored: the window-change checkpoint.
  const stored = (await readdir(join(dataDir, 'checkpoints', 'main'))).filter((n) => n.startsWith('ckpt-'));
  expect(stored).toHaveLength(1);
  expect((await c.command({ type: 'pause' })).ok).toBe(true);
  const paused = await c.command({ type: 'checkpointNow' });
  expect(!paused.ok && paused.error).toMatch(/paused/);
}, 60_000);
