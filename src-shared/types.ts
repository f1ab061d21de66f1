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
  | 'too_large'
  /** Bytes that are not valid UTF-8 (HTTP ingest): the raw text shows them as U+FFFD. */
  | 'invalid_utf8';

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
  /**
   * How many rejected records this dead letter stands for, when it summarises many of one request
   * (`raw` is then the first of them); absent = 1.
   */
  count?: number;
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

/** The settings a what-if run replays the retained history with (durations in ms). */
export interface WhatIfSettings {
  window: WindowSpec;
  alertThreshold: number;
  maxOutOfOrdernessMs: number;
  allowedLatenessMs: number;
}

/** Extremes of one key over the windows of a what-if run. */
export interface WhatIfKeyExtremes {
  sensorId: string;
  /** Smallest / greatest value in any window of the key. */
  min: number;
  max: number;
  /** Events above the threshold, over the key's on-time firings. */
  alerts: number;
  windows: number;
}

/** What one replay of the retained history produced, under one set of settings. */
export interface WhatIfSummary {
  settings: WhatIfSettings;
  /** Events replayed. */
  events: number;
  /** On-time firings (one per key and window). */
  windows: number;
  /** Re-emissions by late-but-allowed events (counted apart from `windows`). */
  updates: number;
  /** Events above the threshold, summed over on-time firings. */
  alerts: number;
  /** On-time firings with at least one alert. */
  alertWindows: number;
  lateEvents: number;
  /** Windows that were still open at the end of the history (fired with what they held, as `process` does at end of input). */
  openAtEnd: number;
  /** Windows starting at or before the history's `completeAfterMs`: some of their events may have been overwritten. */
  partialWindows: number;
  /** Distinct keys with at least one window. */
  keys: number;
  /** The keys with the greatest max (at most 20), greatest first. */
  topKeys: WhatIfKeyExtremes[];
}

/** What the ring holds, for the UI: "last 8.2 M events, 6 min 40 s, 164 MB". */
export interface HistorySummary {
  events: number;
  /** Most events the budget allows. */
  capacityEvents: number;
  /** Bytes of the columns allocated so far (they grow by doubling up to the budget). */
  bytes: number;
  /** Keys interned (keys with at least one retained event). */
  keys: number;
  /**
   * History is complete for event times strictly greater than this (ms since epoch): the greatest
   * event time overwritten so far. null while nothing was overwritten (complete since the stream began).
   */
  completeAfterMs: number | null;
  /** Greatest event time retained (ms since epoch); null when empty. */
  newestMs: number | null;
  /** The span of event time the history covers completely (ms): newestMs − completeAfterMs, or − the oldest event time while nothing was overwritten. */
  spanMs: number;
  /** Events overwritten since the ring was created or cleared. */
  evictedEvents: number;
}

/** One window of one sensor, for the avg/min/max charts (live and what-if). Times in ms since epoch. */
export interface SensorPoint {
  windowStart: number;
  windowEnd: number;
  avg: number;
  min: number;
  max: number;
  count: number;
  alertCount: number;
}

/** Alerts of the on-time firings ending at `t` (ms since epoch, event time). */
export interface WhatIfAlertPoint {
  t: number;
  alerts: number;
  alertWindows: number;
}

/** The chart series of one replay. */
export interface WhatIfSeries {
  /** The sensor charted (null when there were no results). */
  sensorId: string | null;
  sensor: SensorPoint[];
  alerts: WhatIfAlertPoint[];
}

/** How completely the retained history seeded the windows open at an "apply" (times in ms since epoch, event time). */
export interface HistoryCoverage {
  /** Events replayed into the new operator. */
  seededEvents: number;
  /** The new operator's watermark at the switch; null when it has seen no event. */
  watermark: number | null;
  /** The history is complete for event times after this. */
  completeAfterMs: number | null;
  /** The windows that can still change need every event after this (tumbling/hopping; null for sessions). */
  neededAfterMs: number | null;
  /** True when every open window got all its events. */
  covered: boolean;
  /** What is missing, in words; null when covered. */
  missing: string | null;
}

/** An applied what-if: when, what, and how completely the new windows were seeded. */
export interface WhatIfApplied {
  /** Processing time of the switch, ms since epoch. */
  at: number;
  settings: WhatIfSettings;
  coverage: HistoryCoverage;
}

/** One side (current or what-if) of a finished what-if run. */
export interface WhatIfSideView {
  summary: WhatIfSummary;
  series: WhatIfSeries;
}

/** A finished what-if run, as the UI shows it. */
export interface WhatIfOutcomeView {
  history: HistorySummary;
  current: WhatIfSideView;
  whatIf: WhatIfSideView;
  /** Wall time of both replays, ms. */
  elapsedMs: number;
  /** Processing time the run finished, ms since epoch. */
  finishedAt: number;
}

/** The what-if panel's state, pushed in frames when it changes (`version` increments). */
export interface WhatIfState {
  version: number;
  running: boolean;
  /** 0..1 while running. */
  progress: number;
  error: string | null;
  outcome: WhatIfOutcomeView | null;
  applied: WhatIfApplied | null;
}
