/**
 * A SourceOutput that records what a source hands over: events, dead letters, batch sizes and bytes.
 * `gate` (optional) is what each emit returns: a promise there holds the source back (backpressure).
 */
import type { DeadLetter, StreamEvent } from '../../src-shared/types';
import type { SourceOutput } from '../../src-main/engine/component';

export function collectingOutput(gate?: () => Promise<void> | void) {
  const events: StreamEvent[] = [];
  const rejects: DeadLetter[] = [];
  const batches: number[] = [];
  let bytes = 0;
  const out: SourceOutput = {
    emit(batch) {
      batches.push(batch.length);
      for (const e of batch) events.push(e);
      return gate?.();
    },
    reject(r) {
      for (const d of r) rejects.push(d);
    },
    bytesIn(n) {
      bytes += n;
    },
  };
  return { out, events, rejects, batches, bytes: () => bytes, emits: () => batches.length };
}
