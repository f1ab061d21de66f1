import { describe, expect, it } from 'vitest';
import type { AppStatus, Command, CommandReply, ExportReply, Frame } from '../src-shared/contract';
import type { WindowResult } from '../src-shared/types';
import { DashboardModel } from '../src-renderer/lib/dashboard-model';
import { queueLevel } from '../src-renderer/lib/series';
import { buildSource, DEFAULT_SOURCE_SETTINGS } from '../src-renderer/lib/source-settings';
import { webhookUrlError } from '../src-renderer/lib/sink-settings';
import { createDashboardStore, type StoreApiDeps } from '../src-renderer/store/dashboard-store';
import { connectFrames } from '../src-renderer/store/frame-scheduler';
import { metrics, queue, result } from './support/renderer-fixtures';

function frame(seq: number, results: WindowResult[] = [], over: Partial<Frame> = {}): Frame {
  return { seq, results, resultsSkipped: 0, metrics: metrics(seq * 100), late: [], deadLetters: [], logs: [], ...over };
}

function status(over: Partial<AppStatus['config']> = {}, state: AppStatus['state'] = 'running'): AppStatus {
  return {
    state,
    transport: 'web',
    config: {
      source: { type: 'sim' },
      rateEventsPerSec: 1000,
      window: { kind: 'tumbling', sizeMs: 1000 },
      alertThreshold: 80,
      timing: { timeMode: 'event', maxOutOfOrdernessMs: 1000, allowedLatenessMs: 0, idleTimeoutMs: 2000 },
      sinks: [{ name: 'console', enabled: true, options: {} }],
      queues: { ingress: { maxEvents: 100, policy: 'block' }, sink: { maxEvents: 100, policy: 'block' } },
      ...over,
    },
  };
}

function fakeApi(reply: (cmd: Command) => CommandReply = () => ({ ok: true, status: status() })) {
  const sent: Command[] = [];
  const api: StoreApiDeps = {
    async send(cmd) {
      sent.push(cmd);
      return reply(cmd);
    },
    async getStatus() {
      return status();
    },
    async exportOutput(): Promise<ExportReply> {
      return { ok: true, fileName: 'output.jsonl', lines: 3 };
    },
  };
  return { api, sent };
}

