/**
 * The engine's metrics: plain JS counters updated once per batch (cheap), exported through a
 * private prom-client Registry at scrape time (`collect()`), and summarized as a `MetricsSnapshot`
 * for `/metrics.json` and the dashboard. Names follow Prometheus / Vector conventions:
 * `streamscope_` prefix, base units, `_total` counters, `_seconds` durations, and never a label per
 * sensor key.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MetricsSnapshot, RejectReason } from '../../../src-shared/types';
import type { MeteredQueue, QueueDropReason } from '../queue/bounded-queue';
import { RateWindow } from './rate-window';
import { LatencyReservoir } from './latency-reservoir';

/** Role of a component, as in Vector (`component_kind`). */
export type ComponentKind = 'source' | 'operator' | 'sink';

/** Connection state of a live source. */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'stopped';

/** Options of {@link EngineMetrics}. */
export interface EngineMetricsOptions {
  /** Processing-time clock, ms since epoch (default `Date.now`); inject for tests. */
  now?: () => number;
  /** Also export Node's default process metrics (`process_*`, `nodejs_*`). Default false. */
  collectDefault?: boolean;
}

interface ComponentStats {
  name: string;
  kind: ComponentKind;
  received: number;
  sent: number;
  bytesIn: number;
  errorsTotal: number;
  errorsByReason: Map<string, number>;
  state: ConnectionState | 'unknown';
  reconnects: number;
  droppedResults: number;
}

interface QueueTotals {
  backpressuredMs: number;
  busyMs: number;
  backpressureEvents: number;
}

/** Histogram buckets for event-to-result latency, seconds (1 ms .. 60 s). */
export const LATENCY_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

type Labels = Record<string, string>;

/** Metrics of one pipeline, in its own prom-client Registry (several may live in one process). */
export class EngineMetrics {
  /** The registry to scrape (`await registry.metrics()`, content type `registry.contentType`). */
  readonly registry: Registry;
  private readonly now: () => number;
  private readonly startedAt: number;

  private readonly components = new Map<string, ComponentStats>();
  private readonly rejectedByReason = new Map<string, number>();
  private readonly droppedByStage = new Map<string, { stage: string; reason: string; n: number }>();
  /** Per output file name: what rotation's total cap deleted. */
  private readonly discardedByOutput = new Map<string, { bytes: number; lines: number }>();
  /** Per sink and reason: results written to the sink's dead-letter file, or lost (`lost`). */
  private readonly deadLetteredBySink = new Map<string, { component: string; reason: string; n: number }>();
  private rejectedTotal = 0;
  private droppedTotal = 0;
  private processedTotal = 0;
  private lateTotal = 0;
  private windowsTotal = 0;
  private watermarkMs: number | null = null;

  private readonly queues = new Map<string, MeteredQueue>();
  /** Totals of unregistered queues, per name, so counters stay monotonic across reconfigures. */
  private readonly retiredQueues = new Map<string, QueueTotals>();

  private readonly latencyHistogram: Histogram<string>;
  private readonly latency = new LatencyReservoir(1024);
  private readonly rates: RateWindow;

