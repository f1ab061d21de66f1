/**
 * System metrics source: this machine's CPU, memory, network and disk, sampled every `intervalMs`
 * and emitted as events (event time = sampling time). Live, real sensors on every machine.
 *
 * Keys (prefixed with `keyPrefix`), units:
 * - `cpu.core<N>` and `cpu.total`: load in % over the last interval (from os.cpus() time deltas).
 * - `mem.used_pct` (%), `mem.used_bytes` (bytes): used = total − available.
 * - `net.<iface>.rx_bytes_per_s`, `net.<iface>.tx_bytes_per_s` (bytes/s).
 * - `disk.read_bytes_per_s`, `disk.write_bytes_per_s` (bytes/s, file-system I/O).
 * Rates are computed from cumulative counters between two samples of this source (so several
 * instances do not disturb each other); the first events come one interval after `run()`. A stat
 * the machine or container does not provide is skipped (and counted once as `stat_unavailable`).
 * Under `block` backpressure the next sample waits for the emit: samples are skipped, not queued.
 */
import os from 'node:os';
import si from 'systeminformation';
import { z } from 'zod';
import type { StreamEvent } from '../../../src-shared/types';
import type { Source, SourceOutput } from '../component';
import { systemSourceOptionsSchema, type SystemSourceOptions, type SystemSourceOptionsInput } from './system-options';
import { deliver, isPromise, type SourceMetrics } from './live-source-support';
import { realSleep as sleep } from './pacing';


/** Cumulative counters of one sample. */
interface Sample {
  at: number;
  cpus: Array<{ busy: number; total: number }>;
  net: Map<string, { rx: number; tx: number }>;
  disk: { read: number; write: number } | null;
}

/** Periodic sampler of this machine implementing {@link Source}. */
export class SystemSource implements Source {
  readonly name: string;
  readonly options: SystemSourceOptions;
  private readonly metrics?: SourceMetrics;
  private readonly now: () => number;
  private readonly abortCtl = new AbortController();
  private stopping = false;
  private running?: Promise<void>;
  private samples = 0;
  private readonly unavailable = new Set<string>();

  /** @throws Error (zod message) when the options are invalid. */
  constructor(options: SystemSourceOptionsInput = {}, deps: { metrics?: SourceMetrics; now?: () => number; name?: string } = {}) {
    this.options = systemSourceOptionsSchema.parse(options);
    this.metrics = deps.metrics;
    this.now = deps.now ?? Date.now;
    this.name = deps.name ?? 'system';
  }

  /** Sample every `intervalMs` and deliver until `stop()`. */
  run(out: SourceOutput): Promise<void> {
    if (this.running) return Promise.reject(new Error(`${this.name}: run() called twice`));
    this.running = this.loop(out);
    return this.running;
  }

  private async loop(out: SourceOutput): Promise<void> {
    if (this.stopping) return;
    this.metrics?.connectionState(this.name, 'connected');
    let prev = await this.sample();
    while (!this.stopping) {
      await sleep(Math.max(0, prev.at + this.options.intervalMs - this.now()), this.abortCtl.signal);
      if (this.stopping) break;
      const cur = await this.sample();
      if (this.stopping) break;
      const events = [...this.cpuEvents(prev, cur), ...(await this.memEvents(cur.at)), ...this.rateEvents(prev, cur)];
      prev = cur;
      this.samples++;
      const p = deliver(this.name, out, this.metrics, { events, rejects: [] });
      if (isPromise(p)) await p;
    }
    this.metrics?.connectionState(this.name, 'stopped');
  }

  /** Stop sampling; `run()` resolves after the current sample. Idempotent. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.abortCtl.abort();
    await this.running?.catch(() => undefined);
  }

  /** Samples emitted so far. */
  position(): { samples: number } {
    return { samples: this.samples };
  }

  private unavailableStat(stat: string): void {
    if (this.unavailable.has(stat)) return;
    this.unavailable.add(stat);
    this.metrics?.errors(this.name, 'source', 'stat_unavailable', 1);
  }

