/**
 * Folds the results of one replay into what users ask of a what-if: how many windows, alerts,
 * late events, per-key extremes; plus the chart series of one sensor and the alerts per window end.
 * Memory is per key and per charted point (bounded), never per result.
 */
import type { WhatIfAlertPoint, WhatIfKeyExtremes, SensorPoint, WhatIfSeries, WhatIfSettings, WhatIfSummary, WindowResult } from '../../../src-shared/types';

export type { WhatIfSeries };

/** Most keys listed in a summary's `topKeys`. */
export const TOP_KEYS = 20;
/** Most points kept per series (the newest win). */
export const MAX_SERIES_POINTS = 600;

/** Accumulates a {@link WhatIfSummary} and {@link WhatIfSeries} from result batches. */
export class SummaryCollector {
  private windows = 0;
  private updates = 0;
  private alerts = 0;
  private alertWindows = 0;
  private partial = 0;
  private readonly perKey = new Map<string, WhatIfKeyExtremes>();
  private readonly sensor: SensorPoint[] = [];
  private readonly alertsByEnd = new Map<number, WhatIfAlertPoint>();
  private sensorId: string | null;

  /**
   * @param completeAfterMs windows starting at or before this may miss overwritten events.
   * @param sensorId the sensor to chart; null picks the first key seen.
   */
  constructor(private readonly completeAfterMs: number, sensorId: string | null) {
    this.sensorId = sensorId;
  }

  /** Folds one batch of results. */
  add(batch: readonly WindowResult[]): void {
    for (const r of batch) {
      if (this.sensorId === null) this.sensorId = r.sensorId;
      let k = this.perKey.get(r.sensorId);
      if (k === undefined) this.perKey.set(r.sensorId, (k = { sensorId: r.sensorId, min: r.min, max: r.max, alerts: 0, windows: 0 }));
      if (r.min < k.min) k.min = r.min;
      if (r.max > k.max) k.max = r.max;
      if (r.sensorId === this.sensorId) this.addSensorPoint(r);
      if (r.isUpdate) {
        this.updates++;
        continue;
      }
      this.windows++;
      k.windows++;
      k.alerts += r.alertCount;
      this.alerts += r.alertCount;
      if (r.alertCount > 0) this.alertWindows++;
      if (r.windowStart <= this.completeAfterMs) this.partial++;
      let p = this.alertsByEnd.get(r.windowEnd);
      if (p === undefined) {
        this.alertsByEnd.set(r.windowEnd, (p = { t: r.windowEnd, alerts: 0, alertWindows: 0 }));
        if (this.alertsByEnd.size > MAX_SERIES_POINTS * 2) this.trimAlerts();
      }
      p.alerts += r.alertCount;
      if (r.alertCount > 0) p.alertWindows++;
    }
  }

  /** The summary, given the replay's counts. */
  summary(settings: WhatIfSettings, run: { events: number; lateEvents: number; openAtEnd: number }): WhatIfSummary {
    const topKeys = [...this.perKey.values()].sort((a, b) => b.max - a.max || (a.sensorId < b.sensorId ? -1 : 1)).slice(0, TOP_KEYS);
    return {
      settings,
      events: run.events,
      windows: this.windows,
      updates: this.updates,
      alerts: this.alerts,
      alertWindows: this.alertWindows,
      lateEvents: run.lateEvents,
      openAtEnd: run.openAtEnd,
      partialWindows: this.partial,
      keys: this.perKey.size,
      topKeys,
    };
  }

  /** The chart series: the charted sensor's windows and the alerts per window end, oldest first. */
  series(): WhatIfSeries {
    this.trimAlerts();
    const alerts = [...this.alertsByEnd.values()].sort((a, b) => a.t - b.t).slice(-MAX_SERIES_POINTS);
    const sensor = [...this.sensor].sort((a, b) => a.windowStart - b.windowStart || a.windowEnd - b.windowEnd).slice(-MAX_SERIES_POINTS);
    return { sensorId: this.sensorId, sensor, alerts };
  }

  /** An update replaces the point of the same window (sessions: the ones it supersedes too). */
  private addSensorPoint(r: WindowResult): void {
    const point = { windowStart: r.windowStart, windowEnd: r.windowEnd, avg: r.avg, min: r.min, max: r.max, count: r.count, alertCount: r.alertCount };
    if (r.isUpdate) {
      const gone = new Set([`${r.windowStart}:${r.windowEnd}`, ...(r.supersedes ?? []).map(([s, e]) => `${s}:${e}`)]);
      for (let i = this.sensor.length - 1; i >= 0 && i >= this.sensor.length - 64; i--) {
        if (gone.has(`${this.sensor[i].windowStart}:${this.sensor[i].windowEnd}`)) this.sensor.splice(i, 1);
      }
    }
    this.sensor.push(point);
    if (this.sensor.length > MAX_SERIES_POINTS * 2) this.sensor.splice(0, this.sensor.length - MAX_SERIES_POINTS);
  }

  private trimAlerts(): void {
    if (this.alertsByEnd.size <= MAX_SERIES_POINTS) return;
    const ends = [...this.alertsByEnd.keys()].sort((a, b) => a - b);
    for (const t of ends.slice(0, ends.length - MAX_SERIES_POINTS)) this.alertsByEnd.delete(t);
  }
}
