/**
 * The host's recent history, so a reloaded page or a second window starts with what the first one
 * saw: chart samples (metrics snapshots, one per `metricsSpacingMs`, the newest `metricsSamples`),
 * the latest results, late events, dead letters and log lines. Every part is a bounded ring: memory
 * is fixed whatever the rate. (Raw events are not kept here; that is the what-if history's job.)
 */
import { FRAME_CAPS } from '../../../src-shared/contract';
import type { MetricsSnapshot } from '../../../src-shared/types';
import type { FrameBuilder } from '../frame-builder';
import { RingBuffer } from '../../../src-shared/ring-buffer';
import { StreamRings, type StreamCaps } from '../stream-rings';

/** Bounds of the history. Counts of items; spacing in ms of metrics time. */
export interface HistoryCaps extends StreamCaps {
  metricsSamples: number;
  metricsSpacingMs: number;
}

/** Five minutes of chart samples at two per second, and one frame's worth of each stream. */
export const HISTORY_CAPS: HistoryCaps = {
  metricsSamples: 600,
  metricsSpacingMs: 500,
  results: FRAME_CAPS.results,
  late: FRAME_CAPS.late,
  deadLetters: FRAME_CAPS.deadLetters,
  logs: FRAME_CAPS.logs,
};

/** Bounded recent history of what the dashboard shows; see the module comment. */
export class RecentHistory extends StreamRings {
  private readonly metrics: RingBuffer<MetricsSnapshot>;
  private lastMetricsAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly caps: HistoryCaps = HISTORY_CAPS) {
    super(caps);
    this.metrics = new RingBuffer(caps.metricsSamples);
  }

  /** Keep `m` when at least `metricsSpacingMs` of metrics time passed since the last one kept. */
  addMetrics(m: MetricsSnapshot): void {
    if (m.at - this.lastMetricsAt < this.caps.metricsSpacingMs) return;
    this.lastMetricsAt = m.at;
    this.metrics.pushAll([m]);
  }

  /** Fill a new subscriber's builder: its first frame carries the chart samples and the streams. */
  seed(builder: FrameBuilder): void {
    builder.setHistory(this.metrics.toArray());
    builder.addResults(this.results.toArray());
    builder.addLate(this.late.toArray());
    builder.addDeadLetters(this.deadLetters.toArray());
    for (const line of this.logs.toArray()) builder.addLog(line);
  }
}
