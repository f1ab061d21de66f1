/**
 * What the live sources (MQTT, NATS, HTTP ingest, system) share: the slice of the engine metrics
 * they report to, and the hand-over of one decoded batch (rejects counted and dead-lettered, valid
 * events emitted with the queue's backpressure passed back to the caller).
 */
import type { DeadLetter, StreamEvent } from '../../../src-shared/types';
import type { SourceOutput } from '../component';
import type { EngineMetrics } from '../metrics/engine-metrics';

/** The part of {@link EngineMetrics} a source reports to (the pipeline counts emitted events). */
export type SourceMetrics = Pick<EngineMetrics, 'bytesIn' | 'errors' | 'connectionState' | 'reconnect'>;

/** The result of decoding one unit of input (a message, a request chunk). */
export interface Decoded {
  events: StreamEvent[];
  rejects: DeadLetter[];
}

/**
 * Count `bytes` read by `source`: in the engine metrics when given, else through `out.bytesIn`
 * (never both, so a pipeline wiring either path counts each byte once).
 */
export function countBytes(
  source: string,
  bytes: number,
  out: SourceOutput | undefined,
  metrics: SourceMetrics | undefined,
): void {
  if (!(bytes > 0)) return;
  if (metrics) metrics.bytesIn(source, bytes);
  else out?.bytesIn?.(bytes);
}

/**
 * Hand a decoded batch to the engine: rejects go to `out.reject` (dead letter) and are counted as
 * source parse errors by reason; events go to `out.emit`. Returns the emit's promise when the
 * ingress queue applies `block` backpressure (await it before reading more), else undefined.
 */
export function deliver(
  source: string,
  out: SourceOutput,
  metrics: SourceMetrics | undefined,
  batch: Decoded,
): Promise<void> | void {
  if (batch.rejects.length > 0) {
    out.reject(batch.rejects);
    if (metrics) {
      const byReason = new Map<string, number>();
      for (const r of batch.rejects) byReason.set(r.reason, (byReason.get(r.reason) ?? 0) + 1);
      for (const [reason, n] of byReason) metrics.errors(source, 'source', reason, n);
    }
  }
  if (batch.events.length === 0) return undefined;
  return out.emit(batch.events);
}

/** True when `v` is a thenable (an emit that asks the source to wait). */
export function isPromise(v: unknown): v is Promise<void> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** The message of any thrown value. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
