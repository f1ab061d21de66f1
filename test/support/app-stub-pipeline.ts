/**
 * A stand-in for the engine's Pipeline, for transport tests of the app controller and web host:
 * same lifecycle and callbacks, results pushed by the test with `emitResults`.
 */
import type { LogLine } from '../../src-shared/contract';
import type { DeadLetter, LateEvent, MetricsSnapshot, WindowResult } from '../../src-shared/types';
import type { AppConfigShape } from '../../src-main/app/config-shape';
import type { PipelinePort } from '../../src-main/app/pipeline-port';
import type { PipelineConfig } from '../../src-main/engine/config';
import { mergeConfigPatch } from '../../src-main/engine/stages/config-patch';
import { windowResult } from './window-result';

type Listener<T> = (batch: T) => void;

export class StubPipeline implements PipelinePort<AppConfigShape> {
  config: AppConfigShape;
  state: PipelinePort<AppConfigShape>['state'] = 'idle';
  metricsServer?: { url: string; port: number };
  reconfigures: Array<Record<string, unknown>> = [];
  private results = new Set<Listener<WindowResult[]>>();
  private late = new Set<Listener<LateEvent[]>>();
  private dead = new Set<Listener<DeadLetter[]>>();
  private logs = new Set<Listener<LogLine>>();
  received = 0;

  constructor(input: unknown) {
    const raw = input as AppConfigShape & Record<string, unknown>;
    this.config = {
      source: raw.source,
      window: raw.window,
      alertThreshold: raw.alertThreshold,
      timeMode: (raw.timeMode as AppConfigShape['timeMode']) ?? 'event',
      maxOutOfOrdernessMs: (raw.maxOutOfOrdernessMs as number) ?? 0,
      allowedLatenessMs: (raw.allowedLatenessMs as number) ?? 0,
      idleTimeoutMs: (raw.idleTimeoutMs as number) ?? 0,
      queues: (raw.queues as AppConfigShape['queues']) ?? {
        ingress: { maxEvents: 10_000, policy: 'block' },
        sink: { maxEvents: 10_000, policy: 'block' },
      },
      sinks: raw.sinks,
      metrics: raw.metrics,
    };
  }

  readonly metrics = {
    snapshot: (): MetricsSnapshot => ({
      at: Date.now(), uptimeMs: 0, eventsReceived: this.received, eventsProcessed: this.received, eventsDropped: 0,
      eventsRejected: 0, lateEvents: 0, windowsEmitted: 0, backpressureEvents: 0, sinkErrors: 0,
      rates: { receivedPerSec: 0, processedPerSec: 0, droppedPerSec: 0, rejectedPerSec: 0, latePerSec: 0, emittedPerSec: 0 },
      watermark: null, watermarkLagMs: null, rejectedByReason: {}, queues: [], sources: [], sinks: [],
      latencySeconds: { p50: null, p99: null },
    }),
  };

  async start(): Promise<void> {
    if (this.config.metrics) this.metricsServer = { url: `http://${this.config.metrics.host}:${this.config.metrics.port}/metrics`, port: this.config.metrics.port };
    this.state = 'running';
  }
  pause(): void {
    this.state = 'paused';
  }
  resume(): void {
    this.state = 'running';
  }
  async stop(): Promise<void> {
    this.state = 'stopped';
  }
  async reconfigure(patch: Record<string, unknown>): Promise<void> {
    if ((patch.source as { type?: string } | undefined)?.type === 'bogus') throw new Error('source.type: unknown source "bogus"');
    this.reconfigures.push(patch);
    this.config = mergeConfigPatch(this.config as unknown as PipelineConfig, patch) as unknown as AppConfigShape;
  }
  emitResults(batch: WindowResult[]): void {
    for (const cb of this.results) cb(batch);
  }
  emitLog(line: LogLine): void {
    for (const cb of this.logs) cb(line);
  }
  onResults(cb: Listener<WindowResult[]>): () => void {
    this.results.add(cb);
    return () => this.results.delete(cb);
  }
  onLate(cb: Listener<LateEvent[]>): () => void {
    this.late.add(cb);
    return () => this.late.delete(cb);
  }
  onDeadLetter(cb: Listener<DeadLetter[]>): () => void {
    this.dead.add(cb);
    return () => this.dead.delete(cb);
  }
  onLog(cb: Listener<LogLine>): () => void {
    this.logs.add(cb);
    return () => this.logs.delete(cb);
  }
}

/** A result of window [start, start+5000) for `sensorId`. */
export function result(start: number, sensorId = 's1'): WindowResult {
  return windowResult(sensorId, start, { windowEnd: start + 5000, count: 1, sum: 1, avg: 1, min: 1, max: 1, emittedAt: start + 6000 });
}
