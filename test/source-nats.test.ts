/**
 * NatsSource against the real NATS JetStream on 127.0.0.1:4222 (unique stream per test, deleted
 * after). Covers decoding, ack-after-emit under block backpressure, the at-least-once guarantee
 * across a crash and restart, and key-space partitioning across two instances.
 */
import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DeadLetter, StreamEvent } from '../src-shared/types';
import type { SourceOutput } from '../src-main/engine/component';
import { EngineMetrics } from '../src-main/engine/metrics/engine-metrics';
import { NatsSource } from '../src-main/engine/sources/nats-source';
import { fnv1a32, partitionOf, subjectForKey } from '../src-main/engine/sources/nats-partition';

let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
const streams: string[] = [];
const sources: NatsSource[] = [];

beforeAll(async () => {
  nc = await connect({ servers: '127.0.0.1:4222' });
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
});
afterEach(async () => {
  while (sources.length) await sources.pop()!.stop();
  while (streams.length) await jsm.streams.delete(streams.pop()!).catch(() => undefined);
});
afterAll(async () => {
  await nc?.close();
});

function names() {
  const id = randomUUID().replace(/-/g, '').slice(0, 12);
  const stream = `sstest_${id}`;
  streams.push(stream);
  return { stream, subjects: `sstest.${id}.>`, base: `sstest.${id}`, durable: `d_${id}` };
}

/** Records every emitted event with the JetStream sequence of its message (from position().inFlight). */
function recorder(src: () => NatsSource, onEmit?: (n: number) => Promise<void> | void) {
  const got: Array<{ seq: number; e: StreamEvent }> = [];
  const rejects: DeadLetter[] = [];
  const out: SourceOutput = {
    emit(events) {
      const seqs = src().position().inFlight!.eventSeqs;
      expect(seqs.length).toBe(events.length);
      events.forEach((e, i) => got.push({ seq: seqs[i], e }));
      return onEmit?.(got.length);
    },
    reject(r) {
      rejects.push(...r);
    },
  };
  return { out, got, rejects };
}

async function until(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function start(src: NatsSource, out: SourceOutput): { running: Promise<void> } {
  sources.push(src);
  const running = src.run(out);
  running.catch(() => undefined);
  return { running };
}

describe('partitionOf', () => {
  it('is FNV-1a 32 of the UTF-8 key, mod count', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    expect(partitionOf('a', 7)).toBe(0xe40c292c % 7);
    expect(partitionOf('température', 1)).toBe(0);
    expect(() => partitionOf('a', 0)).toThrow(/count/);
  });
});

