import { describe, expect, it } from 'vitest';
import type { WindowResult } from '../src-shared/types';
import type { Sink } from '../src-main/engine/component';
import { Pipeline } from '../src-main/engine/pipeline';

/** Polls `check` until it returns true (upper bound only; never asserts a duration). */
async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A sink that records results, optionally slowly (one batch per `delayMs`). */
function recordingSink(delayMs = 0): Sink & { results: WindowResult[] } {
  const results: WindowResult[] = [];
  return {
    name: 'recorder',
    results,
    async write(batch) {
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      results.push(...batch);
    },
    async close() {},
  };
}

const sumCounts = (rs: WindowResult[]) => rs.reduce((a, r) => a + r.count, 0);

describe('live pipeline', () => {
  it('serves moving metrics and, on stop, accounts for every event in some window', async () => {
    const rec = recordingSink();
    const p = new Pipeline(
      {
        source: { type: 'sim', sensors: 5, rateEventsPerSec: 5000, jitterMs: 50 },
        window: 'tumbling:200ms',
        maxOutOfOrdernessMs: 100,
        sinks: [],
        metrics: { host: '127.0.0.1', port: 0 },
      },
      { hostSinks: [rec] },
    );
    await p.start();
    const url = p.metricsServer!.url;
    const scrape = async () => (await (await fetch(`${url}/metrics`)).text());
    const received = (text: string) =>
      Number(/streamscope_component_received_events_total\{component="sim",kind="source"\} (\d+)/.exec(text)?.[1] ?? 0);
    const first = received(await scrape());
    await until(async () => received(await scrape()) > first + 500);
    await until(() => rec.results.length > 0);
    const json = (await (await fetch(`${url}/metrics.json`)).json()) as { eventsReceived: number; windowsEmitted: number; watermark: number };
    expect(json.eventsReceived).toBeGreaterThan(0);
    expect(json.windowsEmitted).toBeGreaterThan(0);
    expect(Number.isFinite(json.watermark)).toBe(true);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    await p.stop();
    const m = p.metrics.snapshot();
    expect(m.eventsDropped).toBe(0);
    expect(sumCounts(rec.results)).toBe(m.eventsProcessed);
    expect(m.eventsProcessed + m.lateEvents).toBe(m.eventsReceived);
  });

  it('changes window size, alert threshold and sinks while running without losing results', async () => {
    const rec = recordingSink();
    const p = new Pipeline(
      { source: { type: 'sim', sensors: 3, rateEventsPerSec: 3000 }, window: 'tumbling:1s', sinks: [], metrics: false },
      { hostSinks: [rec] },
    );
    await p.start();
    await until(() => p.metrics.snapshot().eventsProcessed > 500);
    await p.reconfigure({ window: { kind: 'tumbling', sizeMs: 100 }, alertThreshold: -1e9 });
    const switchedAt = rec.results.length;
    await until(() => rec.results.length > switchedAt + 10);
    await p.stop();
    const after = rec.results.slice(switchedAt);
    // Results after the switch use the new size; every event is still in exactly one window.
    expect(after.filter((r) => r.windowEnd - r.windowStart === 100).length).toBeGreaterThan(0);
    expect(after.every((r) => r.windowEnd - r.windowStart === 100 || r.windowEnd - r.windowStart === 1000)).toBe(true);
    const m = p.metrics.snapshot();
    expect(sumCounts(rec.results)).toBe(m.eventsProcessed);
    // With threshold far below every value, windows opened after the change count every event as an alert.
    const late = after.filter((r) => r.windowEnd - r.windowStart === 100).slice(-3);
    for (const r of late) expect(r.alertCount).toBe(r.count);
  });

  it('block policy: a slow sink pauses the source, nothing is dropped', async () => {
    const slow = recordingSink(30);
    const p = new Pipeline(
      {
        source: { type: 'sim', sensors: 2, rateEventsPerSec: 50_000 },
        window: 'tumbling:10ms',
        sinks: [],
        queues: { ingress: { maxEvents: 1000, policy: 'block' }, sink: { maxEvents: 50, policy: 'block' } },
        metrics: false,
      },
      { hostSinks: [slow] },
    );
    await p.start();
    await until(() => p.metrics.snapshot().queues.some((q) => q.backpressuredMsPerSec > 0) || p.metrics.snapshot().backpressureEvents > 0);
    await p.stop();
    const m = p.metrics.snapshot();
    expect(m.eventsDropped).toBe(0);
    expect(m.backpressureEvents).toBeGreaterThan(0);
    expect(sumCounts(slow.results)).toBe(m.eventsProcessed);
  });

  it('drop-newest policy sheds load under overload and counts every dropped event', async () => {
    const slow = recordingSink(20);
    const p = new Pipeline(
      {
        source: { type: 'sim', sensors: 2, rateEventsPerSec: 200_000 },
        window: 'tumbling:1ms',
        sinks: [],
        queues: { ingress: { maxEvents: 500, policy: 'drop-newest' }, sink: { maxEvents: 100, policy: 'block' } },
        metrics: false,
      },
      { hostSinks: [slow] },
    );
    await p.start();
    await until(() => p.metrics.snapshot().eventsDropped > 0);
    await p.stop();
    const m = p.metrics.snapshot();
    expect(m.eventsReceived).toBe(m.eventsProcessed + m.lateEvents + m.eventsDropped);
    expect(sumCounts(slow.results)).toBe(m.eventsProcessed);
  });

  it('idle timeout closes the open windows when input stops (before any stop())', async () => {
    const rec = recordingSink();
    const p = new Pipeline(
      { source: { type: 'sim', sensors: 2, rateEventsPerSec: 1000 }, window: 'tumbling:200ms', idleTimeoutMs: 50, sinks: [], metrics: false },
      { hostSinks: [rec] },
    );
    await p.start();
    await until(() => p.metrics.snapshot().eventsProcessed > 10);
    p.pause();
    // Input stops; within idleTimeout + one window of processing time the idle watermark passes the
    // end of every open window, so every processed event is in an emitted result without a stop().
    await until(() => {
      const processed = p.metrics.snapshot().eventsProcessed;
      return processed > 0 && sumCounts(rec.results) === processed;
    });
    expect(p.state).toBe('paused');
    expect(p.stateSize).toBe(0);
    await p.stop();
    expect(sumCounts(rec.results)).toBe(p.metrics.snapshot().eventsProcessed);
  });

  it('rejects an invalid configuration with the field named', () => {
    expect(() => new Pipeline({ window: 'tumbling:0s' })).toThrow(/window/);
    expect(() => new Pipeline({ queues: { ingress: { policy: 'sometimes' } } })).toThrow(/queues\.ingress\.policy/);
  });
});

