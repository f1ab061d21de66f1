/**
 * reconfigure() applies a change whole or not at all: when a part cannot start (a WebSocket sink's
 * port is taken), the configuration in force and the running parts still agree.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WindowResult } from '../src-shared/types';
import type { Sink } from '../src-main/engine/component';
import { parseConfig } from '../src-main/engine/config';
import { Pipeline } from '../src-main/engine/pipeline';
import { EngineMetrics } from '../src-main/engine/metrics/engine-metrics';
import type { ThrottledSink } from '../src-main/engine/sinks/throttled-sink';
import { planChange } from '../src-main/engine/stages/config-change';
import { SinkSet } from '../src-main/engine/stages/sink-set';
import { systemClock, VirtualClock } from '../src-main/engine/time/clock';
import { PushSource } from './support/push-source';
import { windowResult } from './support/window-result';

const T0 = Date.UTC(2026, 0, 1);

function listen(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}

const servers: Server[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function recorder(): Sink & { results: WindowResult[] } {
  const results: WindowResult[] = [];
  return { name: 'recorder', results, async write(b) { results.push(...b); }, async close() {} };
}

describe('reconfigure: all or nothing', () => {
  it('a WebSocket sink whose port is in use is refused, and config.sinks and the window stay as they were', async () => {
    const busy = await listen();
    servers.push(busy);
    const port = (busy.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), 'streamscope-reconf-'));
    dirs.push(dir);
    const fileSink = { type: 'file', path: join(dir, 'out.jsonl') };
    const clock = new VirtualClock(T0);
    const source = new PushSource();
    const rec = recorder();
    const p = new Pipeline(
      { window: 'tumbling:1s', sinks: [fileSink], metrics: false },
      { clock, source, hostSinks: [rec], onSourceEnd: 'continue' },
    );
    const logs: string[] = [];
    p.onLog((l) => logs.push(l.msg));
    await p.start();
    const before = structuredClone(p.config);
    await expect(
      p.reconfigure({ window: 'tumbling:2s', sinks: [fileSink, { type: 'websocket', host: '127.0.0.1', port }] }),
    ).rejects.toThrow(/cannot listen|EADDRINUSE/);
    expect(p.config.sinks).toEqual(before.sinks);
    expect(p.config.window).toEqual(before.window);
    // The window really is still 1 s: two events 1 s apart land in two windows.
    await source.push([{ sensorId: 'a', timestamp: T0 + 100, value: 1 }, { sensorId: 'a', timestamp: T0 + 1100, value: 2 }]);
    await p.stop();
    expect(rec.results.map((r) => [r.windowStart, r.windowEnd, r.count])).toEqual([[T0, T0 + 1000, 1], [T0 + 1000, T0 + 2000, 1]]);
    expect(logs.some((m) => /window changed/.test(m))).toBe(false);
  });

  it('after a refused change, a valid one still applies (the sink set was left consistent)', async () => {
    const busy = await listen();
    servers.push(busy);
    const port = (busy.address() as { port: number }).port;
    const p = new Pipeline({ sinks: [], metrics: false }, { clock: new VirtualClock(T0), source: new PushSource(), onSourceEnd: 'continue' });
    await p.start();
    await expect(p.reconfigure({ sinks: [{ type: 'websocket', host: '127.0.0.1', port }] })).rejects.toThrow();
    expect(p.config.sinks).toEqual([]);
    await p.reconfigure({ sinks: [{ type: 'websocket', host: '127.0.0.1', port: 0 }] });
    expect(p.config.sinks.map((s) => s.type)).toEqual(['websocket']);
    await p.stop();
    expect(p.state).toBe('stopped');
  });
});

describe('reconfigure: replacing a sink by one of its kind', () => {
  async function freePort(): Promise<number> {
    const s = await listen();
    const port = (s.address() as { port: number }).port;
    await new Promise((r) => s.close(r));
    return port;
  }

  it('new options on the same port work (the old sink is closed first)', async () => {
    const port = await freePort();
    const p = new Pipeline(
      { sinks: [{ type: 'websocket', host: '127.0.0.1', port, path: '/a' }], metrics: false },
      { clock: new VirtualClock(T0), source: new PushSource(), onSourceEnd: 'continue' },
    );
    await p.start();
    await p.reconfigure({ sinks: [{ type: 'websocket', host: '127.0.0.1', port, path: '/b' }] });
    expect(p.config.sinks).toMatchObject([{ type: 'websocket', port, path: '/b' }]);
    await p.stop();
  });

  it('a replacement that cannot start leaves the old one closed, and config.sinks says so', async () => {
    const busy = await listen();
    servers.push(busy);
    const busyPort = (busy.address() as { port: number }).port;
    const p = new Pipeline(
      { sinks: [{ type: 'websocket', host: '127.0.0.1', port: 0 }], metrics: false },
      { clock: new VirtualClock(T0), source: new PushSource(), onSourceEnd: 'continue' },
    );
    await p.start();
    await expect(p.reconfigure({ sinks: [{ type: 'websocket', host: '127.0.0.1', port: busyPort }], alertThreshold: 1 })).rejects.toThrow();
    expect(p.config.sinks).toEqual([]);
    expect(p.config.alertThreshold).toBe(80);
    await p.stop();
  });
});

describe('planChange', () => {
  const base = parseConfig({ source: { type: 'sim', rateEventsPerSec: 100 }, window: 'tumbling:1s', sinks: [], metrics: false });
  const with_ = (patch: Record<string, unknown>) => parseConfig({ ...base, ...patch });

  it('a load change of the simulated source (rate, keys, jitter, malformed) is applied in place when the source can, else it is a switch', () => {
    const next = with_({ source: { ...base.source, rateEventsPerSec: 500, sensors: 3, jitterMs: 40, malformedRate: 0.25 } });
    expect(planChange(base, next, true)).toEqual({
      operator: false,
      alertThreshold: false,
      simLoad: { rateEventsPerSec: 500, sensors: 3, jitterMs: 40, malformedRate: 0.25 },
      switchSource: false,
    });
    expect(planChange(base, next, false)).toEqual({ operator: false, alertThreshold: false, switchSource: true });
    expect(planChange(base, with_({ source: { ...base.source, seed: 7 } }), true)).toMatchObject({ switchSource: true });
    expect(planChange(base, with_({ source: { type: 'file', path: 'x.jsonl' } }), true)).toMatchObject({ switchSource: true });
  });

  it('window or time settings rebuild the operator; the threshold alone does not', () => {
    expect(planChange(base, with_({ window: 'tumbling:2s', alertThreshold: 5 }), true)).toMatchObject({ operator: true, alertThreshold: false });
    expect(planChange(base, with_({ allowedLatenessMs: 10 }), true)).toMatchObject({ operator: true });
    expect(planChange(base, with_({ alertThreshold: 5 }), true)).toEqual({ operator: false, alertThreshold: true, switchSource: false });
    expect(planChange(base, base, true)).toEqual({ operator: false, alertThreshold: false, switchSource: false });
  });
});

describe('SinkSet.reconcile: a changed entry its sink accepts live is retuned in place', () => {
  const log = () => {};
  const results = (n: number): WindowResult[] => Array.from({ length: n }, (_, i) => windowResult(`k${i}`, T0));

  it('the throttled sink keeps its stage and what its queue holds; a refused change gives it its old entry back', async () => {
    const set = new SinkSet({ metrics: new EngineMetrics(), clock: systemClock, log });
    const queue = { maxEvents: 100, policy: 'block' as const };
    const slow = { type: 'throttled' as const, resultsPerSec: 1, latencyMsPerBatch: 0 };
    await set.reconcile([slow], queue);
    const [stage] = set.stages;
    set.offer(results(50)); // the idle pump takes these whole and writes them slowly
    await new Promise((r) => setImmediate(r));
    set.offer(results(5)); // these wait in the queue
    expect(stage.queue.depth).toBe(5);

    const fast = { ...slow, resultsPerSec: 1e8 };
    await set.reconcile([fast], queue);
    expect(set.stages).toEqual([stage]); // the same stage: not closed and replaced
    expect(stage.queue.depth).toBe(5);
    expect(set.configs).toEqual([fast]);

    const busy = await listen();
    servers.push(busy);
    const port = (busy.address() as { port: number }).port;
    await expect(
      set.reconcile([{ ...slow, resultsPerSec: 7 }, { type: 'websocket', host: '127.0.0.1', port }] as never, queue),
    ).rejects.toThrow(/cannot listen|EADDRINUSE/);
    expect(set.configs).toEqual([fast]);
    expect(set.stages).toEqual([stage]);
    // The speed in force is the fast one again, not the refused change's 7/s.
    expect((stage.sink as unknown as { resultsPerSec: number }).resultsPerSec).toBe(1e8);
    await set.closeAll();
    expect((stage.sink as ThrottledSink).takenResults).toBe(55);
  }, 30_000);
});
