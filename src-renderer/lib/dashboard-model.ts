/**
 * The dashboard's data, outside React: frames are ingested into bounded ring buffers as they arrive
 * (cheap, O(results) per frame) and `snapshot()` copies them into plain arrays for the charts. The
 * store calls `snapshot()` at most once per animation frame, so memory and render work stay bounded
 * whatever the event rate.
 */
import type { AppStatus, Frame, LogLine } from '../../src-shared/contract';
import type { DeadLetter, LateEvent, MetricsSnapshot, WindowResult, WindowSpec } from '../../src-shared/types';
import { RingBuffer } from '../../src-shared/ring-buffer';
import {
  alertPoint,
  queuePoint,
  sensorPoint,
  throughputPoint,
  watermarkPoint,
  type AlertPoint,
  type QueuePoint,
  type SensorPoint,
  type ThroughputPoint,
  type WatermarkPoint,
} from './series';

/** Capacities of the ring buffers (items). */
export interface ModelCapacity {
  /** Points per time series (one per frame: 300 ≈ 30 s at 10 frames/s; alerts: one per second). */
  points: number;
  /** Latest window results kept for the table. */
  results: number;
  /** Windows kept per sensor for the avg/min/max chart. */
  sensorPoints: number;
  /** Sensors tracked at once (least recently updated evicted first, except the selected one). */
  sensors: number;
  /** Late events, dead letters and log lines kept each. */
  sideOutputs: number;
}

/** Default capacities. */
export const DEFAULT_CAPACITY: ModelCapacity = {
  points: 300,
  results: 200,
  sensorPoints: 120,
  sensors: 200,
  sideOutputs: 50,
};

/** Span over which per-queue drop rates are measured, ms. */
const DROP_RATE_SPAN_MS = 1000;

/** Least interval between two updates of the sensor list, ms of metrics time. */
const SENSOR_LIST_REFRESH_MS = 1000;

/** What the charts and tables draw: plain arrays, each already bounded. */
export interface DashboardView {
  throughput: ThroughputPoint[];
  queues: QueuePoint[];
  /** Queue names seen in the latest metrics, in the engine's order. */
  queueNames: string[];
  watermark: WatermarkPoint[];
  alerts: AlertPoint[];
  /** Latest window results, newest first. */
  results: WindowResult[];
  /** Tracked sensor ids, sorted (refreshed at most once per second while sensors churn). */
  sensors: string[];
  /** The sensor charted: the chosen one, else the first tracked one; null before any result. */
  selectedSensor: string | null;
  /** Windows of `selectedSensor`, oldest first. */
  sensorSeries: SensorPoint[];
  /** Latest metrics snapshot, null before the first frame. */
  metrics: MetricsSnapshot | null;
  /** Events dropped per second per queue, over about the last second (0 when unknown). */
  queueDropRates: Record<string, number>;
  /** Latest side outputs, newest first. */
  late: LateEvent[];
  deadLetters: DeadLetter[];
  logs: LogLine[];
  /** Frames ingested so far, and results the host could not send (cap / slow consumer). */
  frames: number;
  resultsSkipped: number;
  lastSeq: number;
}

/** A view with nothing in it (before the first frame). */
export function emptyView(): DashboardView {
  return {
    throughput: [],
    queues: [],
    queueNames: [],
    watermark: [],
    alerts: [],
    results: [],
    sensors: [],
    selectedSensor: null,
    sensorSeries: [],
    metrics: null,
    queueDropRates: {},
    late: [],
    deadLetters: [],
    logs: [],
    frames: 0,
    resultsSkipped: 0,
    lastSeq: 0,
  };
}

/** Bounded buffers fed by frames; see the file comment. */
export class DashboardModel {
  private readonly cap: ModelCapacity;
  private readonly throughput: RingBuffer<ThroughputPoint>;
  private readonly queues: RingBuffer<QueuePoint>;
  private readonly watermark: RingBuffer<WatermarkPoint>;
  private readonly alerts: RingBuffer<AlertPoint>;
  private readonly results: RingBuffer<WindowResult>;
  private readonly late: RingBuffer<LateEvent>;
  private readonly deadLetters: RingBuffer<DeadLetter>;
  private readonly logs: RingBuffer<LogLine>;
  /** Insertion order = least recently updated first. */
  private readonly sensorSeries = new Map<string, RingBuffer<SensorPoint>>();
  private sensorsVersion = 0;
  private chosenSensor: string | null = null;
  private metrics: MetricsSnapshot | null = null;
  private windowKey: string | null = null;
  private frames = 0;
  private resultsSkipped = 0;
  private lastSeq = 0;
  private status: AppStatus | null = null;
  private statusChanged = false;
  private last: DashboardView = emptyView();
  private lastVersions = '';
  /** The sensor series (buffer and version) copied into `last.sensorSeries`. */
  private lastSeries: { buffer: RingBuffer<SensorPoint> | undefined; version: number } = { buffer: undefined, version: -1 };
  private lastSensorsVersion = -1;
  private sensorsListAt = 0;

