/**
 * The what-if rows of `npm run bench` (issue 14): recompute speed over N retained events per window
 * kind, memory per retained event, and the live pipeline's throughput with the history tap on vs off
 * (alternating children, median of the rounds). Each run is a `bench/whatif-child.ts` child.
 */
import type { Launcher } from './bundle';
import { ROOT } from './bundle';
import { fmtRate, type BenchRowReport, type TargetReport } from './report';
import { median, runChild } from './spawn';

const KINDS = ['tumbling 1s', 'hopping 10s/1s', 'session 5s gap'];

/** Settings of the what-if rows. */
export interface WhatIfBenchOptions {
  /** Retained events replayed per row (full: 10 M). */
  events: number;
  keys: number[];
  rounds: number;
  childTimeoutMs: number;
  /** Workload file of the live rows (tumbling 1 s, the most keys). */
  liveWorkload: string;
  liveLabel: string;
  liveKeys: number;
}

const row = (name: string, workload: string, keys: number | undefined, rate: number | null, ok: boolean, extra: Partial<BenchRowReport>): BenchRowReport => ({
  name,
  workload,
  keys,
  eventsPerSec: rate,
  peakRssMB: null,
  ratioToNaive: null,
  ratioToFloor: null,
  ok,
  ...extra,
});

/** Runs the children and returns the rows. */
export async function whatIfRows(o: WhatIfBenchOptions, launcher: Launcher, log: (m: string) => void): Promise<BenchRowReport[]> {
  const rows: BenchRowReport[] = [];
  const script = launcher('bench/whatif-child.ts');
  for (const keys of o.keys) {
    for (const kind of KINDS) {
      const r = await runChild(['--expose-gc', '--max-old-space-size=4096', ...script, '--mode', 'recompute', '--events', String(o.events), '--workload-label', kind, '--keys', String(keys)], {
        timeoutMs: o.childTimeoutMs * 2,
        cwd: ROOT,
      });
      const note = r.note === undefined ? undefined : (JSON.parse(r.note) as { bytesPerEvent: number; historyBytes: number });
      log(`  what-if recompute ${kind}, ${keys} keys: ${r.ok ? `${fmtRate(r.eventsPerSec ?? null)} ev/s, ${((r.elapsedMs ?? 0) / 1000).toFixed(2)} s` : `FAILED ${r.error}`}`);
      rows.push(
        row('what-if recompute', `what-if: ${kind}`, keys, r.ok ? r.eventsPerSec ?? null : null, r.ok, {
          peakRssMB: r.maxRssMB ?? null,
          error: r.ok ? undefined : r.error,
          note: r.ok ? `${o.events.toLocaleString('en')} retained events in ${((r.elapsedMs ?? 0) / 1000).toFixed(2)} s; ${r.rows?.toLocaleString('en')} results; ${note?.bytesPerEvent.toFixed(1)} bytes per retained event` : undefined,
        }),
      );
    }
  }
  const live = new Map<'on' | 'off', number[]>([['on', []], ['off', []]]);
  const cpuPerEventNs = new Map<'on' | 'off', number[]>([['on', []], ['off', []]]);
  const tapNs: number[] = [];
  const errors: string[] = [];
  for (let round = 0; round < o.rounds; round++) {
    for (const retain of round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
      const r = await runChild(['--max-old-space-size=4096', ...script, '--mode', 'live', '--workload', o.liveWorkload, '--retain', retain], { timeoutMs: o.childTimeoutMs, cwd: ROOT });
      const note = r.ok && r.note !== undefined && r.events ? (JSON.parse(r.note) as { cpuMs: number; tapMs: number }) : null;
      const cpuNs = note !== null ? (note.cpuMs * 1e6) / r.events! : null;
      if (note !== null && retain === 'on') tapNs.push((note.tapMs * 1e6) / r.events!);
      log(`  live ${o.liveLabel}, ${o.liveKeys} keys, retention ${retain}, round ${round + 1}: ${r.ok ? `${fmtRate(r.eventsPerSec ?? null)} ev/s, ${cpuNs?.toFixed(0)} ns CPU per event${retain === 'on' ? `, ${tapNs.at(-1)?.toFixed(0)} ns in the tap` : ''}` : `FAILED ${r.error}`}`);
      if (r.ok && r.eventsPerSec !== undefined) live.get(retain)!.push(r.eventsPerSec);
      else errors.push(r.error ?? 'failed');
      if (cpuNs !== null) cpuPerEventNs.get(retain)!.push(cpuNs);
    }
  }
  for (const retain of ['off', 'on'] as const) {
    const rates = live.get(retain)!;
    rows.push(
      row(`pipeline, retention ${retain}`, `what-if: live ${o.liveLabel}`, o.liveKeys, rates.length > 0 ? median(rates) : null, rates.length > 0, {
        rounds: rates.map(Math.round),
        error: errors.length > 0 ? errors.join('; ') : undefined,
        note: `${cpuPerEventNs.get(retain)!.length > 0 ? `${median(cpuPerEventNs.get(retain)!).toFixed(0)} ns CPU per event (median)` : ''}${retain === 'on' ? `; ${tapNs.length > 0 ? median(tapNs).toFixed(0) : '?'} ns per event inside the history tap (ring, 256 MB budget)` : ''}`,
        cpuNsPerEvent: cpuPerEventNs.get(retain)!.length > 0 ? median(cpuPerEventNs.get(retain)!) : null,
      } as Partial<BenchRowReport>),
    );
  }
  return rows;
}

/** The issue-14 targets over the rows. */
export function whatIfTargets(rows: BenchRowReport[], events: number): TargetReport[] {
  const out: TargetReport[] = [];
  for (const r of rows.filter((x) => x.name === 'what-if recompute')) {
    const s = r.eventsPerSec === null ? null : events / r.eventsPerSec;
    out.push({ id: `whatif-${r.workload}-${r.keys}`, description: `what-if recompute of ${events.toLocaleString('en')} events, ${r.workload.replace('what-if: ', '')}, ${r.keys?.toLocaleString('en')} keys (s, scaled to 10 M)`, value: s === null ? null : (s * 10_000_000) / events, target: '≤ 1', met: s === null ? null : (s * 10_000_000) / events <= 1 });
  }
  const on = rows.find((r) => r.name === 'pipeline, retention on')?.eventsPerSec ?? null;
  const off = rows.find((r) => r.name === 'pipeline, retention off')?.eventsPerSec ?? null;
  const slower = on !== null && off !== null && off > 0 ? (1 - on / off) * 100 : null;
  out.push({ id: 'retention-cost', description: 'live pipeline slowdown with retention on, wall time (%)', value: slower, target: '≤ 10', met: slower === null ? null : slower <= 10 });
  const cpu = (name: string) => (rows.find((r) => r.name === name) as { cpuNsPerEvent?: number | null } | undefined)?.cpuNsPerEvent ?? null;
  const cpuOn = cpu('pipeline, retention on');
  const cpuOff = cpu('pipeline, retention off');
  const cpuMore = cpuOn !== null && cpuOff !== null && cpuOff > 0 ? (cpuOn / cpuOff - 1) * 100 : null;
  out.push({ id: 'retention-cpu', description: 'live pipeline CPU per event with retention on, extra (%)', value: cpuMore, target: '≤ 10', met: cpuMore === null ? null : cpuMore <= 10 });
  return out;
}
