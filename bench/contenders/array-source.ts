/**
 * Bench-only sources: hand pre-built (or lazily generated) event arrays to the pipeline in batches,
 * honouring `block` backpressure exactly as the file source does (await the promise `emit` returns).
 */
import type { Source, SourceOutput } from '../../src-main/engine/component';
import type { StreamEvent } from '../../src-shared/types';

/** Emits `events` in slices of `batchEvents`, then resolves (a finite source). */
export class ArraySource implements Source {
  readonly name = 'bench';
  private stopped = false;
  constructor(
    private readonly events: readonly StreamEvent[],
    private readonly batchEvents: number,
  ) {}

  async run(out: SourceOutput): Promise<void> {
    const ev = this.events;
    for (let i = 0; i < ev.length && !this.stopped; i += this.batchEvents) {
      const p = out.emit(ev.slice(i, i + this.batchEvents));
      if (p !== undefined) await p;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }
}

/** Emits `total` events produced by `make(i)` in batches of `batchEvents`, never holding them all. */
export class GeneratedSource implements Source {
  readonly name = 'bench-generated';
  private stopped = false;
  constructor(
    private readonly total: number,
    private readonly batchEvents: number,
    private readonly make: (i: number) => StreamEvent,
  ) {}

  async run(out: SourceOutput): Promise<void> {
    for (let i = 0; i < this.total && !this.stopped; ) {
      const n = Math.min(this.batchEvents, this.total - i);
      const batch = new Array<StreamEvent>(n);
      for (let j = 0; j < n; j++) batch[j] = this.make(i + j);
      i += n;
      const p = out.emit(batch);
      if (p !== undefined) await p;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }
}
