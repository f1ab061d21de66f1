/**
 * Elastic scale-out, end to end against the real NATS JetStream on 127.0.0.1:4222: a publisher
 * streams events over 20 partitions while `streamscope run --cluster` instances (real child
 * processes) run; one is SIGKILLed mid-stream and a fourth joins later. After the stream drains, the
 * committed results of all instances together are exactly the windows of the input (each once, exact
 * count, sum, min, max), and no partition's results were emitted by two instances at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Objm } from '@nats-io/obj';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WindowResult } from '../src-shared/types';
import { readCommittedResults } from '../src-main/engine/cluster/committed-output';
import { NatsObjectCheckpointStore } from '../src-main/engine/cluster/nats-checkpoint-store';
import { partitionOf } from '../src-main/engine/sources/nats-partition';

const BIN = join(import.meta.dirname, '..', 'bin', 'streamscope.mjs');
const P = 20;
const KEYS = 200;
const EVENTS = 30_000;
const WINDOW_MS = 1000;
const id = randomUUID().replace(/-/g, '').slice(0, 12);
const names = { stream: `sstest_${id}`, base: `sstest.${id}`, cluster: `sstest_${id}` };
const dir = mkdtempSync(join(tmpdir(), 'ss-cluster-'));
let nc: NatsConnection;

interface Instance {
  id: string;
  child: ChildProcess;
  outDir: string;
  stderr: () => string;
  exited: Promise<number | null>;
}
const instances: Instance[] = [];

interface InstanceOptions {
  stream: string;
  base: string;
  partitions: number;
  cluster: string;
  leaseTtl: string;
  checkpointInterval: string;
}
const mainCluster: InstanceOptions = { stream: names.stream, base: names.base, partitions: P, cluster: names.cluster, leaseTtl: '5s', checkpointInterval: '1s' };

function startInstance(instanceId: string, o: InstanceOptions = mainCluster): Instance {
  const outDir = join(dir, o.cluster, instanceId);
  const child = spawn(
    process.execPath,
    [BIN, 'run', '--cluster', '--stream', o.stream, '--subjects', `${o.base}.>`, '--partitions', String(o.partitions), '--output-dir', outDir,
      '--instance', instanceId, '--cluster-name', o.cluster, '--window', 'tumbling:1s', '--max-out-of-orderness', '0s',
      '--lease-ttl', o.leaseTtl, '--checkpoint-interval', o.checkpointInterval, '--metrics-port', '0'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const inst = { id: instanceId, child, outDir, stderr: () => stderr, exited };
  instances.push(inst);
  return inst;
}

async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000, everyMs = 100): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}\n${instances.map((i) => `--- ${i.id}\n${i.stderr().slice(-3000)}`).join('\n')}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const acquisitions = (i: Instance, p: number) => i.stderr().split('\n').filter((l) => l.includes(` partition ${p}: acquired `)).length;

beforeAll(async () => {
  nc = await connect({ servers: '127.0.0.1:4222' });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: names.stream, subjects: [`${names.base}.>`] });
});
afterAll(async () => {
  for (const i of instances) i.child.kill('SIGKILL');
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete(names.stream).catch(() => undefined);
  for (const c of [names.cluster, `${names.cluster}_stall`]) {
    await new Kvm(nc).open(`${c}_leases`).then((kv) => kv.destroy()).catch(() => undefined);
    await new Objm(nc).open(`${c}_checkpoints`).then((os) => os.destroy()).catch(() => undefined);
  }
  await nc?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('streamscope run --cluster', () => {
  it('one instance killed and one joining mid-stream: the committed results are every window exactly once', async () => {
    // Warm the CLI bundle once, so three instances do not build it at the same time.
    await new Promise((r) => spawn(process.execPath, [BIN, '--help'], { stdio: 'ignore' }).on('exit', r));
    const [a, b, c] = ['a', 'b', 'c'].map((x) => startInstance(x));
    await until(() => [a, b, c].every((i) => i.stderr().includes('cluster instance started')), 'three instances started');

    // The input: keys spread over the partitions, event time in order, 10 ms apart.
    const t0 = Date.UTC(2026, 0, 1);
    const events = Array.from({ length: EVENTS }, (_, i) => ({ sensorId: `k${(i * 7919) % KEYS}`, timestamp: t0 + i * 10, value: (i * 31) % 100 }));
    const js = jetstream(nc);
    let published = 0;
    const publishing = (async () => {
      for (let i = 0; i < EVENTS; i += 500) {
        await Promise.all(events.slice(i, i + 500).map((e) => js.publish(`${names.base}.${partitionOf(e.sensorId, P)}`, JSON.stringify(e))));
        published = i + 500;
        await new Promise((r) => setTimeout(r, 60));
      }
      // One far-future event per partition closes every window of the input.
      for (let p = 0; p < P; p++) await js.publish(`${names.base}.${p}`, JSON.stringify({ sensorId: `end-${p}`, timestamp: t0 + EVENTS * 10 + 60_000, value: 0 }));
    })();

    await until(() => published >= EVENTS / 3, 'a third published');
    b.child.kill('SIGKILL');
    await until(() => published >= (2 * EVENTS) / 3, 'two thirds published');
    const d = startInstance('d');
    await publishing;

    // Expected: every (key, 1 s window) of the input with its exact aggregates.
    const expected = new Map<string, { count: number; sum: number; min: number; max: number }>();
    for (const e of events) {
      const start = Math.floor(e.timestamp / WINDOW_MS) * WINDOW_MS;
      const k = `${e.sensorId}@${start}`;
      const w = expected.get(k) ?? { count: 0, sum: 0, min: Infinity, max: -Infinity };
      w.count++;
      w.sum += e.value;
      w.min = Math.min(w.min, e.value);
      w.max = Math.max(w.max, e.value);
      expected.set(k, w);
    }
    const store = await NatsObjectCheckpointStore.open(nc, { bucket: `${names.cluster}_checkpoints` });
    const outDirs = Object.fromEntries(['a', 'b', 'c', 'd'].map((x) => [x, join(dir, names.cluster, x)]));
    const committed = () => readCommittedResults(store, P, 'tumbling:1s', outDirs);
    await until(async () => (await committed()).length >= expected.size, 'every window committed', 120_000, 1000);
    await until(() => d.stderr().includes(': acquired '), 'the fourth instance got partitions');

    // The cluster on /metrics: an instance counts the live instances and reports what it owns.
    const url = /metrics: (http:\/\/[^/\s]+)\/metrics/.exec(a.stderr())![1];
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(Number(/^streamscope_cluster_instances (\d+)$/m.exec(text)![1])).toBeGreaterThanOrEqual(2);
    expect(Number(/^streamscope_cluster_partitions_owned (\d+)$/m.exec(text)![1])).toBeGreaterThan(0);
    expect(text).toMatch(/^streamscope_cluster_partition_lag_messages\{partition="\d+"\} \d+$/m);
    expect(text).toMatch(/^streamscope_cluster_leases_lost_total\{reason="released"\} \d+$/m);
    expect(text).toMatch(/^streamscope_cluster_checkpoints_total\{result="ok"\} [1-9]\d*$/m);

    for (const i of [a, c, d]) i.child.kill('SIGTERM');
    expect(await Promise.all([a, c, d].map((i) => i.exited))).toEqual([0, 0, 0]);

    const results = await committed();
    const seen = new Map<string, WindowResult & { partition: number }>();
    const twice: string[] = [];
    for (const r of results) {
      const k = `${r.sensorId}@${r.windowStart}`;
      if (seen.has(k)) twice.push(k);
      seen.set(k, r);
    }
    expect(twice).toEqual([]);
    const wrong: string[] = [];
    for (const [k, w] of expected) {
      const r = seen.get(k);
      const got = r && { count: r.count, sum: r.sum, min: r.min, max: r.max };
      if (!r || JSON.stringify(got) !== JSON.stringify(w) || r.partition !== partitionOf(r.sensorId, P)) wrong.push(`${k}: ${JSON.stringify(got)} != ${JSON.stringify(w)}`);
    }
    expect(wrong).toEqual([]);
    expect(seen.size).toBe(expected.size);
    // The killed instance did own partitions, and they were taken over.
    expect(results.some((r) => r.instance === 'b')).toBe(true);
    expect(results.some((r) => r.instance === 'd')).toBe(true);

    // One owner at a time: in every partition's raw output (committed or not), ordered by emission
    // time, the emitting instance changes no more often than ownership changed hands.
    for (let p = 0; p < P; p++) {
      const lines: Array<{ who: string; at: number }> = [];
      for (const i of instances.filter((x) => x.outDir.startsWith(join(dir, names.cluster)))) {
        const file = join(i.outDir, `partition-${p}.jsonl`);
        if (!readdirSync(i.outDir).includes(`partition-${p}.jsonl`)) continue;
        for (const l of readFileSync(file, 'utf8').split('\n')) if (l) lines.push({ who: i.id, at: (JSON.parse(l) as WindowResult).emittedAt });
      }
      lines.sort((x, y) => x.at - y.at);
      let runs = 0;
      for (let k = 0; k < lines.length; k++) if (k === 0 || lines[k].who !== lines[k - 1].who) runs++;
      const handovers = instances.reduce((n, i) => n + acquisitions(i, p), 0);
      expect(runs).toBeLessThanOrEqual(handovers);
    }
  }, 240_000);

  it('an instance stalled (SIGSTOP) past its leases emits nothing for the partitions it lost after SIGCONT', async () => {
    const cluster = `${names.cluster}_stall`;
    const parts = 4;
    const t0 = Date.UTC(2026, 1, 1);
    const js = jetstream(nc);
    // A stream and cluster of its own, 4 partitions.
    const base = `${names.base}s`;
    const stream = `${names.stream}s`;
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [`${base}.>`] });
    const publish = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const key = `k${i % 40}`;
        await js.publish(`${base}.${partitionOf(key, parts)}`, JSON.stringify({ sensorId: key, timestamp: t0 + i * 25, value: i % 10 }));
      }
    };
    const stall: InstanceOptions = { stream, base, partitions: parts, cluster, leaseTtl: '3s', checkpointInterval: '500ms' };
    const sizes = (i: Instance) => Array.from({ length: parts }, (_, p) => {
      const f = join(i.outDir, `partition-${p}.jsonl`);
      return readdirSync(i.outDir).includes(`partition-${p}.jsonl`) ? readFileSync(f).length : 0;
    });
    try {
      const x = startInstance('x', stall);
      await until(() => (x.stderr().match(/: acquired /g) ?? []).length === parts, 'x owns every partition');
      await publish(0, 2000);
      await until(() => sizes(x).every((n) => n > 0), 'x emitted in every partition');

      x.child.kill('SIGSTOP');
      const y = startInstance('y', stall);
      await until(() => (y.stderr().match(/: acquired /g) ?? []).length >= parts, 'y took every partition over', 90_000);
      // More input while x is stopped: its consumers' pending pulls fill its socket, ready to be read at resume.
      await publish(2000, 4000);
      const frozen = sizes(x);
      const mark = x.stderr().length;
      x.child.kill('SIGCONT');
      await until(() => (x.stderr().slice(mark).match(/lease lost \(expired\)/g) ?? []).length === parts, 'x noticed every loss');
      await new Promise((r) => setTimeout(r, 3000));

      const after = x.stderr().slice(mark);
      const reacquired = new Set([...after.matchAll(/ partition (\d+): acquired /g)].map((m) => Number(m[1])));
      const now = sizes(x);
      for (let p = 0; p < parts; p++) {
        // Lost and not taken back: not one byte more. Taken back: the loss came first (fenced), then a new claim.
        if (!reacquired.has(p)) expect(now[p], `partition ${p}`).toBeLessThanOrEqual(frozen[p]);
        else expect(after.indexOf(`partition ${p}: lease lost (expired)`)).toBeLessThan(after.indexOf(`partition ${p}: acquired `));
      }
      expect(reacquired.size).toBeLessThan(parts);

      // And the committed results are every window once.
      const store = await NatsObjectCheckpointStore.open(nc, { bucket: `${cluster}_checkpoints` });
      // 4000 events 25 ms apart, keys k0..k39 in turn: 100 s, windows 0..98 close (the last stays open), each key once per window.
      const committed = () => readCommittedResults(store, parts, 'tumbling:1s', { x: x.outDir, y: y.outDir });
      await until(async () => (await committed()).length >= 99 * 40, 'every window committed', 60_000, 1000);
      for (const i of [x, y]) i.child.kill('SIGTERM');
      await Promise.all([x.exited, y.exited]);
      const results = await committed();
      const keys = results.map((r) => `${r.sensorId}@${r.windowStart}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys.length).toBe(99 * 40);
      expect(results.filter((r) => r.count !== 1)).toEqual([]);
    } finally {
      await jsm.streams.delete(stream).catch(() => undefined);
    }
  }, 240_000);
});