  constructor(opts: EngineMetricsOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.startedAt = this.now();
    this.rates = new RateWindow(this.startedAt, 1000);
    this.registry = new Registry();
    const reg = this.registry;
    if (opts.collectDefault) collectDefaultMetrics({ register: reg });

    const compOf = (kind?: ComponentKind) =>
      [...this.components.values()].filter((c) => kind === undefined || c.kind === kind);

    syncedCounter(reg, 'streamscope_component_received_events_total',
      'Events (or results, for sinks) received by a component.', ['component', 'kind'],
      (put) => compOf().forEach((c) => put({ component: c.name, kind: c.kind }, c.received)));
    syncedCounter(reg, 'streamscope_component_sent_events_total',
      'Events (or results, for sinks) sent on by a component.', ['component', 'kind'],
      (put) => compOf().forEach((c) => put({ component: c.name, kind: c.kind }, c.sent)));
    syncedCounter(reg, 'streamscope_component_received_bytes_total',
      'Raw bytes read by a source.', ['component'],
      (put) => compOf('source').forEach((c) => put({ component: c.name }, c.bytesIn)));
    syncedCounter(reg, 'streamscope_component_errors_total',
      'Errors of a component, by reason (parse errors of sources, failed writes of sinks, ...).',
      ['component', 'kind', 'reason'],
      (put) => compOf().forEach((c) => c.errorsByReason.forEach((n, reason) =>
        put({ component: c.name, kind: c.kind, reason }, n))));
    syncedCounter(reg, 'streamscope_events_rejected_total',
      'Input records rejected at the edge and dead-lettered, by reason.', ['reason'],
      (put) => this.rejectedByReason.forEach((n, reason) => put({ reason }, n)));
    syncedCounter(reg, 'streamscope_events_processed_total',
      'Events folded into window state.', [], (put) => put({}, this.processedTotal));
    syncedCounter(reg, 'streamscope_events_dropped_total',
      'Events shed by a stage (for example a full queue under a drop policy).', ['stage', 'reason'],
      (put) => this.droppedByStage.forEach((d) => put({ stage: d.stage, reason: d.reason }, d.n)));
    syncedCounter(reg, 'streamscope_late_events_total',
      'Events that arrived after every window they belong to was closed (side output).', [],
      (put) => put({}, this.lateTotal));
    syncedCounter(reg, 'streamscope_window_results_emitted_total',
      'Window results emitted to the fan-out.', [], (put) => put({}, this.windowsTotal));
    syncedCounter(reg, 'streamscope_source_reconnects_total',
      'Reconnection attempts of a live source.', ['component'],
      (put) => compOf('source').forEach((c) => put({ component: c.name }, c.reconnects)));
    syncedCounter(reg, 'streamscope_sink_dropped_results_total',
      'Window results a sink (or its queue) dropped.', ['component'],
      (put) => compOf('sink').forEach((c) => put({ component: c.name }, c.droppedResults)));

    syncedCounter(reg, 'streamscope_output_discarded_bytes_total',
      'Bytes of an output file deleted by rotation (the total size cap).', ['output'],
      (put) => this.discardedByOutput.forEach((d, output) => put({ output }, d.bytes)));
    syncedCounter(reg, 'streamscope_output_discarded_lines_total',
      'Lines (results, late events, dead letters) deleted by rotation (the total size cap).', ['output'],
      (put) => this.discardedByOutput.forEach((d, output) => put({ output }, d.lines)));
    syncedCounter(reg, 'streamscope_sink_dead_lettered_results_total',
      'Results a sink could not deliver, by reason; written to its dead-letter file, or lost when reason is "lost".',
      ['component', 'reason'],
      (put) => this.deadLetteredBySink.forEach((d) => put({ component: d.component, reason: d.reason }, d.n)));

    syncedCounter(reg, 'streamscope_backpressured_seconds_total',
      'Time the producer of a stage queue spent blocked on it (backpressure).', ['stage'],
      (put) => this.queueTotals().forEach((t, stage) => put({ stage }, t.backpressuredMs / 1000)));
    syncedCounter(reg, 'streamscope_busy_seconds_total',
      'Time the consumer of a stage queue reported busy.', ['stage'],
      (put) => this.queueTotals().forEach((t, stage) => put({ stage }, t.busyMs / 1000)));
    syncedCounter(reg, 'streamscope_backpressure_events_total',
      'Puts into a stage queue that had to wait (block policy).', ['stage'],
      (put) => this.queueTotals().forEach((t, stage) => put({ stage }, t.backpressureEvents)));

    syncedGauge(reg, 'streamscope_queue_depth_events', 'Events queued in a stage queue.', ['queue'],
      (put) => this.queues.forEach((q) => put({ queue: q.name }, q.depth)));
    syncedGauge(reg, 'streamscope_queue_depth_peak_events', 'Largest depth of a stage queue in the last 1–2 s.', ['queue'],
      (put) => this.queues.forEach((q) => put({ queue: q.name }, q.peakDepth)));
    syncedGauge(reg, 'streamscope_queue_capacity_events', 'Capacity of a stage queue, events.', ['queue'],
      (put) => this.queues.forEach((q) => put({ queue: q.name }, q.capacity)));
    syncedGauge(reg, 'streamscope_source_connected', 'Whether a live source is connected (1) or not (0).',
      ['component'],
      (put) => compOf('source').forEach((c) => {
        if (c.state !== 'unknown') put({ component: c.name }, c.state === 'connected' ? 1 : 0);
      }));
    syncedGauge(reg, 'streamscope_watermark_seconds',
      'Current event-time watermark, seconds since epoch (NaN before the first event).', [],
      (put) => put({}, this.watermarkMs === null ? NaN : this.watermarkMs / 1000));
    syncedGauge(reg, 'streamscope_watermark_lag_seconds',
      'Processing time minus watermark, seconds (NaN before the first event).', [],
      (put) => put({}, this.watermarkMs === null ? NaN : (this.now() - this.watermarkMs) / 1000));
    syncedGauge(reg, 'streamscope_uptime_seconds', 'Time since the metrics were created, seconds.', [],
      (put) => put({}, (this.now() - this.startedAt) / 1000));

    this.latencyHistogram = new Histogram({
      name: 'streamscope_event_to_result_latency_seconds',
      help: 'Processing time from an event entering the engine to the emission of a result containing it.',
      buckets: LATENCY_BUCKETS_SECONDS,
      registers: [reg],
    });
  }