describe('pipeline side outputs', () => {
  it('accepts late and dead-letter subscribers before start()', async () => {
    const p = new Pipeline({ source: { type: 'sim', sensors: 1, rateEventsPerSec: 2000, malformedRate: 0.5 }, sinks: [], metrics: false });
    let rejected = 0;
    p.onDeadLetter((b) => (rejected += b.length));
    p.onLate(() => {});
    await p.start();
    await until(() => rejected > 0);
    await p.stop();
    expect(rejected).toBe(p.metrics.snapshot().eventsRejected);
  });
});

describe('pipeline reconfiguration across kinds', () => {
  it('switches window kind (hopping → session → tumbling) and source type while running', async () => {
    const rec = recordingSink();
    const p = new Pipeline(
      { source: { type: 'sim', sensors: 2, rateEventsPerSec: 500 }, window: 'hopping:10s:2s', sinks: [], metrics: { host: '127.0.0.1', port: 0 } },
      { hostSinks: [rec], onSourceEnd: 'continue' },
    );
    await p.start();
    await until(() => p.metrics.snapshot().eventsProcessed > 20);
    await p.reconfigure({ window: { kind: 'session', gapMs: 1000 } });
    expect(p.config.window).toEqual({ kind: 'session', gapMs: 1000 });
    // The open hopping windows fired at the switch.
    expect(rec.results.some((r) => r.windowKind === 'hopping' && r.windowEnd - r.windowStart === 10_000)).toBe(true);
    await until(() => p.stateSize > 0);
    await p.reconfigure({ window: 'tumbling:200ms' });
    expect(p.config.window).toEqual({ kind: 'tumbling', sizeMs: 200 });
    // The open sessions fired at the switch; then the new window size takes over.
    expect(rec.results.some((r) => r.windowKind === 'session')).toBe(true);
    await until(() => rec.results.some((r) => r.windowKind === 'tumbling' && r.windowEnd - r.windowStart === 200));

    await p.reconfigure({ source: { type: 'http' } });
    expect(p.config.source.type).toBe('http');
    expect(p.metrics.snapshot().sources.find((x) => x.name === 'sim')?.state).toBe('stopped');
    const t = Date.now();
    const res = await fetch(`${p.metricsServer!.url}/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: [{ sensorId: 'posted', timestamp: t, value: 3 }, { sensorId: 'posted', timestamp: t + 1, value: 5 }].map((e) => JSON.stringify(e)).join('\n'),
    });
    expect(res.status).toBe(200);

    await p.reconfigure({ source: { type: 'sim', sensors: 2, rateEventsPerSec: 100 } });
    expect(p.config.source).toMatchObject({ type: 'sim', rateEventsPerSec: 100 });
    // Switching away from the HTTP source fired its window: the posted events are in one result.
    const posted = rec.results.filter((r) => r.sensorId === 'posted');
    expect(posted.map((r) => [r.count, r.sum, r.min, r.max])).toEqual([[2, 8, 3, 5]]);
    const before = rec.results.length;
    await until(() => rec.results.slice(before).some((r) => /^sensor-\d+$/.test(r.sensorId)));
    await p.stop();
  });
});

describe('switching to a replayed file', () => {
  it('restarts event time, so a file far behind the old source is not all late', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const file = join(mkdtempSync(join(tmpdir(), 'ss-switch-')), 'old.jsonl');
    writeFileSync(file, Array.from({ length: 100 }, (_, i) => JSON.stringify({ sensorId: 'old', timestamp: 1_262_304_000_000 + i * 1000, value: i })).join('\n'));
    const rec = recordingSink();
    const p = new Pipeline({ source: { type: 'sim', rateEventsPerSec: 2000 }, window: 'tumbling:10s', sinks: [], metrics: false }, { hostSinks: [rec], onSourceEnd: 'continue' });
    await p.start();
    await until(() => p.metrics.snapshot().eventsProcessed > 100);
    await p.reconfigure({ source: { type: 'file', path: file } });
    await until(() => rec.results.some((r) => r.sensorId === 'old'));
    await p.stop();
    expect(rec.results.filter((r) => r.sensorId === 'old').reduce((a, r) => a + r.count, 0)).toBe(100);
  });
});

describe('a replayed file that ends while the app keeps running', () => {
  it('fires its last windows at once (no idle timeout needed) and reports the old source stopped', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const file = join(mkdtempSync(join(tmpdir(), 'ss-end-')), 'day.jsonl');
    writeFileSync(file, Array.from({ length: 100 }, (_, i) => JSON.stringify({ sensorId: 'f', timestamp: 1_262_304_000_000 + i * 1000, value: i })).join('\n'));
    const rec = recordingSink();
    const p = new Pipeline(
      { source: { type: 'sim', rateEventsPerSec: 2000 }, window: 'tumbling:1h', idleTimeoutMs: 0, sinks: [], metrics: false },
      { hostSinks: [rec], onSourceEnd: 'continue' },
    );
    await p.start();
    await until(() => p.metrics.snapshot().eventsProcessed > 100);
    await p.reconfigure({ source: { type: 'file', path: file } });
    expect(p.metrics.snapshot().sources.find((x) => x.name === 'sim')?.state).toBe('stopped');
    // One 1 h window holds all 100 events; only the end of the file can close it.
    await until(() => rec.results.filter((r) => r.sensorId === 'f').reduce((a, r) => a + r.count, 0) === 100);
    expect(p.state).toBe('running');
    await p.stop();
  });
});

describe('paused pipeline', () => {
  it('can switch source while paused, and stays paused', async () => {
    const p = new Pipeline({ source: { type: 'sim', rateEventsPerSec: 5000 }, sinks: [], metrics: false }, { onSourceEnd: 'continue' });
    await p.start();
    await until(() => p.metrics.snapshot().eventsReceived > 10);
    p.pause();
    await new Promise((r) => setTimeout(r, 100)); // let the source block on the pause gate
    await p.reconfigure({ source: { type: 'sim', sensors: 3, rateEventsPerSec: 100 } });
    expect(p.state).toBe('paused');
    p.resume();
    const before = p.metrics.snapshot().eventsReceived;
    await until(() => p.metrics.snapshot().eventsReceived > before);
    await p.stop();
  });
});