  constructor(capacity: Partial<ModelCapacity> = {}) {
    this.cap = { ...DEFAULT_CAPACITY, ...capacity };
    this.throughput = new RingBuffer(this.cap.points);
    this.queues = new RingBuffer(this.cap.points);
    this.watermark = new RingBuffer(this.cap.points);
    this.alerts = new RingBuffer(this.cap.points);
    this.results = new RingBuffer(this.cap.results);
    this.late = new RingBuffer(this.cap.sideOutputs);
    this.deadLetters = new RingBuffer(this.cap.sideOutputs);
    this.logs = new RingBuffer(this.cap.sideOutputs);
  }

  /**
   * Take one frame into the buffers. Malformed parts (missing arrays, missing metrics) are skipped,
   * never thrown: a bad frame must not take the dashboard down.
   */
  ingest(frame: Frame): void {
    this.frames++;
    if (Number.isFinite(frame.seq)) this.lastSeq = frame.seq;
    if (Number.isFinite(frame.resultsSkipped)) this.resultsSkipped += frame.resultsSkipped;
    if (frame.status) this.noteStatus(frame.status);

    // A first frame after a reload carries the host's recent chart samples: replay them first.
    if (Array.isArray(frame.history)) for (const m of frame.history) this.addMetricsPoint(m, []);
    const metrics = frame.metrics;
    const results = Array.isArray(frame.results) ? frame.results : [];
    this.addMetricsPoint(metrics, results);
    this.results.pushAll(results);
    for (const r of results) this.addSensorResult(r);
    if (Array.isArray(frame.late)) this.late.pushAll(frame.late);
    if (Array.isArray(frame.deadLetters)) this.deadLetters.pushAll(frame.deadLetters);
    if (Array.isArray(frame.logs)) this.logs.pushAll(frame.logs);
  }

  /** One metrics snapshot into the chart series (skipped when malformed). */
  private addMetricsPoint(metrics: MetricsSnapshot | undefined, results: readonly WindowResult[]): void {
    if (!metrics || typeof metrics.at !== 'number') return;
    this.metrics = metrics;
    this.throughput.push(throughputPoint(metrics));
    if (Array.isArray(metrics.queues)) this.queues.push(queuePoint(metrics));
    this.watermark.push(watermarkPoint(metrics));
    this.addAlerts(alertPoint(Math.floor(metrics.at / 1000) * 1000, results));
  }

  /**
   * Remember the host status. A change of window spec clears the per-sensor series (windows of
   * different sizes would not compare on one chart).
   */
  noteStatus(status: AppStatus): void {
    this.status = status;
    this.statusChanged = true;
    const key = status?.config?.window ? windowSpecKey(status.config.window) : null;
    if (key !== null && this.windowKey !== null && key !== this.windowKey) {
      for (const series of this.sensorSeries.values()) series.clear();
    }
    if (key !== null) this.windowKey = key;
  }

  /** The status noted since the last call, or null when unchanged. */
  takeStatus(): AppStatus | null {
    if (!this.statusChanged) return null;
    this.statusChanged = false;
    return this.status;
  }

  /** Chart `sensorId` (null = the first tracked sensor). */
  selectSensor(sensorId: string | null): void {
    this.chosenSensor = sensorId;
    this.lastVersions = '';
  }

  /**
   * Plain arrays of everything buffered. Arrays of buffers that did not change since the last call
   * are reused, so React components memoized on them skip re-rendering.
   */
  snapshot(): DashboardView {
    const selected = this.currentSensor();
    const selectedSeries = selected === null ? undefined : this.sensorSeries.get(selected);
    const versions = [
      this.throughput.version,
      this.queues.version,
      this.watermark.version,
      this.alerts.version,
      this.results.version,
      this.late.version,
      this.deadLetters.version,
      this.logs.version,
      selected,
      selectedSeries?.version ?? -1,
      this.sensorsVersion,
    ].join('|');
    if (versions === this.lastVersions) return this.last;
    const prev = this.last;
    const pick = <T>(buffer: RingBuffer<T>, previous: T[], index: number, reverse = false): T[] => {
      const oldVersions = this.lastVersions.split('|');
      if (oldVersions[index] === String(buffer.version)) return previous;
      const arr = buffer.toArray();
      return reverse ? arr.reverse() : arr;
    };
    // The sensor list (a select's options) follows churn at most once per second of metrics time.
    const now = this.metrics?.at ?? 0;
    const sensorsChanged =
      this.sensorsVersion !== this.lastSensorsVersion &&
      (prev.sensors.length === 0 || now - this.sensorsListAt >= SENSOR_LIST_REFRESH_MS || now < this.sensorsListAt);
    const view: DashboardView = {
      throughput: pick(this.throughput, prev.throughput, 0),
      queues: pick(this.queues, prev.queues, 1),
      queueNames: this.queueNames(prev.queueNames),
      watermark: pick(this.watermark, prev.watermark, 2),
      alerts: pick(this.alerts, prev.alerts, 3),
      results: pick(this.results, prev.results, 4, true),
      late: pick(this.late, prev.late, 5, true),
      deadLetters: pick(this.deadLetters, prev.deadLetters, 6, true),
      logs: pick(this.logs, prev.logs, 7, true),
      sensors: sensorsChanged ? [...this.sensorSeries.keys()].sort() : prev.sensors,
      selectedSensor: selected,
      sensorSeries: this.seriesArray(selectedSeries, prev.sensorSeries),
      metrics: this.metrics,
      queueDropRates: this.queueDropRates(),
      frames: this.frames,
      resultsSkipped: this.resultsSkipped,
      lastSeq: this.lastSeq,
    };
    if (sensorsChanged) {
      this.lastSensorsVersion = this.sensorsVersion;
      this.sensorsListAt = now;
    }
    this.lastVersions = versions;
    this.last = view;
    return view;
  }

