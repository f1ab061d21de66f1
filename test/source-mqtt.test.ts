/**
 * MqttSource against the real Mosquitto on 127.0.0.1:1883 (unique topic per test).
 */
import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import type { SourceOutput } from '../src-main/engine/component';
import { EngineMetrics } from '../src-main/engine/metrics/engine-metrics';
import { MqttSource } from '../src-main/engine/sources/mqtt-source';
import { collectingOutput } from './support/collecting-output';

const URL_ = 'mqtt://127.0.0.1:1883';

const collector = collectingOutput;

async function until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function publisher() {
  const pub = await mqtt.connectAsync(URL_, { clientId: `pub-${randomUUID()}` });
  cleanups.push(() => pub.endAsync());
  return pub;
}

async function started(src: MqttSource, out: SourceOutput, metrics: EngineMetrics) {
  const running = src.run(out);
  cleanups.push(async () => {
    await src.stop();
    await running;
  });
  await until(() => metrics.snapshot().sources.some((s) => s.name === 'mqtt' && s.state === 'connected'), 'connected');
  // The subscription is sent right after CONNACK; give the broker a moment to register it.
  await new Promise((r) => setTimeout(r, 200));
  return { running };
}

describe('MqttSource', () => {
  it('subscribes with wildcards, takes the key from a topic level, decodes single events and arrays, dead-letters bad payloads', async () => {
    const root = `streamscope-test/${randomUUID()}`;
    const metrics = new EngineMetrics();
    const src = new MqttSource(
      { url: URL_, topics: [`${root}/sensors/+/temperature`], qos: 1, keyFromTopicLevel: 3 },
      { metrics },
    );
    const c = collector();
    await started(src, c.out, metrics);
    const pub = await publisher();
    const t = 1_700_000_000_000;
    await pub.publishAsync(`${root}/sensors/kitchen/temperature`, JSON.stringify({ timestamp: t, value: 21.5, unit: 'C' }), { qos: 1 });
    await pub.publishAsync(
      `${root}/sensors/attic/temperature`,
      JSON.stringify([
        { timestamp: t + 1, value: 30 },
        { timestamp: t + 2, value: 31, sensorId: 'ignored-topic-wins' },
        { timestamp: t + 3, value: 'hot' },
      ]),
      { qos: 1 },
    );
    await pub.publishAsync(`${root}/sensors/cellar/temperature`, '{not json', { qos: 1 });
    await pub.publishAsync(`${root}/sensors/cellar/humidity`, JSON.stringify({ timestamp: t, value: 99 }), { qos: 1 }); // not subscribed

    await until(() => c.events.length >= 3 && c.rejects.length >= 2, 'events and rejects');
    expect(c.events).toEqual([
      { sensorId: 'kitchen', timestamp: t, value: 21.5, unit: 'C' },
      { sensorId: 'attic', timestamp: t + 1, value: 30 },
      { sensorId: 'attic', timestamp: t + 2, value: 31 },
    ]);
    expect(c.rejects.map((r) => r.reason).sort()).toEqual(['invalid_json', 'wrong_type']);
    expect(c.rejects.find((r) => r.reason === 'invalid_json')?.raw).toBe('{not json');
    expect(c.rejects.every((r) => r.source === 'mqtt')).toBe(true);
    const s = metrics.snapshot().sources.find((x) => x.name === 'mqtt')!;
    expect(s.parseErrors).toBe(2);
    expect(s.bytesIn).toBeGreaterThan(100);
    expect(src.position().messages).toBe(3);
  });

  it('takes the key from the payload when no topic level is configured, with a field mapping', async () => {
    const root = `streamscope-test/${randomUUID()}`;
    const metrics = new EngineMetrics();
    const src = new MqttSource(
      { url: URL_, topics: [`${root}/#`], qos: 0, mapping: { key: 'id', time: 'ts', value: 'v', timeUnit: 's' } },
      { metrics },
    );
    const c = collector();
    await started(src, c.out, metrics);
    const pub = await publisher();
    await pub.publishAsync(`${root}/a/b`, JSON.stringify({ id: 'x', ts: 1_700_000_000, v: 1 }));
    await until(() => c.events.length === 1, 'one event');
    expect(c.events[0]).toEqual({ sensorId: 'x', timestamp: 1_700_000_000_000, value: 1 });
  });

  it('under block backpressure stops reading until the emit resolves, then delivers everything', async () => {
    const root = `streamscope-test/${randomUUID()}`;
    const metrics = new EngineMetrics();
    const src = new MqttSource({ url: URL_, topics: [`${root}/+`], qos: 1, keyFromTopicLevel: 2 }, { metrics });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let blocked = true;
    const c = collector(() => (blocked ? gate : undefined));
    await started(src, c.out, metrics);
    const pub = await publisher();
    const N = 50;
    for (let i = 0; i < N; i++) {
      await pub.publishAsync(`${root}/k${i % 5}`, JSON.stringify({ timestamp: 1000 + i, value: i }), { qos: 1 });
    }
    await until(() => c.emits() >= 1, 'first emit');
    // All N are at the broker (publisher got its PUBACKs); the source must still be parked on emit #1.
    await new Promise((r) => setTimeout(r, 300));
    expect(c.emits()).toBe(1);
    expect(c.events.length).toBe(1);
    blocked = false;
    release();
    await until(() => c.events.length === N, `all ${N} events`);
    expect(c.events.map((e) => e.value)).toEqual(Array.from({ length: N }, (_, i) => i));
  });

  it('rejects run() naming the URL when the broker is unreachable, and counts the attempts', async () => {
    const metrics = new EngineMetrics();
    const url = 'mqtt://127.0.0.1:1';
    const src = new MqttSource({ url, topics: ['x'], maxConnectAttempts: 2, reconnectPeriodMs: 20, connectTimeoutMs: 500 }, { metrics });
    await expect(src.run(collector().out)).rejects.toThrow(/mqtt:\/\/127\.0\.0\.1:1 after 2 attempts/);
    const s = metrics.snapshot().sources.find((x) => x.name === 'mqtt')!;
    expect(s.reconnects).toBeGreaterThanOrEqual(1);
    expect(s.state).toBe('stopped');
    await src.stop();
  });

  it('rejects bad options with a clear message', () => {
    expect(() => new MqttSource({ url: 'http://x', topics: ['a'] })).toThrow(/MQTT URL/);
    expect(() => new MqttSource({ topics: [] })).toThrow(/topic/);
    expect(() => new MqttSource({ topics: ['a'], keyFromTopicLevel: 0, mapping: { key: '=k' } })).toThrow(/exclude/);
  });

  it('stop() is idempotent and makes run() resolve', async () => {
    const metrics = new EngineMetrics();
    const src = new MqttSource({ url: URL_, topics: [`streamscope-test/${randomUUID()}`] }, { metrics });
    const running = src.run(collector().out);
    await until(() => metrics.snapshot().sources.some((s) => s.state === 'connected'), 'connected');
    await Promise.all([src.stop(), src.stop()]);
    await src.stop();
    await expect(running).resolves.toBeUndefined();
    expect(metrics.snapshot().sources.find((x) => x.name === 'mqtt')!.state).toBe('stopped');
  });
});
