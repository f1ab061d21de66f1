/**
 * Checkpoint rows of `npm run bench` (issue 9), measured in this process:
 * - throughput of a pipeline fed as fast as possible, checkpoints on vs off, 10,000 and 1,000,000
 *   keys (tumbling 10 s windows holding every key), and the event loop's longest stall in each run
 *   (perf_hooks.monitorEventLoopDelay; the operator loop itself yields every 20 ms);
 * - one checkpoint of 1,000,000 keys' window state: copy (loop blocked), encode, store (SHA-256,
 *   fsync, rename), size; and recovery: read + check + decode + restore until the first result.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { StreamEvent } from '../../src-shared/types';
import { decodeState, encodeState } from '../../src-main/engine/checkpoint/codec';
import type { CheckpointInfo } from '../../src-main/engine/checkpoint/coordinator';
import { LocalDirStore } from '../../src-main/engine/checkpoint/local-dir-store';
import type { Sink, Source, SourceOutput } from '../../src-main/engine/component';
import { Pipeline } from '../../src-main/engine/pipeline';
import { createWindowOperator } from '../../src-main/engine/windows/create-operator';
import { emptyOutput, type OperatorSnapshot } from '../../src-main/engine/windows/window-operator';
import type { BenchRowReport, TargetReport } from '../lib/report';

const BATCH = 4096;
const T0 = 1_700_000_000_000;

/** Event i: key i mod keys, event time advancing so that one 10 s window holds `keys` events. */
function batchAt(from: number, n: number, keys: string[]): StreamEvent[] {
  const out = new Array<StreamEvent>(n);
  const msPerEvent = 10_000 / keys.length;
  for (let j = 0; j < n; j++) {
    const i = from + j;
    out[j] = { sensorId: keys[i % keys.length], timestamp: T0 + Math.floor(i * msPerEvent), value: i % 100 };
  }
  return out;
}

/** A source that emits `events` generated events as fast as the ingress queue takes them. */
class GeneratedSource implements Source {
  readonly name = 'bench';
  private stopped = false;
  private at = 0;
  constructor(private readonly events: number, private readonly keys: string[]) {}
  position(): { at: number } {
    return { at: this.at };
  }
  async run(out: SourceOutput): Promise<void> {
    while (this.at < this.events && !this.stopped) {
      const n = Math.min(BATCH, this.events - this.at);
      const b = batchAt(this.at, n, this.keys);
      this.at += n;
      const p = out.emit(b);
      if (p) await p;
    }
  }
  async stop(): Promise<void> {
    this.stopped = true;
  }
}

const discard: Sink = { name: 'discard', write: async () => {}, close: async () => {} };

interface ThroughputRun {
  eventsPerSec: number;
  maxLoopStallMs: number;
  checkpoints: CheckpointInfo[];
}

async function throughput(keyCount: number, events: number, intervalMs: number | undefined, dir: string): Promise<ThroughputRun> {
  const keys = Array.from({ length: keyCount }, (_, i) => `sensor-${i}`);
  const infos: CheckpointInfo[] = [];
  const store = new LocalDirStore(join(dir, `ck-${keyCount}-${intervalMs ?? 0}`));
  const p = new Pipeline(
    { window: 'tumbling:10s', sinks: [], metrics: false, queues: { ingress: { maxEvents: 65_536, policy: 'block' }, sink: { maxEvents: 1_000_000, policy: 'block' } } },
    { source: new GeneratedSource(events, keys), hostSinks: [discard], ...(intervalMs === undefined ? {} : { checkpoints: { store, where: 'bench', intervalMs, fresh: true } }) },
  );
  p.checkpoints?.onCheckpoint((i) => i && infos.push(i));
  const h = monitorEventLoopDelay({ resolution: 5 });
  const t0 = performance.now();
  h.enable();
  await p.start();
  await p.done;
  h.disable();
  const ms = performance.now() - t0;
  return { eventsPerSec: (events / ms) * 1000, maxLoopStallMs: h.max / 1e6, checkpoints: infos };
}

interface SnapshotRun {
  keys: number;
  copyMs: number;
  encodeMs: number;
  storeMs: number;
  bytes: number;
  recoveryToFirstResultMs: number;
}

async function snapshotOfKeys(keyCount: number, dir: string): Promise<SnapshotRun> {
  const keys = Array.from({ length: keyCount }, (_, i) => `sensor-${i}`);
  const opts = { window: { kind: 'tumbling' as const, sizeMs: 10_000 }, maxOutOfOrdernessMs: 2000, allowedLatenessMs: 0, alertThreshold: 80 };
  const op = createWindowOperator(opts);
  const out = emptyOutput();
  for (let i = 0; i < keyCount; i += BATCH) op.process(batchAt(i, Math.min(BATCH, keyCount - i), keys), 0, out);
  const store = new LocalDirStore(join(dir, 'snap'));
  let t = performance.now();
  const snap = op.snapshot();
  const copyMs = performance.now() - t;
  t = performance.now();
  const bytes = encodeState({ operator: snap });
  const encodeMs = performance.now() - t;
  t = performance.now();
  await store.put('main', 1, bytes);
  const storeMs = performance.now() - t;
  t = performance.now();
  const latest = await store.latest('main');
  const restored = createWindowOperator(opts);
  restored.restore((decodeState(latest!.bytes) as { operator: OperatorSnapshot }).operator);
  const first = emptyOutput();
  restored.advanceWatermark(Infinity, first);
  const recoveryToFirstResultMs = performance.now() - t;
  if (first.results.length !== keyCount) throw new Error(`restored state fired ${first.results.length} results, expected ${keyCount}`);
  return { keys: keyCount, copyMs, encodeMs, storeMs, bytes: bytes.byteLength, recoveryToFirstResultMs };
}

