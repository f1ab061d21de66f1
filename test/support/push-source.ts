/**
 * A host source the test drives: `push(events)` hands a batch to the pipeline (resolving once the
 * ingress queue took it), and run() lasts until stop() or end().
 */
import type { StreamEvent } from '../../src-shared/types';
import type { Source, SourceOutput } from '../../src-main/engine/component';

export class PushSource implements Source {
  readonly name = 'push';
  private out?: SourceOutput;
  private finish?: () => void;
  private started!: () => void;
  /** Resolves once the pipeline has started this source. */
  readonly running = new Promise<void>((r) => (this.started = r));

  run(out: SourceOutput): Promise<void> {
    this.out = out;
    this.started();
    return new Promise((resolve) => (this.finish = resolve));
  }

  async push(events: StreamEvent[]): Promise<void> {
    await this.running;
    await this.out!.emit(events);
  }

  /** The input ends (as a replayed file does). */
  end(): void {
    this.finish?.();
  }

  async stop(): Promise<void> {
    this.finish?.();
  }
}
