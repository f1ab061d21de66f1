/**
 * Chaos test of crash recovery with real processes and real signals: `streamscope process` replays a
 * large file (hopping windows, out-of-order events, late events, malformed lines) with checkpoints,
 * is killed with SIGKILL at 20+ random moments and restarted with the same command each time; its
 * results, late events and dead letters must equal an uninterrupted run's, line for line (processing
 * times aside: a result's `emittedAt`, a late event's or dead letter's `at`). Then: a corrupt newest
 * checkpoint is skipped for the previous one; a checkpoint of another window is refused; SIGTERM
 * stops with a final checkpoint that the next start continues from.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../src-main/engine/sources/simulated-source';

const BIN = join(import.meta.dirname, '..', 'bin', 'streamscope.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ss-chaos-'));
const input = join(dir, 'in.jsonl');

/** 400,000 lines (long enough that a fast machine cannot finish between 20 kills): nearly ordered event times with up to 3 s of disorder, 1 % far behind (late), 0.2 % malformed. */
function writeInput(): void {
  const rng = mulberry32(42);
  const lines: string[] = [];
  let t = 1_700_000_000_000;
  for (let i = 0; i < 400_000; i++) {
    t += Math.floor(rng() * 20);
    if (rng() < 0.002) {
      lines.push(`not json ${i}`);
      continue;
    }
    const ts = t - Math.floor(rng() * 3000) - (rng() < 0.01 ? 60_000 : 0);
    lines.push(JSON.stringify({ sensorId: `s${Math.floor(rng() * 300)}`, timestamp: ts, value: Math.round(rng() * 1000) / 10 }));
  }
  writeFileSync(input, lines.join('\n') + '\n');
}

function args(out: string, extra: string[] = []): string[] {
  return [
    BIN, 'process', '--input', input, '--window', 'hopping:10s:2s', '--max-out-of-orderness', '2s', '--allowed-lateness', '5s',
    '--output', join(out, 'out.jsonl'), '--late-output', join(out, 'late.jsonl'), '--dead-letter', join(out, 'dead.jsonl'), ...extra,
  ];
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function start(argv: string[]): { child: ChildProcess; exit: Promise<Exit> } {
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<Exit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
  return { child, exit };
}

/** Epochs stored in a checkpoint directory. */
function epochs(ckDir: string): number[] {
  const part = join(ckDir, 'main');
  return existsSync(part) ? readdirSync(part).flatMap((n) => /^ckpt-(\d+)\.bin$/.exec(n)?.[1] ?? []).map(Number) : [];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The file's lines without the processing-time fields. */
function normalized(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const o = JSON.parse(l) as Record<string, unknown>;
      delete o.emittedAt;
      delete o.at;
      return JSON.stringify(o);
    });
}

function expectSameOutputs(got: string, want: string): void {
  for (const name of ['out.jsonl', 'late.jsonl', 'dead.jsonl']) {
    const a = normalized(join(got, name));
    const b = normalized(join(want, name));
    expect(a.length, name).toBe(b.length);
    expect(a, name).toEqual(b);
  }
}

const ref = join(dir, 'ref');

