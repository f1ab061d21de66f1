/**
 * The bench workload: N events over K keys, event times increasing with out-of-order jitter, integer
 * values 0..100 (so sums are exact whatever the order of addition, and every contender's aggregates
 * can be compared for equality). Generated once per run from a seed, stored as columns in a binary
 * file (Float64 event times, Uint32 key indexes, Uint8 values) that each child process loads fast.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { StreamEvent, WindowSpec } from '../../src-shared/types';
import { mulberry32 } from './prng';

/** What to generate. All durations in ms. */
export interface WorkloadSpec {
  /** Row label, e.g. "tumbling 1s". */
  label: string;
  window: WindowSpec;
  /** The same window as a CLI flag value, e.g. "tumbling:1s". */
  windowFlag: string;
  events: number;
  keys: number;
  /** Event-time distance between consecutive events before jitter, ms (may be fractional). */
  stepMs: number;
  /** Each event is shifted back by a uniform 0..jitterMs-1 ms (out of order). */
  jitterMs: number;
  /** Optional bursts: `activeMs` of events then `idleMs` of silence (closes session windows). */
  burst?: { activeMs: number; idleMs: number };
  seed: number;
  /** Event time of the first event before jitter, ms since epoch. */
  t0: number;
}

/** Generated columns. `timestamps[i]`, `keyIndex[i]`, `values[i]` describe event i. */
export interface Workload {
  spec: WorkloadSpec;
  timestamps: Float64Array;
  keyIndex: Uint32Array;
  values: Uint8Array;
}

/** Name of key `i` (fixed width so every key has the same length). */
export function keyName(i: number): string {
  return `sensor-${String(i).padStart(5, '0')}`;
}

/** Window settings every contender uses for a workload: no event is late (jitter < ooo). */
export function operatorSettings(spec: WorkloadSpec): { maxOutOfOrdernessMs: number; allowedLatenessMs: number; alertThreshold: number } {
  return { maxOutOfOrdernessMs: spec.jitterMs, allowedLatenessMs: 0, alertThreshold: 80 };
}

/** Generates the columns deterministically from `spec.seed`. */
export function generateWorkload(spec: WorkloadSpec): Workload {
  const rand = mulberry32(spec.seed);
  const n = spec.events;
  const timestamps = new Float64Array(n);
  const keyIndex = new Uint32Array(n);
  const values = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const active = i * spec.stepMs;
    let t = active;
    if (spec.burst !== undefined) {
      const { activeMs, idleMs } = spec.burst;
      t = Math.floor(active / activeMs) * (activeMs + idleMs) + (active % activeMs);
    }
    timestamps[i] = spec.t0 + Math.floor(t) - Math.floor(rand() * spec.jitterMs);
    keyIndex[i] = Math.floor(rand() * spec.keys);
    values[i] = Math.floor(rand() * 101);
  }
  return { spec, timestamps, keyIndex, values };
}

/**
 * Writes a workload as `[u32 header length][header JSON][pad to 8][f64 × n][u32 × n][u8 × n]`.
 */
export function writeWorkload(path: string, w: Workload): void {
  const header = Buffer.from(JSON.stringify(w.spec), 'utf8');
  const n = w.spec.events;
  const headEnd = Math.ceil((4 + header.length) / 8) * 8;
  const buf = Buffer.alloc(headEnd + n * 8 + n * 4 + n);
  buf.writeUInt32LE(header.length, 0);
  header.copy(buf, 4);
  Buffer.from(w.timestamps.buffer, w.timestamps.byteOffset, n * 8).copy(buf, headEnd);
  Buffer.from(w.keyIndex.buffer, w.keyIndex.byteOffset, n * 4).copy(buf, headEnd + n * 8);
  Buffer.from(w.values.buffer, w.values.byteOffset, n).copy(buf, headEnd + n * 12);
  writeFileSync(path, buf);
}

/** Reads a file written by {@link writeWorkload}. Throws if the file is truncated. */
export function readWorkload(path: string): Workload {
  const buf = readFileSync(path);
  const hlen = buf.readUInt32LE(0);
  const spec = JSON.parse(buf.subarray(4, 4 + hlen).toString('utf8')) as WorkloadSpec;
  const n = spec.events;
  const headEnd = Math.ceil((4 + hlen) / 8) * 8;
  if (buf.length < headEnd + n * 13) throw new Error(`workload file ${path} is truncated`);
  const timestamps = new Float64Array(n);
  const keyIndex = new Uint32Array(n);
  const values = new Uint8Array(n);
  new Uint8Array(timestamps.buffer).set(buf.subarray(headEnd, headEnd + n * 8));
  new Uint8Array(keyIndex.buffer).set(buf.subarray(headEnd + n * 8, headEnd + n * 12));
  values.set(buf.subarray(headEnd + n * 12, headEnd + n * 13));
  return { spec, timestamps, keyIndex, values };
}

/** The pre-parsed events every contender consumes (key strings shared, as after interning). */
export function toEvents(w: Workload): StreamEvent[] {
  const names = Array.from({ length: w.spec.keys }, (_, i) => keyName(i));
  const out = new Array<StreamEvent>(w.spec.events);
  for (let i = 0; i < out.length; i++) {
    out[i] = { sensorId: names[w.keyIndex[i]], timestamp: w.timestamps[i], value: w.values[i] };
  }
  return out;
}

/** One NDJSON line per event, as `streamscope process` and HTTP ingest read them. */
export function toNdjsonLines(w: Workload, from = 0, to = w.spec.events): string {
  const names = Array.from({ length: w.spec.keys }, (_, i) => keyName(i));
  let s = '';
  for (let i = from; i < to; i++) {
    s += `{"sensorId":"${names[w.keyIndex[i]]}","timestamp":${w.timestamps[i]},"value":${w.values[i]}}\n`;
  }
  return s;
}

/** The bench's workloads for `events` events and `keys` keys. */
export function benchWorkloads(events: number, keysList: number[], seed = 42): WorkloadSpec[] {
  const t0 = 1_700_000_000_000 - (1_700_000_000_000 % 86_400_000); // a UTC midnight
  const jitterMs = 2000;
  const dense = 0.01; // 100,000 events per second of event time
  const fiveDays = (5 * 86_400_000) / events;
  const out: WorkloadSpec[] = [];
  for (const keys of keysList) {
    const base = { events, keys, jitterMs, seed: seed + keys, t0 };
    out.push({ ...base, label: 'tumbling 1s', window: { kind: 'tumbling', sizeMs: 1000 }, windowFlag: 'tumbling:1s', stepMs: dense });
    out.push({ ...base, label: 'hopping 10s/1s', window: { kind: 'hopping', sizeMs: 10_000, slideMs: 1000 }, windowFlag: 'hopping:10s:1s', stepMs: dense });
    out.push({
      ...base,
      label: 'hopping 24h/15min',
      window: { kind: 'hopping', sizeMs: 86_400_000, slideMs: 900_000 },
      windowFlag: 'hopping:24h:15m',
      stepMs: fiveDays,
    });
    out.push({
      ...base,
      label: 'session 5s gap',
      window: { kind: 'session', gapMs: 5000 },
      windowFlag: 'session:5s',
      stepMs: dense,
      burst: { activeMs: 2000, idleMs: 8000 },
    });
  }
  return out;
}
