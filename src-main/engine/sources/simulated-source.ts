/**
 * Simulated sensors: `sensors` keys (`sensor-01` …) whose values random-walk around `valueMean`
 * (± `valueSpread`, so a threshold of 80 with the defaults fires now and then), emitted at
 * `rateEventsPerSec` in total. Events are generated in batches per tick (rate × elapsed, carrying
 * the fractional remainder), never one timer per event, and nothing caps the rate below what was
 * asked: the sim delivers the request unless the pipeline pushes back. Each batch's emit is awaited
 * (block backpressure); between batches the sim waits one microtask, so a consumer that waits for
 * input processes each batch before the next is made (a small drop-policy queue sheds only when the
 * engine falls behind, not because 10 ms of events landed at one instant). A consumer that is busy
 * (it yields to I/O now and then) finds the queue filled meanwhile: that is backpressure, shown as
 * the ingress queue's backpressured time or its drops. The sim itself yields to I/O after
 * MAX_BURST_MS of work. Event times are processing time minus a random delay in [0, jitterMs], which makes
 * the stream out of order by up to jitterMs. A `malformedRate` fraction of records is produced as
 * malformed raw text and sent through the EdgeDecoder, so it is rejected and dead-lettered exactly
 * like real bad input.
 */
import type { StreamEvent } from '../../../src-shared/types';
import type { SimLoad, Source, SourceOutput } from '../component';
import { EdgeDecoder } from '../decode/decode';
import { realSleep, type SleepFn } from './pacing';

/** Resolves on the next event-loop turn (after pending I/O and microtasks). */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Options of SimulatedSource; every field may also be changed while running via the setters. */
export interface SimulatedSourceOptions {
  /** Number of sensor keys. Default 10. */
  sensors?: number;
  /** Total records per second (valid + malformed), ≥ 0. Default 1000. */
  rateEventsPerSec?: number;
  /** Max out-of-order delay of event time behind processing time, ms. Default 0. */
  jitterMs?: number;
  /** Fraction 0..1 of records emitted as malformed raw text (rejected at the edge). Default 0. */
  malformedRate?: number;
  /** Centre of each sensor's random walk. Default 60. */
  valueMean?: number;
  /** The walk stays within valueMean ± valueSpread. Default 40 (values 20..100). */
  valueSpread?: number;
  /** Seed of the deterministic PRNG. Default: random. */
  seed?: number;
  /** Processing-time clock, ms. Default Date.now. */
  now?: () => number;
  /** Largest batch handed to `emit`, events. Default 512 (a drop-policy queue smaller than that sheds the excess of each batch). */
  batchMaxEvents?: number;
  /** Tick period, ms. Default 10. */
  tickMs?: number;
  /** Sleep between ticks (tests inject one that advances a fake clock). Default setTimeout. */
  sleep?: SleepFn;
}

/**
 * mulberry32: a small, fast, seedable PRNG returning floats in [0, 1). `state` is its whole state
 * (a checkpoint saves it, so a restored simulation continues the same stream).
 */
export function mulberry32(seed: number): (() => number) & { state: number } {
  const next = () => {
    let a = (next.state = (next.state + 0x6d2b79f5) | 0);
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    a = t ^ (t >>> 14);
    return (a >>> 0) / 4294967296;
  };
  next.state = seed | 0;
  return next;
}

/** The simulation's checkpoint position: its PRNG state, every sensor's current value, records generated. */
export interface SimPosition {
  rngState: number;
  values: number[];
  generatedRecords: number;
}

/** Format sensor ids `sensor-01` … with at least two digits. */
export function sensorIds(n: number): string[] {
  const width = Math.max(2, String(n).length);
  const ids = new Array<string>(n);
  for (let i = 0; i < n; i++) ids[i] = `sensor-${String(i + 1).padStart(width, '0')}`;
  return ids;
}

/** The longest catch-up after a stall (for example blocked on backpressure), ms of generation. */
const MAX_CATCH_UP_MS = 250;
/** Longest stretch (ms, real time) of generating and handing over batches before yielding to I/O. */
const MAX_BURST_MS = 20;