beforeAll(async () => {
  writeInput();
  const r = start(args(ref));
  const e = await r.exit;
  expect(e.code, e.stderr).toBe(0);
  expect(normalized(join(ref, 'late.jsonl')).length).toBeGreaterThan(100);
  expect(normalized(join(ref, 'dead.jsonl')).length).toBeGreaterThan(100);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('crash recovery of a file replay', () => {
  it('killed with SIGKILL at 20+ random moments and restarted, ends with exactly the uninterrupted output', async () => {
    const out = join(dir, 'chaos');
    const ck = join(dir, 'chaos-ck');
    const argv = args(out, ['--checkpoint-dir', ck, '--checkpoint-interval', '100ms']);
    const rng = mulberry32(7);
    let kills = 0;
    const resumedAt = new Set<string>();
    for (let attempt = 0; attempt < 60 && kills < 22; attempt++) {
      const before = Math.max(0, ...epochs(ck));
      const r = start(argv);
      // Kill at a random moment after this run has stored at least one new checkpoint (so every
      // restart makes progress), or at a random moment early in the run.
      const early = rng() < 0.2;
      const deadline = Date.now() + 20_000;
      let finished = false;
      void r.exit.then(() => (finished = true));
      while (!finished && !early && Math.max(0, ...epochs(ck)) <= before && Date.now() < deadline) await sleep(20);
      await sleep(Math.floor(rng() * (early ? 300 : 60))); // short: a fast replay must not finish before 20 kills
      if (finished) break;
      r.child.kill('SIGKILL');
      const e = await r.exit;
      if (e.signal === 'SIGKILL') kills++;
      const line = /resumed from checkpoint \d+ .*: (line \d+)/.exec(e.stderr)?.[1];
      if (line !== undefined) resumedAt.add(line);
    }
    const last = await start(argv).exit;
    expect(last.code, last.stderr).toBe(0);
    expect(kills).toBeGreaterThanOrEqual(20);
    expect(resumedAt.size).toBeGreaterThanOrEqual(10); // resumed from many different places
    expectSameOutputs(out, ref);
  }, 300_000);

  it('skips a corrupt newest checkpoint for the previous one', async () => {
    const out = join(dir, 'corrupt');
    const ck = join(dir, 'corrupt-ck');
    const argv = args(out, ['--checkpoint-dir', ck, '--checkpoint-interval', '100ms']);
    const r = start(argv);
    const deadline = Date.now() + 60_000;
    while (epochs(ck).length < 2 && Date.now() < deadline) await sleep(20);
    r.child.kill('SIGKILL');
    await r.exit;
    const newest = Math.max(...epochs(ck));
    const path = join(ck, 'main', `ckpt-${String(newest).padStart(12, '0')}.bin`);
    const bytes = readFileSync(path);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(path, bytes);
    const e = await start(argv).exit;
    expect(e.code, e.stderr).toBe(0);
    expect(e.stderr).toMatch(new RegExp(`ckpt-0*${newest}\\.bin skipped: checksum mismatch`));
    expect(e.stderr).toMatch(new RegExp(`resumed from checkpoint ${newest - 1} `));
    expectSameOutputs(out, ref);
  }, 120_000);

  it('refuses a checkpoint taken with another window, and --fresh starts over', async () => {
    const out = join(dir, 'other');
    const ck = join(dir, 'other-ck');
    const first = await start(args(out, ['--checkpoint-dir', ck])).exit;
    expect(first.code, first.stderr).toBe(0);
    const argv = args(out, ['--checkpoint-dir', ck]).map((a) => (a === 'hopping:10s:2s' ? 'tumbling:5s' : a));
    const refused = await start(argv).exit;
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/taken with other settings \(window: checkpoint .*hopping.*this run .*tumbling.*--fresh/);
    const fresh = await start([...argv, '--fresh']).exit;
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.stderr).not.toMatch(/resumed from checkpoint/);
  }, 120_000);

  it('SIGTERM stops with a final checkpoint; the same command continues to the uninterrupted output', async () => {
    const out = join(dir, 'term');
    const ck = join(dir, 'term-ck');
    const argv = args(out, ['--checkpoint-dir', ck, '--checkpoint-interval', '1h']);
    const r = start(argv);
    const deadline = Date.now() + 60_000;
    while (!existsSync(join(out, 'out.jsonl')) && Date.now() < deadline) await sleep(20);
    await sleep(300);
    r.child.kill('SIGTERM');
    const e = await r.exit;
    expect(e.code, e.stderr).toBe(0);
    expect(e.stderr).toMatch(/stopped with checkpoint 1\b/);
    const next = await start(argv).exit;
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toMatch(/resumed from checkpoint 1 /);
    expectSameOutputs(out, ref);
  }, 120_000);
});
