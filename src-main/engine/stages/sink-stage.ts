/**
 * One sink behind its own bounded queue and pump, so a slow sink never stalls the others unless
 * the user chose the `block` policy for sink queues. Drops are counted per sink; a batch a sink
 * finally fails to deliver is counted as a sink error (the sink dead-letters it where it can).
 */
import type { QueuePolicy, WindowResult } from '../../../src-shared/types';
import type { Sink } from '../component';
import type { EngineMetrics } from '../metrics/engine-metrics';
import { BoundedQueue } from '../queue/bounded-queue';
import type { Clock } from '../time/clock';

/** A sink with its queue and delivery loop. */
export class SinkStage {
  readonly queue: BoundedQueue<WindowResult>;
  private readonly pump: Promise<void>;
  /** A batch taken from the queue is being written. */
  private writing = false;

  constructor(
    readonly sink: Sink,
    queue: { maxEvents: number; policy: QueuePolicy },
    private readonly metrics: EngineMetrics,
    private readonly clock: Clock,
    private readonly log: (level: 'warn' | 'error', msg: string) => void,
  ) {
    this.queue = new BoundedQueue<WindowResult>({
      name: `sink:${sink.name}`,
      maxEvents: queue.maxEvents,
      policy: queue.policy,
      onDrop: (n) => metrics.sinkDropped(sink.name, n),
      now: () => clock.now(),
    });
    metrics.registerQueue(this.queue);
    this.pump = this.run();
  }

  /**
   * Offers results; returns a promise only when this sink's queue blocks (policy `block`). A burst
   * larger than the queue (one firing of many keys) is admitted up to the room left by the queue;
   * under `block` the rest waits with the caller, so memory stays within capacity + that burst.
   */
  offer(results: WindowResult[]): Promise<void> | void {
    this.metrics.received(this.sink.name, 'sink', results.length);
    return this.queue.put(results);
  }

  /**
   * Resolves once everything offered so far has been handed to the sink (queue empty, no write in
   * flight): a checkpoint then asks the sink for its commit point.
   */
  async settled(): Promise<void> {
    do await this.clock.yieldToIo();
    while (this.queue.depth > 0 || this.writing);
  }

  /** Delivers what is queued, then closes the sink. Nothing accepted is lost. */
  async close(): Promise<void> {
    this.queue.close();
    await this.pump;
    try {
      await this.sink.close();
    } catch (e) {
      this.metrics.errors(this.sink.name, 'sink', 'close_failed', 1);
      this.log('error', `sink ${this.sink.name}: close failed: ${(e as Error).message}`);
    }
    this.metrics.unregisterQueue(this.queue.name);
  }

  private async run(): Promise<void> {
    for (;;) {
      const batch = await this.queue.take();
      if (batch === null) return;
      this.writing = true;
      this.queue.beginBusy();
      try {
        await this.sink.write(batch);
        // A sink that delivers later counts each batch's fate itself, against that batch.
        if (!this.sink.reportsDelivery) this.metrics.sent(this.sink.name, 'sink', batch.length);
      } catch (e) {
        this.metrics.errors(this.sink.name, 'sink', 'write_failed', batch.length);
        this.log('error', `sink ${this.sink.name}: ${batch.length} results not delivered: ${(e as Error).message}`);
      }
      this.writing = false;
      this.queue.endBusy();
    }
  }
}