  /** The charted series as an array: the previous one while the same buffer did not change. */
  private seriesArray(series: RingBuffer<SensorPoint> | undefined, previous: SensorPoint[]): SensorPoint[] {
    const version = series?.version ?? -1;
    if (series === this.lastSeries.buffer && version === this.lastSeries.version) return previous;
    this.lastSeries = { buffer: series, version };
    return series ? series.toArray() : [];
  }

  private currentSensor(): string | null {
    if (this.chosenSensor !== null && this.sensorSeries.has(this.chosenSensor)) return this.chosenSensor;
    let first: string | null = null;
    for (const id of this.sensorSeries.keys()) if (first === null || id < first) first = id;
    return first ?? this.chosenSensor;
  }

  /** Alerts are summed per second of processing time (results arrive in bursts, not every frame). */
  private addAlerts(point: AlertPoint): void {
    const last = this.alerts.last();
    if (last && last.t === point.t) {
      // Nothing to add (a frame without alerts): keep the buffer (and the chart) unchanged.
      if (point.alerts === 0 && point.alertWindows === 0) return;
      this.alerts.replaceRecent(
        (p) => p === last,
        { t: point.t, alerts: last.alerts + point.alerts, alertWindows: last.alertWindows + point.alertWindows },
        1,
      );
    } else {
      this.alerts.push(point);
    }
  }

  private addSensorResult(r: WindowResult): void {
    if (!r || typeof r.sensorId !== 'string') return;
    let series = this.sensorSeries.get(r.sensorId);
    if (series) {
      // Move to the back: most recently updated.
      this.sensorSeries.delete(r.sensorId);
      this.sensorSeries.set(r.sensorId, series);
    } else {
      this.evictSensors();
      series = new RingBuffer<SensorPoint>(this.cap.sensorPoints);
      this.sensorSeries.set(r.sensorId, series);
      this.sensorsVersion++;
    }
    const point = sensorPoint(r);
    const replaced =
      r.isUpdate &&
      series.replaceRecent((p) => p.windowStart === r.windowStart && p.windowEnd === r.windowEnd, point, 32);
    if (!replaced) series.push(point);
  }

  /**
   * Drop least recently updated sensors until one more fits. The charted sensor (as of the last
   * snapshot) and the chosen one are kept. O(1) amortized per eviction (Map insertion order).
   */
  private evictSensors(): void {
    const keep1 = this.chosenSensor;
    const keep2 = this.last.selectedSensor;
    while (this.sensorSeries.size >= this.cap.sensors) {
      let victim: string | undefined;
      for (const id of this.sensorSeries.keys()) {
        if (id !== keep1 && id !== keep2) {
          victim = id;
          break;
        }
      }
      if (victim === undefined) return;
      this.sensorSeries.delete(victim);
      this.sensorsVersion++;
    }
  }

  private queueNames(previous: string[]): string[] {
    const names = Array.isArray(this.metrics?.queues) ? this.metrics.queues.map((q) => q.name) : [];
    return names.length === previous.length && names.every((n, i) => n === previous[i]) ? previous : names;
  }

  /** Drop rate per queue (events/s) between the newest queue point and the one ≥ 1 s older (or the oldest). */
  private queueDropRates(): Record<string, number> {
    const out: Record<string, number> = {};
    const newest = this.queues.last();
    if (!newest) return out;
    let older: QueuePoint | undefined;
    for (let i = this.queues.size - 2; i >= 0; i--) {
      older = this.queues.at(i);
      if (older && newest.t - older.t >= DROP_RATE_SPAN_MS) break;
    }
    const dtMs = older ? newest.t - older.t : 0;
    for (const [name, dropped] of Object.entries(newest.dropped)) {
      const before = older?.dropped[name];
      out[name] = before === undefined || dtMs <= 0 ? 0 : (Math.max(0, dropped - before) * 1000) / dtMs;
    }
    return out;
  }
}

/** A stable string for a window spec (equal specs give equal keys). */
export function windowSpecKey(w: WindowSpec): string {
  switch (w.kind) {
    case 'tumbling':
      return `tumbling:${w.sizeMs}`;
    case 'hopping':
      return `hopping:${w.sizeMs}:${w.slideMs}`;
    case 'session':
      return `session:${w.gapMs}`;
  }
}