  private async sample(): Promise<Sample> {
    const [net, fs] = await Promise.all([
      si.networkStats('*').catch(() => null),
      si.fsStats().catch(() => null),
    ]);
    const at = this.now();
    const cpus = os.cpus().map((c) => {
      const t = c.times;
      const total = t.user + t.nice + t.sys + t.idle + t.irq;
      return { busy: total - t.idle, total };
    });
    const netMap = new Map<string, { rx: number; tx: number }>();
    const want = this.options.interfaces;
    for (const n of net ?? []) {
      if (want && !want.includes(n.iface)) continue;
      if (Number.isFinite(n.rx_bytes) && Number.isFinite(n.tx_bytes)) netMap.set(n.iface, { rx: n.rx_bytes, tx: n.tx_bytes });
    }
    const disk = fs && Number.isFinite(fs.rx) && Number.isFinite(fs.wx) ? { read: fs.rx, write: fs.wx } : null;
    return { at, cpus, net: netMap, disk };
  }

  private ev(key: string, value: number, unit: string, at: number): StreamEvent {
    return { sensorId: this.options.keyPrefix + key, timestamp: at, value, unit };
  }

  private cpuEvents(prev: Sample, cur: Sample): StreamEvent[] {
    const out: StreamEvent[] = [];
    let busy = 0;
    let total = 0;
    cur.cpus.forEach((c, i) => {
      const p = prev.cpus[i];
      if (!p) return;
      const db = c.busy - p.busy;
      const dt = c.total - p.total;
      busy += db;
      total += dt;
      if (dt > 0) out.push(this.ev(`cpu.core${i}`, clampPct((db / dt) * 100), '%', cur.at));
    });
    if (total > 0) out.push(this.ev('cpu.total', clampPct((busy / total) * 100), '%', cur.at));
    else if (cur.cpus.length === 0) this.unavailableStat('cpu');
    return out;
  }

  private async memEvents(at: number): Promise<StreamEvent[]> {
    const m = await si.mem().catch(() => null);
    if (!m || !(m.total > 0) || !Number.isFinite(m.available)) {
      this.unavailableStat('mem');
      return [];
    }
    const used = Math.max(0, m.total - m.available);
    return [this.ev('mem.used_pct', (used / m.total) * 100, '%', at), this.ev('mem.used_bytes', used, 'bytes', at)];
  }

  private rateEvents(prev: Sample, cur: Sample): StreamEvent[] {
    const out: StreamEvent[] = [];
    const dtSec = (cur.at - prev.at) / 1000;
    if (!(dtSec > 0)) return out;
    const rate = (a: number, b: number) => (b >= a ? (b - a) / dtSec : undefined); // counter reset → skip
    if (cur.net.size === 0) this.unavailableStat('net');
    for (const [iface, c] of cur.net) {
      const p = prev.net.get(iface);
      if (!p) continue;
      const rx = rate(p.rx, c.rx);
      const tx = rate(p.tx, c.tx);
      if (rx !== undefined) out.push(this.ev(`net.${iface}.rx_bytes_per_s`, rx, 'bytes/s', cur.at));
      if (tx !== undefined) out.push(this.ev(`net.${iface}.tx_bytes_per_s`, tx, 'bytes/s', cur.at));
    }
    if (!cur.disk) this.unavailableStat('disk');
    else if (prev.disk) {
      const r = rate(prev.disk.read, cur.disk.read);
      const w = rate(prev.disk.write, cur.disk.write);
      if (r !== undefined) out.push(this.ev('disk.read_bytes_per_s', r, 'bytes/s', cur.at));
      if (w !== undefined) out.push(this.ev('disk.write_bytes_per_s', w, 'bytes/s', cur.at));
    }
    return out;
  }
}

function clampPct(v: number): number {
  return v < 0 ? 0 : v > 100 ? 100 : v;
}