function check(name: string, v: number, min: number, max: number, integer = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    const kind = integer ? 'an integer' : 'a number';
    throw new RangeError(`sim source: ${name} must be ${kind} in ${min}..${max}, got ${v}`);
  }
  return v;
}

/** Simulated sensors source; see the module comment. */
export class SimulatedSource implements Source {
  readonly name = 'sim';
  private rate: number;
  private jitterMs: number;
  private malformedRate: number;
  private ids: string[] = [];
  private values = new Float64Array(0);
  private readonly mean: number;
  private readonly spread: number;
  private readonly rng: (() => number) & { state: number };
  private readonly now: () => number;
  private readonly sleep: SleepFn;
  private readonly batchMax: number;
  private readonly tickMs: number;
  private readonly decoder: EdgeDecoder;
  private abort: AbortController | null = null;
  private running = false;
  private owed = 0;
  private generated = 0;

  /** @throws RangeError naming the option, its value and the accepted range. */
  constructor(opts: SimulatedSourceOptions = {}) {
    this.rate = check('rateEventsPerSec', opts.rateEventsPerSec ?? 1000, 0, 1e9);
    this.jitterMs = check('jitterMs', opts.jitterMs ?? 0, 0, 86_400_000);
    this.malformedRate = check('malformedRate', opts.malformedRate ?? 0, 0, 1);
    this.mean = check('valueMean', opts.valueMean ?? 60, -1e12, 1e12);
    this.spread = check('valueSpread', opts.valueSpread ?? 40, 0, 1e12);
    this.batchMax = check('batchMaxEvents', opts.batchMaxEvents ?? 512, 1, 1e7, true);
    this.tickMs = check('tickMs', opts.tickMs ?? 10, 1, 60_000);
    this.rng = mulberry32(opts.seed ?? Math.floor(Math.random() * 2 ** 32));
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? realSleep;
    this.decoder = new EdgeDecoder('sim', undefined, this.now);
    this.setSensors(opts.sensors ?? 10);
  }

  /** Change the total rate (records/s, ≥ 0; 0 pauses generation). Applies at once: what the old rate still owed in the current tick is not generated. */
  setRate(rateEventsPerSec: number): void {
    this.rate = check('rateEventsPerSec', rateEventsPerSec, 0, 1e9);
  }

  /** Change the whole load at once (see {@link SimLoad}). @throws Error on a value out of range. */
  setLoad(load: SimLoad): void {
    this.setRate(load.rateEventsPerSec);
    this.setSensors(load.sensors);
    this.setJitterMs(load.jitterMs);
    this.setMalformedRate(load.malformedRate);
  }