  /** Count `n` events (results, for sinks) received by a component. */
  received(component: string, kind: ComponentKind, n: number): void {
    const c = this.component(component, kind);
    if (n > 0) c.received += n;
  }

  /** Count `n` events (results, for sinks) a component sent on (or wrote, for sinks). */
  sent(component: string, kind: ComponentKind, n: number): void {
    const c = this.component(component, kind);
    if (n > 0) c.sent += n;
  }

  /** Count raw bytes read by a source. */
  bytesIn(component: string, bytes: number): void {
    const c = this.component(component, 'source');
    if (bytes > 0) c.bytesIn += bytes;
  }

  /** Count `n` errors of a component, by reason (a short snake_case label value, never a key). */
  errors(component: string, kind: ComponentKind, reason: string, n: number): void {
    const c = this.component(component, kind);
    if (!(n > 0)) return;
    c.errorsTotal += n;
    c.errorsByReason.set(reason, (c.errorsByReason.get(reason) ?? 0) + n);
  }

  /** Count `n` input records rejected at the edge (dead-lettered). */
  rejected(reason: RejectReason, n: number): void {
    if (!(n > 0)) return;
    this.rejectedTotal += n;
    this.rejectedByReason.set(reason, (this.rejectedByReason.get(reason) ?? 0) + n);
  }

  /** Count `n` events folded into window state. */
  processed(n: number): void {
    if (n > 0) this.processedTotal += n;
  }

  /**
   * Count `n` events shed by a stage. Queue drops are counted only here: wire a queue's `onDrop`
   * to {@link dropHandler}.
   */
  dropped(stage: string, reason: string, n: number): void {
    if (!(n > 0)) return;
    this.droppedTotal += n;
    const key = `${stage}\u0000${reason}`;
    const d = this.droppedByStage.get(key);
    if (d) d.n += n;
    else this.droppedByStage.set(key, { stage, reason, n });
  }

  /** A ready-made `onDrop` callback for a `BoundedQueue` of events at `stage`. */
  dropHandler(stage: string): (n: number, reason: QueueDropReason) => void {
    return (n, reason) => this.dropped(stage, reason, n);
  }

  /** Count `n` late events (routed to the side output). */
  late(n: number): void {
    if (n > 0) this.lateTotal += n;
  }

  /** Count `n` window results emitted. */
  windowsEmitted(n: number): void {
    if (n > 0) this.windowsTotal += n;
  }

  /** Export a queue's depth, capacity, backpressured / busy time; read at scrape time only. */
  registerQueue(queue: MeteredQueue): void {
    const prev = this.queues.get(queue.name);
    if (prev && prev !== queue) this.retire(prev);
    this.queues.set(queue.name, queue);
  }

  /** Stop exporting a queue's gauges; its counters keep their totals (stay monotonic). */
  unregisterQueue(name: string): void {
    const q = this.queues.get(name);
    if (!q) return;
    this.retire(q);
    this.queues.delete(name);
  }

  /** Set the current watermark, ms since epoch (ignored when not finite). */
  watermark(ms: number): void {
    if (Number.isFinite(ms)) this.watermarkMs = ms;
  }

  /** Observe one event-to-result latency, seconds. */
  observeLatency(seconds: number): void {
    if (!(seconds >= 0) || !Number.isFinite(seconds)) return;
    this.latencyHistogram.observe(seconds);
    this.latency.add(seconds);
  }

  /** Record a live source's connection state. */
  connectionState(component: string, state: ConnectionState): void {
    this.component(component, 'source').state = state;
  }

  /** Count one reconnection attempt of a live source. */
  reconnect(component: string): void {
    this.component(component, 'source').reconnects++;
  }

  /** Count `n` results a sink (or its queue) dropped. */
  sinkDropped(sink: string, n: number): void {
    const c = this.component(sink, 'sink');
    if (n > 0) c.droppedResults += n;
  }

  /** Count what rotation's total cap deleted from the output named `output` (for example "late"). */
  outputDiscarded(output: string, bytes: number, lines: number): void {
    const d = this.discardedByOutput.get(output) ?? { bytes: 0, lines: 0 };
    d.bytes += bytes;
    d.lines += lines;
    this.discardedByOutput.set(output, d);
  }

  /** Count `n` results sink `component` dead-lettered for `reason` (or lost: reason "lost"). */
  sinkDeadLettered(component: string, reason: string, n: number): void {
    if (!(n > 0)) return;
    const key = `${component}\u0000${reason}`;
    const d = this.deadLetteredBySink.get(key);
    if (d) d.n += n;
    else this.deadLetteredBySink.set(key, { component, reason, n });
  }

