/**
 * What sinks and side outputs report to the engine's metrics (EngineMetrics implements it). Optional
 * everywhere: a sink built on its own (tests, embedding) reports nothing.
 */
export interface SinkMetrics {
  /** Rotation's total cap deleted `bytes` / `lines` of the output named `output`. */
  outputDiscarded(output: string, bytes: number, lines: number): void;
  /** Sink `component` could not deliver `n` results: dead-lettered for `reason`, or lost (`lost`). */
  sinkDeadLettered(component: string, reason: string, n: number): void;
  /** `n` results a sink delivered (for sinks that report their own deliveries). */
  sent(component: string, kind: 'sink', n: number): void;
  /** `n` results a sink failed to deliver, by reason. */
  errors(component: string, kind: 'sink', reason: string, n: number): void;
}