describe('NatsSource', () => {
  it('creates the stream, decodes single events and arrays, dead-letters bad messages and acks them', async () => {
    const n = names();
    const metrics = new EngineMetrics();
    const src = new NatsSource({ stream: n.stream, subjects: n.subjects, durable: n.durable, createStream: true }, { metrics });
    const r = recorder(() => src);
    start(src, r.out);
    await until(() => metrics.snapshot().sources.some((s) => s.name === 'nats' && s.state === 'connected'), 'connected');
    await until(() => Object.keys(src.position().consumers).length === 1, 'consumer bound');
    await js.publish(`${n.base}.a`, JSON.stringify({ sensorId: 'a', timestamp: 1000, value: 1 }));
    await js.publish(`${n.base}.b`, JSON.stringify([{ sensorId: 'b', timestamp: 1001, value: 2 }, { sensorId: 'b', timestamp: 1002, value: 3 }]));
    await js.publish(`${n.base}.c`, 'not json');
    await js.publish(`${n.base}.c`, JSON.stringify({ sensorId: 'c', timestamp: 'yesterday', value: 3 }));
    await until(() => r.got.length === 3 && r.rejects.length === 2, 'events and rejects');
    expect(r.got.map((g) => [g.seq, g.e.sensorId, g.e.value])).toEqual([
      [1, 'a', 1],
      [2, 'b', 2],
      [2, 'b', 3],
    ]);
    expect(r.rejects.map((d) => d.reason)).toEqual(['invalid_json', 'bad_timestamp']);
    await until(() => src.position().consumers[n.durable].ackedStreamSeq === 4, 'all acked');
    const info = await jsm.consumers.info(n.stream, n.durable);
    expect(info.num_ack_pending).toBe(0);
    const s = metrics.snapshot().sources.find((x) => x.name === 'nats')!;
    expect(s.parseErrors).toBe(2);
    expect(s.bytesIn).toBeGreaterThan(50);
  });

  it('acks nothing while the emit is blocked, and everything after it resolves', async () => {
    const n = names();
    await jsm.streams.add({ name: n.stream, subjects: [n.subjects] });
    const N = 30;
    for (let i = 0; i < N; i++) await js.publish(`${n.base}.x`, JSON.stringify({ sensorId: `k${i % 3}`, timestamp: i, value: i }));
    let release!: () => void;
    const gate = new Promise<void>((res) => (release = res));
    const src = new NatsSource({ stream: n.stream, subjects: n.subjects, durable: n.durable, batch: 8 });
    let blocked = true;
    const r = recorder(() => src, () => (blocked ? gate : undefined));
    start(src, r.out);
    await until(() => r.got.length > 0, 'first emit');
    await new Promise((res) => setTimeout(res, 300));
    expect(r.got.length).toBe(8); // one batch, parked on the blocked emit
    expect(src.position().consumers[n.durable].ackedStreamSeq).toBe(0);
    expect((await jsm.consumers.info(n.stream, n.durable)).ack_floor.stream_seq).toBe(0);
    blocked = false;
    release();
    await until(() => r.got.length === N && src.position().consumers[n.durable].ackedStreamSeq === N, 'all delivered and acked').catch((e) => { throw new Error(e.message + JSON.stringify({ got: r.got.length, pos: src.position() })); });
    await until(() => src.position().inFlight === null, 'idle');
  });

  it('at-least-once across a crash: unacked messages are redelivered to the restarted instance; deduplicated by sequence the counts are exact', async () => {
    const n = names();
    await jsm.streams.add({ name: n.stream, subjects: [n.subjects] });
    const N = 200;
    const keys = ['k0', 'k1', 'k2', 'k3', 'k4'];
    const published = new Map<string, number>();
    for (let i = 0; i < N; i++) {
      const key = keys[(i * 7) % keys.length];
      published.set(key, (published.get(key) ?? 0) + 1);
      await js.publish(`${n.base}.${key}`, JSON.stringify({ sensorId: key, timestamp: 1_000 + i, value: i }));
    }
    const opts = { stream: n.stream, subjects: n.subjects, durable: n.durable, batch: 16, ackWaitMs: 1000 };

    // Instance A: crashes while the engine holds a batch (its emit never completes).
    const a = new NatsSource(opts);
    const ra = recorder(
      () => a,
      (total) => {
        if (total < 60) return undefined;
        void a.abort();
        return new Promise<void>(() => undefined);
      },
    );
    const runA = start(a, ra.out).running;
    await until(() => ra.got.length >= 60, 'instance A mid-stream');
    await runA;
    const ackedByA = a.position().consumers[n.durable].ackedStreamSeq;
    expect(ackedByA).toBeLessThan(N);

    // Instance B: same durable, resumes after A's acks and gets A's unacked batch again.
    const b = new NatsSource(opts);
    const rb = recorder(() => b);
    start(b, rb.out);
    const all = () => [...ra.got, ...rb.got];
    await until(() => new Set(all().map((g) => g.seq)).size === N, 'every sequence delivered');
    await until(() => b.position().consumers[n.durable].ackedStreamSeq === N, 'B acked all');

    const bySeq = new Map<number, StreamEvent>();
    for (const g of all()) bySeq.set(g.seq, g.e);
    expect([...bySeq.keys()].sort((x, y) => x - y)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    const counts = new Map<string, number>();
    for (const e of bySeq.values()) counts.set(e.sensorId, (counts.get(e.sensorId) ?? 0) + 1);
    expect(counts).toEqual(published);
    // At-least-once, not exactly-once: the batch in flight at the crash came twice.
    expect(all().length).toBeGreaterThan(N);
    expect(b.position().redelivered).toBeGreaterThan(0);
    expect(rb.got.every((g) => g.seq > ackedByA)).toBe(true);
  });

  it('two instances with disjoint partitions receive every event exactly once, and no key reaches both', async () => {
    const n = names();
    const count = 2;
    const mk = (mine: number[]) =>
      new NatsSource({ stream: n.stream, subjects: n.subjects, durable: n.durable, createStream: true, partitions: { count, mine } });
    const s0 = mk([0]);
    const s1 = mk([1]);
    const r0 = recorder(() => s0);
    const r1 = recorder(() => s1);
    start(s0, r0.out);
    await until(() => Object.keys(s0.position().consumers).length === 1, 's0 bound (stream created)');
    start(s1, r1.out);
    await until(() => Object.keys(s1.position().consumers).length === 1, 's1 bound');
    const N = 120;
    const published = new Map<string, number>();
    for (let i = 0; i < N; i++) {
      const key = `sensor-${i % 17}`;
      published.set(key, (published.get(key) ?? 0) + 1);
      await js.publish(subjectForKey(n.subjects, key, count), JSON.stringify({ sensorId: key, timestamp: i, value: i }));
    }
    await until(() => r0.got.length + r1.got.length >= N, 'all events');
    await new Promise((res) => setTimeout(res, 200));
    const seqs = [...r0.got, ...r1.got].map((g) => g.seq);
    expect(seqs.length).toBe(N);
    expect(new Set(seqs).size).toBe(N);
    const keys0 = new Set(r0.got.map((g) => g.e.sensorId));
    const keys1 = new Set(r1.got.map((g) => g.e.sensorId));
    expect(keys0.size).toBeGreaterThan(0);
    expect(keys1.size).toBeGreaterThan(0);
    expect([...keys0].filter((k) => keys1.has(k))).toEqual([]);
    for (const k of keys0) expect(partitionOf(k, count)).toBe(0);
    for (const k of keys1) expect(partitionOf(k, count)).toBe(1);
    const counts = new Map<string, number>();
    for (const g of [...r0.got, ...r1.got]) counts.set(g.e.sensorId, (counts.get(g.e.sensorId) ?? 0) + 1);
    expect(counts).toEqual(published);
    expect(s0.bindings()).toEqual([{ durable: `${n.durable}-p0`, filterSubject: `${n.base}.0` }]);
  });

  it('rejects run() naming the servers when unreachable, and when the stream is missing', async () => {
    const metrics = new EngineMetrics();
    const bad = new NatsSource(
      { servers: '127.0.0.1:1', stream: 's', durable: 'd', maxConnectAttempts: 2, reconnectTimeWaitMs: 20, connectTimeoutMs: 500 },
      { metrics },
    );
    await expect(bad.run(recorder(() => bad).out)).rejects.toThrow(/127\.0\.0\.1:1 after 2 attempts/);
    expect(metrics.snapshot().sources.find((s) => s.name === 'nats')!.state).not.toBe('connected');
    const missing = new NatsSource({ stream: `nope_${randomUUID().slice(0, 8)}`, durable: 'd' });
    await expect(missing.run(recorder(() => missing).out)).rejects.toThrow(/not found .*createStream/);
  });

  it('validates options', () => {
    expect(() => new NatsSource({ stream: 'a.b', durable: 'd' })).toThrow(/stream/);
    expect(() => new NatsSource({ stream: 's', durable: 'd', subjects: 'x.y', partitions: { count: 2, mine: [0] } })).toThrow(/\.>/);
    expect(() => new NatsSource({ stream: 's', durable: 'd', partitions: { count: 2, mine: [2] } })).toThrow(/mine/);
  });

  it('stop() is idempotent and makes run() resolve', async () => {
    const n = names();
    const src = new NatsSource({ stream: n.stream, subjects: n.subjects, durable: n.durable, createStream: true });
    const { running } = start(src, recorder(() => src).out);
    await until(() => Object.keys(src.position().consumers).length === 1, 'bound');
    await Promise.all([src.stop(), src.stop()]);
    await expect(running).resolves.toBeUndefined();
  });
});