describe('DashboardModel', () => {
  it('keeps every series bounded by its capacity, however many frames arrive', () => {
    const model = new DashboardModel({ points: 5, results: 7, sensorPoints: 3, sensors: 4, sideOutputs: 2 });
    for (let i = 1; i <= 100; i++) {
      model.ingest(
        frame(i, [result(`s${i % 10}`, i * 1000), result(`s${(i + 1) % 10}`, i * 1000)], {
          logs: [{ level: 'info', msg: `l${i}`, at: i }],
        }),
      );
    }
    const v = model.snapshot();
    expect(v.throughput).toHaveLength(5);
    expect(v.queues).toHaveLength(5);
    expect(v.watermark).toHaveLength(5);
    expect(v.alerts).toHaveLength(5);
    expect(v.results).toHaveLength(7);
    expect(v.sensors.length).toBeLessThanOrEqual(4);
    expect(v.sensorSeries.length).toBeLessThanOrEqual(3);
    expect(v.logs.map((l) => l.msg)).toEqual(['l100', 'l99']);
    expect(v.throughput.map((p) => p.t)).toEqual([9600, 9700, 9800, 9900, 10000]);
    expect(v.frames).toBe(100);
    expect(v.lastSeq).toBe(100);
  });

  it('lists results newest first and charts the first sensor by default, the chosen one after', () => {
    const model = new DashboardModel();
    model.ingest(frame(1, [result('b', 0), result('a', 0, { avg: 7 })]));
    model.ingest(frame(2, [result('b', 1000), result('a', 1000, { avg: 8 })]));
    const v = model.snapshot();
    expect(v.results.map((r) => `${r.sensorId}@${r.windowStart}`)).toEqual(['a@1000', 'b@1000', 'a@0', 'b@0']);
    expect(v.sensors).toEqual(['a', 'b']);
    expect(v.selectedSensor).toBe('a');
    expect(v.sensorSeries.map((p) => p.avg)).toEqual([7, 8]);
    model.selectSensor('b');
    const w = model.snapshot();
    expect(w.selectedSensor).toBe('b');
    expect(w.sensorSeries.map((p) => p.windowStart)).toEqual([0, 1000]);
  });

  it('replaces a window when an update (late-but-allowed) re-emits it', () => {
    const model = new DashboardModel();
    model.ingest(frame(1, [result('a', 0, { avg: 1 }), result('a', 1000, { avg: 2 })]));
    model.ingest(frame(2, [result('a', 0, { avg: 5, isUpdate: true })]));
    expect(model.snapshot().sensorSeries.map((p) => p.avg)).toEqual([5, 2]);
  });

  it('reuses unchanged arrays between snapshots (memoized charts skip work)', () => {
    const model = new DashboardModel();
    model.ingest(frame(1, [result('a', 0)]));
    const v1 = model.snapshot();
    expect(model.snapshot()).toBe(v1);
    model.ingest(frame(2, []));
    const v2 = model.snapshot();
    expect(v2).not.toBe(v1);
    expect(v2.throughput).not.toBe(v1.throughput);
    expect(v2.results).toBe(v1.results);
    expect(v2.sensors).toBe(v1.sensors);
  });

  it('sums alerts per second of processing time and derives per-queue drops between snapshots', () => {
    const model = new DashboardModel();
    model.ingest(frame(1, [], { metrics: metrics(100, { queues: [queue('ingress', 0, 10, 0, 5)] }) }));
    model.ingest(
      frame(2, [result('a', 0, { alertCount: 3 }), result('b', 0, { alertCount: 0 }), result('c', 0, { alertCount: 1 })], {
        metrics: metrics(200, { queues: [queue('ingress', 9, 10, 700, 12)] }),
      }),
    );
    const v = model.snapshot();
    expect(v.alerts).toEqual([{ t: 0, alerts: 4, alertWindows: 2 }]);
    model.ingest(frame(3, [result('a', 1000, { alertCount: 2 })], { metrics: metrics(1200) }));
    expect(model.snapshot().alerts).toEqual([
      { t: 0, alerts: 4, alertWindows: 2 },
      { t: 1000, alerts: 2, alertWindows: 1 },
    ]);
    expect(v.queueDropRates).toEqual({ ingress: 70 }); // 7 events in 100 ms
    expect(v.queues.at(-1)).toEqual({ t: 200, depth: { ingress: 9 }, backpressureMsPerSec: { ingress: 700 }, dropped: { ingress: 12 } });
    // Over more than a second the rate spans about the last second, not the last two snapshots.
    for (let i = 3; i <= 20; i++) {
      model.ingest(frame(i, [], { metrics: metrics(i * 100, { queues: [queue('ingress', 0, 10, 0, 12 + (i - 2) * 50)] }) }));
    }
    expect(model.snapshot().queueDropRates.ingress).toBeCloseTo(500, 6); // 50 events per 100 ms
    expect(v.queueNames).toEqual(['ingress']);
  });

  it('clears the per-sensor series when the window spec changes', () => {
    const model = new DashboardModel();
    model.ingest(frame(1, [result('a', 0)], { status: status() }));
    expect(model.snapshot().sensorSeries).toHaveLength(1);
    model.ingest(frame(2, [], { status: status({ window: { kind: 'tumbling', sizeMs: 5000 } }) }));
    expect(model.snapshot().sensorSeries).toHaveLength(0);
  });

  it('survives a malformed frame (missing arrays and metrics)', () => {
    const model = new DashboardModel();
    model.ingest({ seq: 1 } as unknown as Frame);
    model.ingest(frame(2, [result('a', 0)]));
    const v = model.snapshot();
    expect(v.frames).toBe(2);
    expect(v.results).toHaveLength(1);
    expect(v.throughput).toHaveLength(1);
  });
});

describe('queueLevel', () => {
  it('goes amber then red with fill, backpressure or drops', () => {
    expect(queueLevel(queue('q', 10, 100))).toBe('ok');
    expect(queueLevel(queue('q', 60, 100))).toBe('warn');
    expect(queueLevel(queue('q', 90, 100))).toBe('critical');
    expect(queueLevel(queue('q', 0, 100, 100))).toBe('ok');
    expect(queueLevel(queue('q', 0, 100, 101))).toBe('warn');
    expect(queueLevel(queue('q', 0, 100, 500))).toBe('warn');
    expect(queueLevel(queue('q', 0, 100, 501))).toBe('critical');
    expect(queueLevel(queue('q', 0, 100), true)).toBe('critical');
    expect(queueLevel(queue('q', 5, 0))).toBe('ok');
  });
});

