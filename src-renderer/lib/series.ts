/**
 * Chart point shapes and how one frame's metrics become points. Pure functions of the frame; the
 * dashboard model keeps them in ring buffers.
 */
import type { MetricsSnapshot, QueueSnapshot, SensorPoint, WindowResult } from '../../src-shared/types';

/** Throughput at processing time `t` (ms since epoch), events/s. */
export interface ThroughputPoint {
  t: number;
  received: number;
  processed: number;
  dropped: number;
}

/**
 * Per-queue load at time `t`, keyed by queue name: depth in events, backpressured time in ms/s, and
 * events dropped since start (a counter).
 */
export interface QueuePoint {
  t: number;
  depth: Record<string, number>;
  backpressureMsPerSec: Record<string, number>;
  dropped: Record<string, number>;
}

/** Watermark lag (ms, null before the first event) and late events (events/s) at time `t`. */
export interface WatermarkPoint {
  t: number;
  lagMs: number | null;
  latePerSec: number;
}

/** Alerts in the results of one frame (or one second): events above the threshold, and windows with any. */
export interface AlertPoint {
  t: number;
  alerts: number;
  alertWindows: number;
}

export type { SensorPoint };

/** Throughput point of a metrics snapshot. */
export function throughputPoint(m: MetricsSnapshot): ThroughputPoint {
  return {
    t: m.at,
    received: finite(m.rates.receivedPerSec),
    processed: finite(m.rates.processedPerSec),
    dropped: finite(m.rates.droppedPerSec),
  };
}

/** Queue point of a metrics snapshot. */
export function queuePoint(m: MetricsSnapshot): QueuePoint {
  const depth: Record<string, number> = {};
  const backpressureMsPerSec: Record<string, number> = {};
  const dropped: Record<string, number> = {};
  for (const q of m.queues) {
    depth[q.name] = finite(q.peakDepthEvents);
    backpressureMsPerSec[q.name] = finite(q.backpressuredMsPerSec);
    dropped[q.name] = finite(q.droppedEvents);
  }
  return { t: m.at, depth, backpressureMsPerSec, dropped };
}

/** Watermark point of a metrics snapshot. */
export function watermarkPoint(m: MetricsSnapshot): WatermarkPoint {
  return {
    t: m.at,
    lagMs: m.watermarkLagMs === null || !Number.isFinite(m.watermarkLagMs) ? null : m.watermarkLagMs,
    latePerSec: finite(m.rates.latePerSec),
  };
}

/** Alert point of the results carried by one frame. */
export function alertPoint(t: number, results: readonly WindowResult[]): AlertPoint {
  let alerts = 0;
  let alertWindows = 0;
  for (const r of results) {
    if (r.alertCount > 0) {
      alerts += r.alertCount;
      alertWindows++;
    }
  }
  return { t, alerts, alertWindows };
}

/** Sensor chart point of one result. */
export function sensorPoint(r: WindowResult): SensorPoint {
  return {
    windowStart: r.windowStart,
    windowEnd: r.windowEnd,
    avg: r.avg,
    min: r.min,
    max: r.max,
    count: r.count,
    alertCount: r.alertCount,
  };
}

/** Largest backpressured time across queues, ms/s (0 without queues). */
export function maxBackpressureMsPerSec(queues: readonly QueueSnapshot[]): number {
  let max = 0;
  for (const q of queues) max = Math.max(max, finite(q.backpressuredMsPerSec));
  return max;
}

/** Fill of a queue at its peak of the last second, 0..1 (0 when capacity is unknown). */
export function queueFill(q: Pick<QueueSnapshot, 'peakDepthEvents' | 'capacityEvents'>): number {
  if (!(q.capacityEvents > 0)) return 0;
  return Math.min(1, Math.max(0, finite(q.peakDepthEvents) / q.capacityEvents));
}

/** Backpressure levels as in Flink's web UI: OK ≤ 10 %, LOW ≤ 50 %, HIGH above (ms per second). */
export const BACKPRESSURE_WARN_MS_PER_SEC = 100;
export const BACKPRESSURE_CRITICAL_MS_PER_SEC = 500;

/** Level of a backpressured time (ms/s): ok ≤ 100, warn ≤ 500, critical above. */
export function backpressureLevel(msPerSec: number): 'ok' | 'warn' | 'critical' {
  if (msPerSec > BACKPRESSURE_CRITICAL_MS_PER_SEC) return 'critical';
  if (msPerSec > BACKPRESSURE_WARN_MS_PER_SEC) return 'warn';
  return 'ok';
}

/**
 * How loaded a queue looks: `ok`, `warn` (amber) from half full or more than 100 ms/s backpressured,
 * `critical` (red) from 85 % full, more than 500 ms/s backpressured, or when it is dropping events.
 */
export function queueLevel(
  q: Pick<QueueSnapshot, 'peakDepthEvents' | 'capacityEvents' | 'backpressuredMsPerSec'>,
  droppingNow = false,
): 'ok' | 'warn' | 'critical' {
  const fill = queueFill(q);
  const bp = backpressureLevel(finite(q.backpressuredMsPerSec));
  if (droppingNow || fill >= 0.85 || bp === 'critical') return 'critical';
  if (fill >= 0.5 || bp === 'warn') return 'warn';
  return 'ok';
}

function finite(n: number): number {
  return Number.isFinite(n) ? n : 0;
}