  /** Change the number of sensor keys (≥ 1). Existing sensors keep their current value. */
  setSensors(n: number): void {
    check('sensors', n, 1, 10_000_000, true);
    const old = this.values;
    this.ids = sensorIds(n);
    this.values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      this.values[i] = i < old.length ? old[i] : this.mean + (this.rng() - 0.5) * this.spread;
    }
  }

  /** Change the max out-of-order delay, ms (≥ 0). */
  setJitterMs(ms: number): void {
    this.jitterMs = check('jitterMs', ms, 0, 86_400_000);
  }

  /** Change the fraction of malformed records (0..1). */
  setMalformedRate(r: number): void {
    this.malformedRate = check('malformedRate', r, 0, 1);
  }

  /** Where the simulated stream stands after the records generated so far (valid + malformed). */
  position(): SimPosition {
    return { rngState: this.rng.state, values: Array.from(this.values), generatedRecords: this.generated };
  }

  /**
   * Continues the stream of an earlier run from `position` (same seed and sensors, so the same
   * keys and values follow; event times are processing time, as always).
   * @throws Error when the position is of another number of sensors.
   */
  async seek(position: unknown): Promise<void> {
    const p = position as SimPosition;
    if (!Array.isArray(p?.values) || p.values.length !== this.values.length) {
      throw new Error(`sim source: the checkpoint is of ${p?.values?.length ?? '?'} sensors, this simulation has ${this.values.length}`);
    }
    this.rng.state = p.rngState;
    this.values.set(p.values);
    this.generated = p.generatedRecords;
  }

  /** Generate until stop(). Rejects if already running. */
  async run(out: SourceOutput): Promise<void> {
    if (this.running) throw new Error('sim source is already running');
    this.running = true;
    const abort = new AbortController();
    this.abort = abort;
    try {
      let last = this.now();
      while (!abort.signal.aborted) {
        await this.sleep(this.tickMs, abort.signal);
        if (abort.signal.aborted) break;
        let burstStart = performance.now();
        const t = this.now();
        const elapsed = t - last;
        if (elapsed <= 0) continue;
        last = t;
        const catchUp = (this.rate * MAX_CATCH_UP_MS) / 1000;
        this.owed = Math.min(this.owed + (this.rate * elapsed) / 1000, Math.max(catchUp, 1));
        const total = Math.floor(this.owed);
        this.owed -= total;
        let done = 0;
        const tickRate = this.rate;
        // A new rate applies at once: what the old one still owed is not delivered.
        while (done < total && !abort.signal.aborted && this.rate === tickRate) {
          const k = Math.min(total - done, this.batchMax);
          const events = this.generate(k, done, total, t - elapsed, elapsed);
          done += k;
          const { rejects } = this.decoder.drain();
          if (rejects.length > 0) out.reject(rejects);
          if (events.length > 0) {
            const p = out.emit(events);
            if (p) await p;
            else if (done >= total) break;
            else if (performance.now() - burstStart > MAX_BURST_MS) {
              await nextTurn();
              burstStart = performance.now();
            } else await null; // a consumer waiting for input processes this batch first
          }
        }
      }
    } finally {
      this.running = false;
      this.abort = null;
    }
  }

  /** Ask run() to stop; it resolves after the current emit (if any) returns. Idempotent. */
  async stop(): Promise<void> {
    this.abort?.abort();
  }

  /**
   * Generate records `from`..`from+k` of `total` spread over processing time (start, start+span].
   * Malformed ones go to the decoder; valid events are returned.
   */
  private generate(k: number, from: number, total: number, start: number, span: number): StreamEvent[] {
    const events: StreamEvent[] = [];
    const rng = this.rng;
    const ids = this.ids;
    const values = this.values;
    const n = ids.length;
    const jitter = this.jitterMs;
    const bad = this.malformedRate;
    const mean = this.mean;
    const spread = this.spread;
    const lo = mean - spread;
    const hi = mean + spread;
    const step = spread * 0.2;
    const dt = span / total;
    for (let j = 0; j < k; j++) {
      const i = (rng() * n) | 0;
      const base = start + (from + j + 1) * dt;
      const timestamp = Math.floor(jitter > 0 ? base - rng() * jitter : base);
      if (bad > 0 && rng() < bad) {
        this.decoder.line(malformedLine(ids[i], timestamp, rng));
        continue;
      }
      let v = values[i];
      v += (mean - v) * 0.02 + (rng() - 0.5) * step;
      v = v < lo ? lo : v > hi ? hi : v;
      values[i] = v;
      events.push({ sensorId: ids[i], timestamp, value: Math.round(v * 100) / 100, unit: 'C' });
    }
    this.generated += k;
    return events;
  }
}

/** One realistic malformed record, picked at random; each is rejected with a different reason. */
export function malformedLine(id: string, ts: number, rng: () => number): string {
  switch ((rng() * 8) | 0) {
    case 0:
      return `{"sensorId":"${id}","timestamp":${ts},"value":`; // truncated → invalid_json
    case 1:
      return `{"sensorId":"${id}","timestamp":${ts},"value":"42.5","unit":"C"}`; // quoted number → wrong_type
    case 2:
      return `{"sensorId":"${id}","timestamp":${ts},"value":1e999,"unit":"C"}`; // → non_finite
    case 3:
      return `{"timestamp":${ts},"value":42.5,"unit":"C"}`; // no key → missing_field
    case 4:
      return `{"sensorId":"${id}","timestamp":"yesterday at noon","value":42.5}`; // → bad_timestamp
    case 5:
      return `[${ts},42.5]`; // → not_an_object
    case 6:
      return `{"sensorId":${ts % 1000},"timestamp":${ts},"value":42.5}`; // numeric key → wrong_type
    default:
      return `sensor=${id} value=42.5 ts=${ts}`; // not JSON → invalid_json
  }
}
