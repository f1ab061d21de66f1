/**
 * Chart redraws are spread over animation frames (one chart per frame), and the dashboard model
 * hands charts the same arrays while their data did not change (no redraw at all).
 */
import { describe, expect, it, vi } from 'vitest';
import type { Frame } from '../src-shared/contract';
import type { WindowResult } from '../src-shared/types';
import { DashboardModel } from '../src-renderer/lib/dashboard-model';
import { createChartPacer } from '../src-renderer/store/chart-pacer';
import { metrics, result } from './support/renderer-fixtures';

/** A hand-driven frame scheduler: `tick()` runs the callbacks scheduled so far. */
function manualFrames() {
  let pending: (() => void)[] = [];
  return {
    schedule: (cb: () => void) => {
      pending.push(cb);
    },
    get scheduled() {
      return pending.length;
    },
    tick() {
      const run = pending;
      pending = [];
      for (const cb of run) cb();
    },
  };
}

describe('chart pacer', () => {
  it('runs one turn per frame, first come first served, and stops scheduling when idle', () => {
    const frames = manualFrames();
    const pacer = createChartPacer({ schedule: frames.schedule });
    const ran: string[] = [];
    for (const name of ['a', 'b', 'c']) pacer.request(() => ran.push(name));
    expect(frames.scheduled).toBe(1);
    expect(ran).toEqual([]);
    frames.tick();
    expect(ran).toEqual(['a']);
    frames.tick();
    expect(ran).toEqual(['a', 'b']);
    frames.tick();
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(pacer.waiting).toBe(0);
    expect(frames.scheduled).toBe(0);
  });

  it('honours perFrame, and a turn requested during a frame runs in a later one', () => {
    const frames = manualFrames();
    const pacer = createChartPacer({ schedule: frames.schedule, perFrame: 2 });
    const ran: string[] = [];
    pacer.request(() => {
      ran.push('a');
      pacer.request(() => ran.push('late'));
    });
    pacer.request(() => ran.push('b'));
    pacer.request(() => ran.push('c'));
    frames.tick();
    expect(ran).toEqual(['a', 'b']);
    frames.tick();
    expect(ran).toEqual(['a', 'b', 'c', 'late']);
  });

  it('drops a withdrawn turn, and a failing turn does not stop the others', () => {
    const frames = manualFrames();
    const pacer = createChartPacer({ schedule: frames.schedule });
    const ran: string[] = [];
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    pacer.request(() => {
      throw new Error('boom');
    });
    const withdraw = pacer.request(() => ran.push('withdrawn'));
    pacer.request(() => ran.push('kept'));
    withdraw();
    frames.tick();
    frames.tick();
    frames.tick();
    expect(ran).toEqual(['kept']);
    expect(error).toHaveBeenCalledTimes(1);
    error.mockRestore();
  });
});



function frame(seq: number, results: WindowResult[] = [], at = seq * 100): Frame {
  return { seq, results, resultsSkipped: 0, metrics: metrics(at), late: [], deadLetters: [], logs: [] };
}

describe('DashboardModel snapshots for the charts', () => {
  it('keeps the sensor series array while the charted sensor got no new window', () => {
    const model = new DashboardModel();
    model.ingest(frame(1, [result('a', 0), result('b', 0)]));
    const v1 = model.snapshot();
    expect(v1.sensorSeries).toHaveLength(1);
    model.ingest(frame(2, [result('b', 1000)])); // another sensor only
    const v2 = model.snapshot();
    expect(v2).not.toBe(v1);
    expect(v2.sensorSeries).toBe(v1.sensorSeries);
    model.ingest(frame(3, [result('a', 1000)]));
    const v3 = model.snapshot();
    expect(v3.sensorSeries).not.toBe(v2.sensorSeries);
    expect(v3.sensorSeries.map((p) => p.windowStart)).toEqual([0, 1000]);
    model.selectSensor('b');
    const v4 = model.snapshot();
    expect(v4.selectedSensor).toBe('b');
    expect(v4.sensorSeries.map((p) => p.windowStart)).toEqual([0, 1000]);
    expect(v4.sensorSeries).not.toBe(v3.sensorSeries);
  });

  it('keeps the alerts array while frames within the same second bring no alerts', () => {
    const model = new DashboardModel();
    model.ingest(frame(1, [result('a', 0, { alertCount: 2 })], 1000));
    const v1 = model.snapshot();
    model.ingest(frame(2, [], 1100));
    model.ingest(frame(3, [result('a', 1000)], 1200)); // a result without alerts
    const v2 = model.snapshot();
    expect(v2.throughput).not.toBe(v1.throughput);
    expect(v2.alerts).toBe(v1.alerts);
    expect(v2.alerts).toEqual([{ t: 1000, alerts: 2, alertWindows: 1 }]);
    model.ingest(frame(4, [], 2000)); // the next second starts a (zero) bar
    expect(model.snapshot().alerts).toEqual([
      { t: 1000, alerts: 2, alertWindows: 1 },
      { t: 2000, alerts: 0, alertWindows: 0 },
    ]);
  });
});
