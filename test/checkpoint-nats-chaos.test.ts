/**
 * Exactly-once from NATS JetStream across crashes, with real processes and the real server on
 * 127.0.0.1:4222: a publisher streams events while `streamscope run --source nats` with checkpoints
 * is killed with SIGKILL at random moments and restarted; in the end every window is in the output
 * file exactly once with its exact count (messages are acked only once a checkpoint covers them,
 * and a restart resumes at the checkpoint's stream sequence).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WindowResult } from '../src-shared/types';
import { mulberry32 } from '../src-main/engine/sources/simulated-source';

const BIN = join(import.meta.dirname, '..', 'bin', 'streamscope.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ss-nats-chaos-'));
const id = randomUUID().replace(/-/g, '').slice(0, 12);
const stream = `sschaos_${id}`;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;

beforeAll(async () => {
  nc = await connect({ servers: '127.0.0.1:4222' });
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: stream, subjects: [`sschaos.${id}.>`] });
});
afterAll(async () => {
  await jsm?.streams.delete(stream).catch(() => undefined);
  await nc?.close();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const EVENTS = 40_000;
const KEYS = 40;
const T0 = 1_700_000_000_000;

function start(argv: string[]): { child: ChildProcess; stderr: () => string; exit: Promise<{ code: number | null; signal: string | null; stderr: string }> } {
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return { child, stderr: () => stderr, exit: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr }))) };
}

describe('crash recovery from NATS JetStream', () => {
  it('with a publisher running and SIGKILLs, every window is emitted exactly once with its exact count', async () => {
    const config = join(dir, 'config.json');
    const out = join(dir, 'out.jsonl');
    const ck = join(dir, 'ck');
    writeFileSync(config, JSON.stringify({ source: { type: 'nats', stream, subjects: `sschaos.${id}.>`, durable: `d_${id}` }, metrics: false }));
    const argv = [BIN, 'run', '--config', config, '--window', 'tumbling:1s', '--max-out-of-orderness', '0s', '--idle-timeout', '0s',
      '--output', out, '--no-console', '--checkpoint-dir', ck, '--checkpoint-interval', '200ms'];

    // Expected counts per (key, window), from what is published: event i at T0 + 5 i ms, key i mod KEYS.
    const expected = new Map<string, number>();
    for (let i = 0; i < EVENTS; i++) {
      const k = `${i % KEYS}|${Math.floor((T0 + 5 * i) / 1000) * 1000}`;
      expected.set(k, (expected.get(k) ?? 0) + 1);
    }
    const publisher = (async () => {
      for (let i = 0; i < EVENTS; i += 200) {
        const acks = [];
        // A message id per event: a publish the client retries under load is stored once (JetStream dedup).
        for (let j = i; j < i + 200; j++) acks.push(js.publish(`sschaos.${id}.k`, JSON.stringify({ sensorId: `k${j % KEYS}`, timestamp: T0 + 5 * j, value: 1 }), { msgID: `e${j}` }));
        await Promise.all(acks);
        await sleep(25);
      }
      // One event far ahead moves the watermark past every window above.
      await js.publish(`sschaos.${id}.k`, JSON.stringify({ sensorId: 'end', timestamp: T0 + 5 * EVENTS + 60_000, value: 0 }));
    })();

    const rng = mulberry32(11);
    let kills = 0;
    let published = false;
    void publisher.then(() => (published = true));
    const epochs = () => (existsSync(join(ck, 'main')) ? readdirSync(join(ck, 'main')).filter((n) => n.endsWith('.bin')).map((n) => Number(/\d+/.exec(n)![0])) : []);
    while (!published || kills < 6) {
      const before = Math.max(0, ...epochs());
      const r = start(argv);
      // Kill at a random moment after this run stored a checkpoint of its own (so it made progress).
      const deadline = Date.now() + 30_000;
      while (Math.max(0, ...epochs()) <= before && Date.now() < deadline) await sleep(20);
      await sleep(Math.floor(rng() * 400));
      r.child.kill('SIGKILL');
      const e = await r.exit;
      expect(e.signal, e.stderr).toBe('SIGKILL');
      kills++;
      if (kills > 30) break;
    }
    await publisher;
    expect((await jsm.streams.info(stream)).state.messages).toBe(EVENTS + 1); // the input holds every event once
    const last = start(argv);
    const windowsDone = () => existsSync(out) && readFileSync(out, 'utf8').split('\n').filter((l) => l !== '').length >= expected.size;
    const deadline = Date.now() + 60_000;
    // The earlier runs may already have written every window: SIGTERM only once this run is up
    // (it resumed and handles signals), or the signal's default action kills it mid-start.
    const resumed = () => /resumed from checkpoint/.test(last.stderr());
    while (!(windowsDone() && resumed()) && Date.now() < deadline) await sleep(100);
    last.child.kill('SIGTERM');
    const e = await last.exit;
    expect(e.code, e.stderr).toBe(0);
    expect(e.stderr).toMatch(/resumed from checkpoint \d+ .*stream/);

    const results = readFileSync(out, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as WindowResult);
    const seen = new Map<string, number>();
    for (const r of results.filter((x) => x.sensorId !== 'end')) {
      const k = `${r.sensorId.slice(1)}|${r.windowStart}`;
      expect(seen.has(k), `window ${k} emitted twice`).toBe(false);
      seen.set(k, r.count);
    }
    expect(kills).toBeGreaterThanOrEqual(6);
    expect(seen).toEqual(expected);
    expect(readdirSync(join(ck, 'main')).length).toBeGreaterThan(0);
  }, 240_000);
});