  /** Totals, per-second rates over the last ~1 s, queues, sources and sinks. */
  snapshot(): MetricsSnapshot {
    const at = this.now();
    let eventsReceived = 0;
    let sinkErrors = 0;
    const sources: MetricsSnapshot['sources'] = [];
    const sinks: MetricsSnapshot['sinks'] = [];
    for (const c of this.components.values()) {
      if (c.kind === 'source') {
        eventsReceived += c.received;
        sources.push({
          name: c.name,
          receivedEvents: c.received,
          bytesIn: c.bytesIn,
          parseErrors: c.errorsTotal,
          state: c.state,
          reconnects: c.reconnects,
        });
      } else if (c.kind === 'sink') {
        sinkErrors += c.errorsTotal;
        sinks.push({ name: c.name, sentResults: c.sent, errors: c.errorsTotal, droppedResults: c.droppedResults });
      }
    }
    let backpressureEvents = 0;
    this.queueTotals().forEach((t) => (backpressureEvents += t.backpressureEvents));
    const r = this.rates.sample(at, [
      eventsReceived,
      this.processedTotal,
      this.droppedTotal,
      this.rejectedTotal,
      this.lateTotal,
      this.windowsTotal,
    ]);
    const q = this.latency.quantiles([0.5, 0.99]);
    return {
      at,
      uptimeMs: at - this.startedAt,
      eventsReceived,
      eventsProcessed: this.processedTotal,
      eventsDropped: this.droppedTotal,
      eventsRejected: this.rejectedTotal,
      lateEvents: this.lateTotal,
      windowsEmitted: this.windowsTotal,
      backpressureEvents,
      sinkErrors,
      rates: {
        receivedPerSec: r[0],
        processedPerSec: r[1],
        droppedPerSec: r[2],
        rejectedPerSec: r[3],
        latePerSec: r[4],
        emittedPerSec: r[5],
      },
      watermark: this.watermarkMs,
      watermarkLagMs: this.watermarkMs === null ? null : at - this.watermarkMs,
      rejectedByReason: Object.fromEntries(this.rejectedByReason),
      queues: [...this.queues.values()].map((qu) => qu.snapshot()),
      sources,
      sinks,
      latencySeconds: { p50: q[0], p99: q[1] },
    };
  }

  /** Uptime in ms, by the injected clock. */
  uptimeMs(): number {
    return this.now() - this.startedAt;
  }

  private component(name: string, kind: ComponentKind): ComponentStats {
    const key = kind + '\u0000' + name;
    let c = this.components.get(key);
    if (c === undefined) {
      c = {
        name, kind, received: 0, sent: 0, bytesIn: 0, errorsTotal: 0, errorsByReason: new Map(),
        state: 'unknown', reconnects: 0, droppedResults: 0,
      };
      this.components.set(key, c);
    }
    return c;
  }

  private retire(q: MeteredQueue): void {
    const t = this.retiredQueues.get(q.name) ?? { backpressuredMs: 0, busyMs: 0, backpressureEvents: 0 };
    t.backpressuredMs += q.backpressuredMsTotal;
    t.busyMs += q.busyMsTotal;
    t.backpressureEvents += q.backpressureEvents;
    this.retiredQueues.set(q.name, t);
  }

  /** Retired + live totals per queue name. */
  private queueTotals(): Map<string, QueueTotals> {
    const out = new Map<string, QueueTotals>();
    this.retiredQueues.forEach((t, name) => out.set(name, { ...t }));
    this.queues.forEach((q) => {
      const t = out.get(q.name) ?? { backpressuredMs: 0, busyMs: 0, backpressureEvents: 0 };
      t.backpressuredMs += q.backpressuredMsTotal;
      t.busyMs += q.busyMsTotal;
      t.backpressureEvents += q.backpressureEvents;
      out.set(q.name, t);
    });
    return out;
  }
}

type Put = (labels: Labels, value: number) => void;

/** A counter whose values are copied from plain JS totals at scrape time. */
export function syncedCounter(reg: Registry, name: string, help: string, labelNames: string[], read: (put: Put) => void): void {
  const counter: Counter<string> = new Counter<string>({
    name,
    help,
    labelNames,
    registers: [reg],
    collect() {
      counter.reset();
      read((labels, value) => counter.inc(labels, value));
    },
  });
}

/** A gauge whose values are set from engine state at scrape time. */
export function syncedGauge(reg: Registry, name: string, help: string, labelNames: string[], read: (put: Put) => void): void {
  const gauge: Gauge<string> = new Gauge<string>({
    name,
    help,
    labelNames,
    registers: [reg],
    collect() {
      gauge.reset();
      read((labels, value) => gauge.set(labels, value));
    },
  });
}
