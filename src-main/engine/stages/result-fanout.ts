/**
 * The fan-out after the window operator: counts what the operator produced, routes late events to
 * their side output, hands results to in-process listeners and offers them to every sink's queue.
 */
import type { LateEvent, WindowResult } from '../../../src-shared/types';
import type { EngineMetrics } from '../metrics/engine-metrics';
import type { OperatorOutput } from '../windows/window-operator';
import type { SideOutput } from './side-outputs';
import type { SinkSet } from './sink-set';

/** Publishes operator output to metrics, listeners, the late side output and the sinks. */
export class ResultFanout {
  private readonly listeners = new Set<(batch: WindowResult[]) => void>();

  constructor(
    private readonly deps: {
      metrics: EngineMetrics;
      late: SideOutput<LateEvent>;
      sinks: SinkSet;
      /** The operator's current watermark, ms (−Infinity before the first event). */
      watermark: () => number;
    },
  ) {}

  /** Subscribes to every result batch; returns the unsubscribe function. */
  onResults(cb: (batch: WindowResult[]) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Publishes one output buffer; returns a promise when a sink queue blocks (policy `block`). */
  publish(out: OperatorOutput): Promise<unknown> | undefined {
    const { metrics, late, sinks } = this.deps;
    const wm = this.deps.watermark();
    if (Number.isFinite(wm)) metrics.watermark(wm);
    for (const ms of out.latenciesMs) metrics.observeLatency(ms / 1000);
    if (out.late.length > 0) {
      metrics.late(out.late.length);
      late.push(out.late);
    }
    if (out.results.length === 0) return undefined;
    metrics.windowsEmitted(out.results.length);
    metrics.sent('window', 'operator', out.results.length);
    for (const cb of this.listeners) cb(out.results);
    return sinks.offer(out.results);
  }
}