describe('dashboard store', () => {
  it('publishes many frames with one set() per animation frame', () => {
    const { api } = fakeApi();
    const store = createDashboardStore(api);
    let listener: ((f: Frame) => void) | undefined;
    const callbacks: Array<() => void> = [];
    const unsubscribe = connectFrames(
      { onFrame: (cb) => ((listener = cb), () => (listener = undefined)) },
      store,
      { schedule: (cb) => callbacks.push(cb), minIntervalMs: 0 },
    );
    let sets = 0;
    store.subscribe(() => sets++);
    for (let i = 1; i <= 10; i++) listener!(frame(i, [result('a', i * 1000)]));
    expect(callbacks).toHaveLength(1); // one publish scheduled for ten frames
    expect(sets).toBe(0); // nothing shown before the animation frame
    callbacks[0]();
    expect(sets).toBe(1);
    expect(store.getState().view.throughput).toHaveLength(10);
    expect(store.getState().view.results).toHaveLength(10);
    listener!(frame(11));
    expect(callbacks).toHaveLength(2);
    unsubscribe();
    expect(listener).toBeUndefined();
    callbacks[1]();
    expect(sets).toBe(1); // closed: no publish after unsubscribe
  });

  it('leaves at least minIntervalMs between two publishes', () => {
    const { api } = fakeApi();
    const store = createDashboardStore(api);
    let listener: ((f: Frame) => void) | undefined;
    let clock = 1000;
    const rafs: Array<() => void> = [];
    const timers: Array<{ cb: () => void; ms: number }> = [];
    connectFrames({ onFrame: (cb) => ((listener = cb), () => undefined) }, store, {
      schedule: (cb) => rafs.push(cb),
      minIntervalMs: 200,
      now: () => clock,
      delay: (cb, ms) => timers.push({ cb, ms }),
    });
    let sets = 0;
    store.subscribe(() => sets++);
    listener!(frame(1));
    expect(rafs).toHaveLength(1); // first publish: next animation frame, no wait
    rafs.shift()!();
    expect(sets).toBe(1);
    clock += 50;
    listener!(frame(2));
    listener!(frame(3));
    expect(rafs).toHaveLength(0);
    expect(timers).toHaveLength(1);
    expect(timers[0].ms).toBe(150); // waits out the rest of the interval
    clock += 150;
    timers.shift()!.cb();
    expect(rafs).toHaveLength(1);
    rafs.shift()!();
    expect(sets).toBe(2);
    expect(store.getState().view.lastSeq).toBe(3);
  });

  it('pause view freezes what is shown while frames keep being buffered; resume shows the present', () => {
    const { api } = fakeApi();
    const store = createDashboardStore(api);
    store.getState().ingestFrame(frame(1, [result('a', 0)], { status: status() }));
    store.getState().publish();
    const frozen = store.getState().view;
    store.getState().setViewPaused(true);
    for (let i = 2; i <= 5; i++) store.getState().ingestFrame(frame(i, [result('a', i * 1000)], { status: status({}, 'paused') }));
    store.getState().publish();
    expect(store.getState().view).toBe(frozen);
    expect(store.getState().status?.state).toBe('paused'); // controls still follow the host
    store.getState().setViewPaused(false);
    expect(store.getState().viewPaused).toBe(false);
    expect(store.getState().view.results).toHaveLength(5);
    expect(store.getState().view.lastSeq).toBe(5);
  });

  it('takes the status of an ok reply and shows the error of a failed one', async () => {
    const { api, sent } = fakeApi((cmd) =>
      cmd.type === 'setRate' ? { ok: false, error: 'rateEventsPerSec: must be ≤ 1000000' } : { ok: true, status: status({ alertThreshold: 95 }) },
    );
    const store = createDashboardStore(api);
    await store.getState().run({ type: 'setAlertThreshold', alertThreshold: 95 });
    expect(store.getState().status?.config.alertThreshold).toBe(95);
    expect(store.getState().error).toBeNull();
    const reply = await store.getState().run({ type: 'setRate', rateEventsPerSec: 5 });
    expect(reply.ok).toBe(false);
    expect(store.getState().error?.text).toBe('rateEventsPerSec: must be ≤ 1000000');
    expect(store.getState().pending).toBe(0);
    expect(sent.map((c) => c.type)).toEqual(['setAlertThreshold', 'setRate']);
    store.getState().dismissError();
    expect(store.getState().error).toBeNull();
    await store.getState().run({ type: 'setRate', rateEventsPerSec: 5 });
    expect(store.getState().error).not.toBeNull();
    await store.getState().run({ type: 'start' });
    expect(store.getState().error).toBeNull(); // a later success clears it
  });

  it('turns a rejected send (transport down) into a visible error, never an unhandled rejection', async () => {
    const store = createDashboardStore({
      send: () => Promise.reject(new Error('socket closed')),
      getStatus: () => Promise.reject(new Error('socket closed')),
      exportOutput: () => Promise.reject(new Error('socket closed')),
    });
    const reply = await store.getState().run({ type: 'start' });
    expect(reply).toEqual({ ok: false, error: 'start failed: socket closed' });
    expect(store.getState().error?.text).toBe('start failed: socket closed');
    await store.getState().refreshStatus();
    expect(store.getState().error?.text).toMatch(/Could not reach the host: socket closed/);
    const exp = await store.getState().exportOutput();
    expect(exp.ok).toBe(false);
    expect(store.getState().error?.text).toMatch(/Export failed/);
  });

  it('reports a successful export as a notice', async () => {
    const { api } = fakeApi();
    const store = createDashboardStore(api);
    await store.getState().exportOutput();
    expect(store.getState().notice?.text).toBe('Exported 3 lines of output.jsonl.');
  });
});