/** Runs the checkpoint rows; `quick` uses fewer events. */
export async function runCheckpointBench(quick: boolean, log: (msg: string) => void): Promise<{ rows: BenchRowReport[]; targets: TargetReport[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'streamscope-ckpt-bench-'));
  const rows: BenchRowReport[] = [];
  const targets: TargetReport[] = [];
  const row = (name: string, workload: string, keys: number, eventsPerSec: number | null, note: string): BenchRowReport => ({
    name, workload, keys, eventsPerSec, peakRssMB: null, ratioToNaive: null, ratioToFloor: null, ok: true, note,
  });
  // A checkpoint every 2 s (the default is 10 s): five times the default's cost, on runs of a few seconds.
  const intervalMs = quick ? 1000 : 2000;
  try {
    for (const keyCount of [10_000, 1_000_000]) {
      const events = quick ? 3_000_000 : 10_000_000;
      const off = await throughput(keyCount, events, undefined, dir);
      const on = await throughput(keyCount, events, intervalMs, dir);
      const slower = 1 - on.eventsPerSec / off.eventsPerSec;
      const worstCopy = Math.max(0, ...on.checkpoints.map((c) => c.snapshotMs));
      const worstEncode = Math.max(0, ...on.checkpoints.map((c) => c.encodeMs));
      log(`  checkpoints off/on, ${keyCount} keys: ${Math.round(off.eventsPerSec)} / ${Math.round(on.eventsPerSec)} ev/s, ${on.checkpoints.length} checkpoints, loop stall max ${off.maxLoopStallMs.toFixed(0)} / ${on.maxLoopStallMs.toFixed(0)} ms`);
      rows.push(row('streamscope, checkpoints off', 'checkpoint: tumbling 10s', keyCount, off.eventsPerSec, `longest event-loop stall ${off.maxLoopStallMs.toFixed(0)} ms`));
      rows.push(row(`streamscope, checkpoint every ${intervalMs / 1000} s`, 'checkpoint: tumbling 10s', keyCount, on.eventsPerSec,
        `${on.checkpoints.length} checkpoints; ${(slower * 100).toFixed(1)} % slower; longest event-loop stall ${on.maxLoopStallMs.toFixed(0)} ms (state copy ≤ ${worstCopy.toFixed(0)} ms, encode ≤ ${worstEncode.toFixed(0)} ms)`));
      targets.push({ id: `checkpoint-overhead-${keyCount}`, description: `throughput lost to checkpoints every ${intervalMs / 1000} s, ${keyCount.toLocaleString('en')} keys (%)`, value: slower * 100, target: '≤ 5', met: slower <= 0.05 });
      targets.push({ id: `checkpoint-stall-${keyCount}`, description: `operator loop blocked copying state at a checkpoint, ${keyCount.toLocaleString('en')} keys (ms; the longest event-loop stall, encoding included, is in the row)`, value: worstCopy, target: '≤ 50', met: worstCopy <= 50 });
    }
    const s = await snapshotOfKeys(1_000_000, dir);
    log(`  snapshot of 1,000,000 keys: copy ${s.copyMs.toFixed(0)} ms, encode ${s.encodeMs.toFixed(0)} ms, store ${s.storeMs.toFixed(0)} ms, ${(s.bytes / 2 ** 20).toFixed(1)} MiB; recovery to first result ${s.recoveryToFirstResultMs.toFixed(0)} ms`);
    const total = s.copyMs + s.encodeMs + s.storeMs;
    rows.push(row('checkpoint of window state', 'checkpoint: 1,000,000 keys, tumbling 10s', s.keys, null,
      `${(s.bytes / 2 ** 20).toFixed(1)} MiB; copy (loop blocked) ${s.copyMs.toFixed(0)} ms, encode ${s.encodeMs.toFixed(0)} ms, store ${s.storeMs.toFixed(0)} ms (SHA-256, fsync, rename); total ${total.toFixed(0)} ms`));
    rows.push(row('recovery', 'checkpoint: 1,000,000 keys, tumbling 10s', s.keys, null, `read + verify + decode + restore + first result: ${s.recoveryToFirstResultMs.toFixed(0)} ms`));
    targets.push({ id: 'checkpoint-1m-duration', description: 'checkpoint of 1,000,000 keys: copy + encode + store (ms)', value: total, target: '≤ 1000', met: total <= 1000 });
    targets.push({ id: 'checkpoint-1m-copy', description: 'checkpoint of 1,000,000 keys: operator loop blocked copying (ms)', value: s.copyMs, target: '≤ 50', met: s.copyMs <= 50 });
    targets.push({ id: 'recovery-first-result', description: 'recovery of 1,000,000 keys to the first result (ms, in process)', value: s.recoveryToFirstResultMs, target: '≤ 2000', met: s.recoveryToFirstResultMs <= 2000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { rows, targets };
}
