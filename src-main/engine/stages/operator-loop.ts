/**
 * The operator loop: takes batches from the ingress queue, runs them through the window operator
 * and hands what it produced to the fan-out, awaiting it when a sink queue blocks. It owns the
 * window operator (replaced whole when the window spec changes) and yields to timers and I/O
 * after every {@link YIELD_EVERY_MS} of work (busy time, not wall time).
 *
 * Between two batches the operator holds every accepted event: {@link OperatorLoop.atBarrier} runs
 * a function there (a checkpoint's snapshot), with no batch half-processed.
 */
import type { StreamEvent } from '../../../src-shared/types';
import type { EngineMetrics } from '../metrics/engine-metrics';
import type { BoundedQueue } from '../queue/bounded-queue';
import type { Clock } from '../time/clock';
import { emptyOutput, type OperatorOutput, type WindowOperator } from '../windows/window-operator';

/** Most work (ms of busy time) the operator loop does before yielding to timers and I/O. */
export const YIELD_EVERY_MS = 20;

/** What the operator loop needs from the pipeline. */
export interface OperatorLoopDeps {
  ingress: BoundedQueue<StreamEvent>;
  clock: Clock;
  metrics: EngineMetrics;
  /** Builds a window operator from the configuration in force. */
  buildOperator: () => WindowOperator;
  /** True in processing-time mode: each event's timestamp becomes its arrival time. */
  processingTime: () => boolean;
  /** Publishes one output buffer; returns a promise when a sink queue blocks. */
  publish: (out: OperatorOutput) => Promise<unknown> | undefined;
  /** Sees each batch as it enters the operator, after processing-time stamping (the retained history). */
  onInput?: (batch: readonly StreamEvent[]) => void;
}

/** Runs the window operator over the ingress queue. */
export class OperatorLoop {
  private operator: WindowOperator;
  private out = emptyOutput();
  private loop?: Promise<void>;
  /** The loop is waiting for the next batch (everything taken so far is processed). */
  private awaitingInput = false;
  private barrier?: Promise<unknown>;
  private arrivalMs = 0;
  private held?: StreamEvent[];

  constructor(private readonly deps: OperatorLoopDeps) {
    this.operator = deps.buildOperator();
  }

  /** The operator in force (read-only use: watermark, state size, snapshot). */
  get current(): WindowOperator {
    return this.operator;
  }

  /** Processing time (ms since epoch) the last batch arrived at the operator; 0 before any. */
  get lastArrivalMs(): number {
    return this.arrivalMs;
  }

  /**
   * A batch the loop took from the ingress queue while a barrier was running and will process
   * after it (part of the queue's contents for a checkpoint); undefined otherwise.
   */
  get heldBatch(): readonly StreamEvent[] | undefined {
    return this.held;
  }

  /** Starts taking batches; the loop ends when the ingress queue is closed and drained. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Awaits the end of the loop (close the ingress queue first). */
  async stopped(): Promise<void> {
    await this.loop;
  }

  /** Moves the watermark to `watermarkMs` if given (never backwards), then publishes what fired. */
  advanceWatermark(watermarkMs: number | undefined): Promise<unknown> | undefined {
    if (watermarkMs !== undefined) this.operator.advanceWatermark(watermarkMs, this.out);
    return this.drain();
  }

  /**
   * Fires every open window of the current operator and replaces it with a new one built from the
   * config in force; `keepWatermark` carries the event-time clock over (same stream, new windows).
   */
  async replaceOperator(keepWatermark: boolean): Promise<void> {
    const wm = this.operator.watermark;
    this.operator.advanceWatermark(Infinity, this.out);
    this.operator = this.deps.buildOperator();
    if (keepWatermark && Number.isFinite(wm)) this.operator.advanceWatermark(wm, this.out);
    await this.drain();
  }

  /**
   * Fires every open window of the current operator and puts `next` (which may already hold state,
   * e.g. seeded from the retained history) in its place. Call it between batches ({@link atBarrier}).
   * A `next` that has seen no event takes over the old watermark.
   */
  installOperator(next: WindowOperator): Promise<unknown> | undefined {
    const wm = this.operator.watermark;
    this.operator.advanceWatermark(Infinity, this.out);
    this.operator = next;
    if (Number.isFinite(wm) && !Number.isFinite(next.watermark)) next.advanceWatermark(wm, this.out);
    return this.drain();
  }

  /**
   * Waits until the loop has processed everything queued (or `giveUp()` turns true), yielding to
   * I/O meanwhile.
   */
  async whenIdle(giveUp: () => boolean): Promise<void> {
    while ((this.deps.ingress.depth > 0 || !this.awaitingInput) && !giveUp()) await this.deps.clock.yieldToIo();
  }

  /**
   * Runs `fn` between two batches: no batch is half-processed while it runs, and the loop processes
   * no new batch until it has settled (one it already took waits as {@link heldBatch}). Barriers
   * run one at a time, in call order.
   */
  atBarrier<T>(fn: () => T | Promise<T>): Promise<T> {
    const prev = this.barrier ?? Promise.resolve();
    const run = prev.then(fn);
    const settled = run.then(() => undefined, () => undefined);
    this.barrier = settled;
    void settled.then(() => {
      if (this.barrier === settled) this.barrier = undefined;
    });
    return run;
  }

  private async run(): Promise<void> {
    const { ingress, clock, metrics } = this.deps;
    let busySinceYield = 0;
    for (;;) {
      if (this.barrier !== undefined) await this.barrier;
      this.awaitingInput = true;
      const batch = await ingress.take();
      this.awaitingInput = false;
      if (batch === null) return;
      if (this.barrier !== undefined) {
        this.held = batch;
        await this.barrier;
        this.held = undefined;
      }
      if (busySinceYield > YIELD_EVERY_MS) {
        // A fast source resolves every await at once (microtasks only): let timers, HTTP and signals
        // run. Counted in work, not wall time, so a consumer that keeps up rarely steps away (while
        // it does, the source fills the queue: that is backpressure, not an artefact).
        await clock.yieldToIo();
        busySinceYield = 0;
      }
      const t0 = clock.monotonicMs();
      const arrival = clock.now();
      if (this.deps.processingTime()) for (const e of batch) e.timestamp = arrival;
      this.arrivalMs = arrival;
      this.deps.onInput?.(batch);
      const accepted = this.operator.process(batch, arrival, this.out);
      metrics.received('window', 'operator', batch.length);
      metrics.processed(accepted);
      const blocked = this.drain();
      const busyMs = clock.monotonicMs() - t0;
      busySinceYield += busyMs;
      ingress.addBusyMs(busyMs);
      if (blocked !== undefined) await blocked;
    }
  }

  private drain(): Promise<unknown> | undefined {
    const out = this.out;
    this.out = emptyOutput();
    return this.deps.publish(out);
  }
}
