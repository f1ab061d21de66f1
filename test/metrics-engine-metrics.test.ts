import { describe, expect, it } from 'vitest';
import { EngineMetrics } from '../src-main/engine/metrics/engine-metrics';
import { BoundedQueue } from '../src-main/engine/queue/bounded-queue';

/** The value of one sample line `name{labels} value` in Prometheus text, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got: Record<string, string> = {};
    for (const kv of (m[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)) got[kv[1]] = kv[2];
    const want = Object.entries(labels);
    if (want.length === Object.keys(got).length && want.every(([k, v]) => got[k] === v)) return Number(m[4]);
  }
  return undefined;
}

describe('EngineMetrics Prometheus export', () => {
  it('exports counters with the right names, labels and values', async () => {
    const m = new EngineMetrics({ now: () => 1_000 });
    m.received('sim', 'source', 10);
    m.received('sim', 'source', 5);
    m.sent('sim', 'source', 15);
    m.bytesIn('sim', 2048);
    m.errors('file', 'source', 'invalid_json', 2);
    m.rejected('invalid_json', 2);
    m.rejected('non_finite', 1);
    m.processed(12);
    m.dropped('ingress', 'queue_full', 3);
    m.late(4);
    m.windowsEmitted(6);
    m.sent('console', 'sink', 6);
    m.errors('webhook', 'sink', 'write_failed', 1);
    m.sinkDropped('webhook', 2);
    m.connectionState('mqtt', 'connected');
    m.reconnect('mqtt');
    m.reconnect('mqtt');
    const text = await m.registry.metrics();

    expect(sample(text, 'streamscope_component_received_events_total', { component: 'sim', kind: 'source' })).toBe(15);
    expect(sample(text, 'streamscope_component_sent_events_total', { component: 'sim', kind: 'source' })).toBe(15);
    expect(sample(text, 'streamscope_component_sent_events_total', { component: 'console', kind: 'sink' })).toBe(6);
    expect(sample(text, 'streamscope_component_received_bytes_total', { component: 'sim' })).toBe(2048);
    expect(sample(text, 'streamscope_component_errors_total', { component: 'file', kind: 'source', reason: 'invalid_json' })).toBe(2);
    expect(sample(text, 'streamscope_component_errors_total', { component: 'webhook', kind: 'sink', reason: 'write_failed' })).toBe(1);
    expect(sample(text, 'streamscope_events_rejected_total', { reason: 'invalid_json' })).toBe(2);
    expect(sample(text, 'streamscope_events_rejected_total', { reason: 'non_finite' })).toBe(1);
    expect(sample(text, 'streamscope_events_processed_total')).toBe(12);
    expect(sample(text, 'streamscope_events_dropped_total', { stage: 'ingress', reason: 'queue_full' })).toBe(3);
    expect(sample(text, 'streamscope_late_events_total')).toBe(4);
    expect(sample(text, 'streamscope_window_results_emitted_total')).toBe(6);
    expect(sample(text, 'streamscope_source_connected', { component: 'mqtt' })).toBe(1);
    expect(sample(text, 'streamscope_source_reconnects_total', { component: 'mqtt' })).toBe(2);
    expect(sample(text, 'streamscope_sink_dropped_results_total', { component: 'webhook' })).toBe(2);
    expect(text).toMatch(/# TYPE streamscope_events_processed_total counter/);

    // Scraping twice does not double-count.
    m.processed(1);
    const again = await m.registry.metrics();
    expect(sample(again, 'streamscope_events_processed_total')).toBe(13);
    expect(sample(again, 'streamscope_component_received_events_total', { component: 'sim', kind: 'source' })).toBe(15);
  });

  it('uses its own registry: two instances do not collide', async () => {
    const a = new EngineMetrics();
    const b = new EngineMetrics();
    a.processed(5);
    expect(sample(await a.registry.metrics(), 'streamscope_events_processed_total')).toBe(5);
    expect(sample(await b.registry.metrics(), 'streamscope_events_processed_total')).toBe(0);
  });

  it('reads queues at scrape time and keeps counters monotonic after unregister', async () => {
    let t = 0;
    const m = new EngineMetrics({ now: () => t });
    const q = new BoundedQueue<number>({ name: 'ingress', maxEvents: 4, policy: 'block', now: () => t });
    m.registerQueue(q);
    q.put([1, 2, 3]);
    const blocked = q.put([4, 5]) as Promise<void>;
    t = 2_000;
    let text = await m.registry.metrics();
    expect(sample(text, 'streamscope_queue_depth_events', { queue: 'ingress' })).toBe(4);
    expect(sample(text, 'streamscope_queue_capacity_events', { queue: 'ingress' })).toBe(4);
    expect(sample(text, 'streamscope_backpressure_events_total', { stage: 'ingress' })).toBe(1);
    expect(sample(text, 'streamscope_backpressured_seconds_total', { stage: 'ingress' })).toBe(2);
    q.tryTake();
    await blocked;
    q.addBusyMs(500);
    m.unregisterQueue('ingress');
    text = await m.registry.metrics();
    expect(sample(text, 'streamscope_queue_depth_events', { queue: 'ingress' })).toBeUndefined();
    expect(sample(text, 'streamscope_backpressured_seconds_total', { stage: 'ingress' })).toBe(2);
    expect(sample(text, 'streamscope_busy_seconds_total', { stage: 'ingress' })).toBe(0.5);
    expect(m.snapshot().backpressureEvents).toBe(1);
  });

  it('exports the watermark and its lag computed at scrape time, and the latency histogram', async () => {
    let t = 100_000;
    const m = new EngineMetrics({ now: () => t });
    expect(m.snapshot().watermark).toBeNull();
    m.watermark(90_000);
    t = 100_500;
    m.observeLatency(0.004);
    m.observeLatency(2);
    const text = await m.registry.metrics();
    expect(sample(text, 'streamscope_watermark_seconds')).toBe(90);
    expect(sample(text, 'streamscope_watermark_lag_seconds')).toBe(10.5);
    expect(sample(text, 'streamscope_event_to_result_latency_seconds_count')).toBe(2);
    expect(sample(text, 'streamscope_event_to_result_latency_seconds_bucket', { le: '0.005' })).toBe(1);
    expect(sample(text, 'streamscope_event_to_result_latency_seconds_bucket', { le: '60' })).toBe(2);
  });

  it('includes default process metrics only when asked', async () => {
    const withDefault = new EngineMetrics({ collectDefault: true });
    const without = new EngineMetrics();
    expect(await withDefault.registry.metrics()).toMatch(/process_cpu_user_seconds_total/);
    expect(await without.registry.metrics()).not.toMatch(/process_cpu_user_seconds_total/);
  });
});

describe('EngineMetrics snapshot', () => {
  it('fills every MetricsSnapshot field', () => {
    let t = 50_000;
    const m = new EngineMetrics({ now: () => t });
    const q = new BoundedQueue<number>({ name: 'ingress', maxEvents: 10, policy: 'drop-newest', now: () => t });
    m.registerQueue(q);
    m.received('sim', 'source', 100);
    m.bytesIn('sim', 4000);
    m.errors('sim', 'source', 'invalid_json', 3);
    m.rejected('invalid_json', 3);
    m.connectionState('sim', 'connected');
    m.processed(90);
    m.dropped('ingress', 'queue_full', 10);
    m.late(2);
    m.windowsEmitted(7);
    m.sent('file', 'sink', 7);
    m.errors('file', 'sink', 'write_failed', 1);
    m.sinkDropped('file', 1);
    m.watermark(48_000);
    m.observeLatency(0.1);
    m.observeLatency(0.3);
    m.observeLatency(0.2);
    t = 52_000;
    const s = m.snapshot();
    expect(s).toEqual({
      at: 52_000,
      uptimeMs: 2_000,
      eventsReceived: 100,
      eventsProcessed: 90,
      eventsDropped: 10,
      eventsRejected: 3,
      lateEvents: 2,
      windowsEmitted: 7,
      backpressureEvents: 0,
      sinkErrors: 1,
      rates: {
        receivedPerSec: 50,
        processedPerSec: 45,
        droppedPerSec: 5,
        rejectedPerSec: 1.5,
        latePerSec: 1,
        emittedPerSec: 3.5,
      },
      watermark: 48_000,
      watermarkLagMs: 4_000,
      rejectedByReason: { invalid_json: 3 },
      queues: [q.snapshot()],
      sources: [{ name: 'sim', receivedEvents: 100, bytesIn: 4000, parseErrors: 3, state: 'connected', reconnects: 0 }],
      sinks: [{ name: 'file', sentResults: 7, errors: 1, droppedResults: 1 }],
      latencySeconds: { p50: 0.2, p99: 0.3 },
    });
    expect(new EngineMetrics().snapshot().latencySeconds).toEqual({ p50: null, p99: null });
  });

  it('computes rates over a sliding ~1 s window from an injected clock (they follow a rate change within a second)', () => {
    let t = 0;
    const m = new EngineMetrics({ now: () => t });
    // 100 events/s for 10 s, snapshots every second.
    for (let s = 1; s <= 10; s++) {
      t = s * 1000;
      m.received('sim', 'source', 100);
      expect(m.snapshot().rates.receivedPerSec).toBeCloseTo(100, 6);
    }
    // Source stops: the counter at the window start (9.5 s) is interpolated between 900 and 1000.
    t = 10_500;
    expect(m.snapshot().rates.receivedPerSec).toBeCloseTo(50, 6);
    t = 12_000;
    expect(m.snapshot().rates.receivedPerSec).toBe(0);
    // 50 more events in the second after the last snapshot: 50 / 1 s.
    t = 13_000;
    m.received('sim', 'source', 50);
    expect(m.snapshot().rates.receivedPerSec).toBeCloseTo(50, 6);
    // Early on, the window is the time since start.
    let t2 = 0;
    const young = new EngineMetrics({ now: () => t2 });
    t2 = 500;
    young.processed(100);
    expect(young.snapshot().rates.processedPerSec).toBeCloseTo(200, 6);
  });
});
