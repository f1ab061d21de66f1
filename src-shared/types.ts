/**
 * Data types shared by the engine, both hosts (Electron main, web host) and the renderer.
 * Pure types only: nothing here may import Node, Electron or React.
 */

/** One measurement. `timestamp` is event time in ms since the Unix epoch (UTC). */
export interface StreamEvent {
  /** The key: any string, used verbatim (never split on a separator). */
  sensorId: string;
  /** Event time, ms since epoch. */
  timestamp: number;
  /** The measured value; always finite. */
  value: number;
  /** Optional unit of `value` (for example "C", "%", "bytes/s"). */
  unit?: string;
}

/** Window kinds, named as in Flink. */
export type WindowKind = 'tumbling' | 'hopping' | 'session';

/**
 * How events are grouped in time. All durations in ms.
 * - tumbling: `[k*sizeMs, (k+1)*sizeMs)`, aligned to the epoch.
 * - hopping: windows of `sizeMs` starting every `slideMs`, aligned to the epoch; an event belongs to
 *   every window that contains it.
 * - session: per key, events closer than `gapMs` join one session `[first, last + gapMs)`.
 */
export type WindowSpec =
  | { kind: 'tumbling'; sizeMs: number }
  | { kind: 'hopping'; sizeMs: number; slideMs: number }
  | { kind: 'session'; gapMs: number };

/**
 * The aggregate of one key in one window, as emitted to sinks.
 * Keeps the tutorial's fields (windowStart … alertCount) and adds what event time needs.
 */
/**
 * The statistics of one key in one window. Defined by the engine's aggregate
 * (src-main/engine/windows/aggregate.ts), which computes them; this is their contract.
 */
export interface WindowStats {
  count: number;
  sum: number;
  /** sum / count. */
  avg: number;
  min: number;
  max: number;
  /** Events with value strictly greater than the alert threshold. */
  alertCount: number;
}

export interface WindowResult extends WindowStats {
  /** Inclusive window start, ms since epoch. */
  windowStart: number;
  /** Exclusive window end, ms since epoch. */
  windowEnd: number;
  sensorId: string;
  windowKind: WindowKind;
  /**
   * false for a window's on-time firing; true when a late-but-allowed event re-emits a window that
   * had already fired (the newer line supersedes the older one for the same key and window).
   */
  isUpdate: boolean;
  /**
   * Session windows only: earlier emitted sessions of this key that this result replaces, because a
   * late-but-allowed event merged them into this one. Each entry is `[windowStart, windowEnd]`.
   */
  supersedes?: Array<[number, number]>;
  /** Processing time at emission, ms since epoch. */
  emittedAt: number;
}

/** An event that arrived after every window it belongs to was closed for good (side output). */
export interface LateEvent {
  event: StreamEvent;
  /** The watermark (ms) when the event arrived. */
  watermark: number;
  /** Processing time of the decision, ms since epoch. */
  at: number;
}

/** Why an input record was rejected at the edge. One metric label value each. */
export type RejectReason =
  | 'invalid_json'
  | 'not_an_object'
  | 'missing_field'
  | 'wrong_type'
  | 'non_finite'
  | 'bad_timestamp'
  | 'invalid_csv'
  | 'too_large';

/** A rejected input record, kept (dead letter) with the reason so the user can see and replay it. */
export interface DeadLetter {
  /** The raw input as received (a line, a CSV row, or the JSON text of an element). */
  raw: string;
  reason: RejectReason;
  /** Human-readable detail: the field, the value, the rule. */
  detail: string;
  /** Name of the source that produced it. */
  source: string;
  /** Processing time of the rejection, ms since epoch. */
  at: number;
}

/** What a bounded queue does when full. `block` pauses the producer; the drop policies shed load. */
export const QUEUE_POLICIES = ['block', 'drop-newest', 'drop-oldest'] as const;

/** One of {@link QUEUE_POLICIES}. */
export type QueuePolicy = (typeof QUEUE_POLICIES)[number];

/** Per-queue (per-stage) load, as Flink's web UI shows it. All *MsPerSec values are in 0..1000. */
export interface QueueSnapshot {
  name: string;
  depthEvents: number;
  /** Largest depth left queued in the current or the previous second (bursts drained between samples show here). */
  peakDepthEvents: number;
  capacityEvents: number;
  policy: QueuePolicy;
  /** Time the producer of this queue spent blocked on it, ms per second (Flink's backPressuredTimeMsPerSecond). */
  backpressuredMsPerSec: number;
  /** Time the consumer of this queue spent working, ms per second. */
  busyMsPerSec: number;
  /** 1000 − busy − backpressured, clamped to 0..1000. */
  idleMsPerSec: number;
  droppedEvents: number;
}

/**
 * The JSON served at `/metrics.json` and streamed to the dashboard. Counters are totals since start;
 * `rates` are per second over the last few seconds.
 */
export interface MetricsSnapshot {
  /** Processing time of the snapshot, ms since epoch. */
  at: number;
  uptimeMs: number;
  eventsReceived: number;
  eventsProcessed: number;
  eventsDropped: number;
  eventsRejected: number;
  lateEvents: number;
  windowsEmitted: number;
  backpressureEvents: number;
  sinkErrors: number;
  rates: {
    receivedPerSec: number;
    processedPerSec: number;
    droppedPerSec: number;
    rejectedPerSec: number;
    latePerSec: number;
    emittedPerSec: number;
  };
  /** Current watermark (ms since epoch), null before the first event. */
  watermark: number | null;
  /** Processing time minus watermark, ms; null before the first event. */
  watermarkLagMs: number | null;
  rejectedByReason: Record<string, number>;
  queues: QueueSnapshot[];
  sources: Array<{ name: string; receivedEvents: number; bytesIn: number; parseErrors: number; state: string; reconnects: number }>;
  sinks: Array<{ name: string; sentResults: number; errors: number; droppedResults: number }>;
  /** Event-to-result latency quantiles, seconds (null until a result was emitted). */
  latencySeconds: { p50: number | null; p99: number | null };
}