describe('settings validation', () => {
  it('builds setSource payloads with the engine field names, or says what is missing', () => {
    expect(buildSource('sim', DEFAULT_SOURCE_SETTINGS)).toEqual({ ok: true, source: { type: 'sim' } });
    expect(buildSource('file', DEFAULT_SOURCE_SETTINGS)).toMatchObject({ ok: false, error: expect.stringMatching(/path/) });
    expect(buildSource('file', { ...DEFAULT_SOURCE_SETTINGS, path: ' /tmp/x.jsonl ' })).toEqual({
      ok: true,
      source: { type: 'file', path: '/tmp/x.jsonl', mapping: { key: 'sensorId', time: 'timestamp', value: 'value' }, speed: 'max' },
    });
    expect(
      buildSource('file', { ...DEFAULT_SOURCE_SETTINGS, path: 'w.csv', fileKey: '=seattle', fileTime: 'date', fileValue: 'temperature', fileSpeed: '3600' }),
    ).toEqual({
      ok: true,
      source: { type: 'file', path: 'w.csv', mapping: { key: '=seattle', time: 'date', value: 'temperature' }, speed: 3600 },
    });
    expect(buildSource('file', { ...DEFAULT_SOURCE_SETTINGS, path: 'w.csv', fileSpeed: 'fast' })).toMatchObject({ ok: false, error: expect.stringMatching(/speed/) });
    expect(buildSource('mqtt', DEFAULT_SOURCE_SETTINGS)).toEqual({
      ok: true,
      source: { type: 'mqtt', url: 'mqtt://127.0.0.1:1883', topics: ['streamscope/events'] },
    });
    expect(buildSource('mqtt', { ...DEFAULT_SOURCE_SETTINGS, mqttUrl: 'http://x' }).ok).toBe(false);
    expect(buildSource('nats', { ...DEFAULT_SOURCE_SETTINGS, natsServers: 'a:1, b:2' })).toMatchObject({
      ok: true,
      source: { type: 'nats', servers: ['a:1', 'b:2'], stream: 'streamscope', subjects: 'streamscope.events.>' },
    });
    expect(buildSource('nats', { ...DEFAULT_SOURCE_SETTINGS, natsStream: 'bad name' }).ok).toBe(false);
  });

  it('requires an http(s) webhook URL', () => {
    expect(webhookUrlError('')).toMatch(/required/);
    expect(webhookUrlError('ftp://x')).toMatch(/http/);
    expect(webhookUrlError('not a url')).toMatch(/not a valid URL/);
    expect(webhookUrlError('http://127.0.0.1:9/hook')).toBeNull();
  });
});
