/**
 * Runs the pipeline's one source: builds it from the configuration (or takes the host's), hands it
 * a {@link SourceOutput} that counts, honours the pause gate and feeds the ingress queue, and
 * reports how it ended. A source switch is stop() then start() with the new configuration.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeadLetter, StreamEvent } from '../../../src-shared/types';
import type { Source, SourceOutput } from '../component';
import type { EngineMetrics } from '../metrics/engine-metrics';
import type { BoundedQueue } from '../queue/bounded-queue';
import { createSource, type SourceConfig } from '../sources/source-config';
import type { Clock } from '../time/clock';
import type { Lifecycle } from './lifecycle';
import type { SideOutput } from './side-outputs';

/** What the source runner needs from the pipeline. */
export interface SourceRunnerDeps {
  clock: Clock;
  metrics: EngineMetrics;
  ingress: BoundedQueue<StreamEvent>;
  lifecycle: Lifecycle;
  deadLetters: SideOutput<DeadLetter>;
  log: (level: 'info' | 'warn' | 'error', msg: string) => void;
  /** Called when the running source ended or failed (not after stop()). */
  onEnded: (source: Source) => void;
  /** Checkpoint interval (ms) when checkpoints are on: broker sources then ack on checkpoints only. */
  checkpointIntervalMs?: number;
}

/**
 * A checkpoint barrier on the source: `position` covers every event handed to the ingress queue
 * (once `enqueued` resolves), and no further event enters until `release()`.
 */
export interface SourceBarrier {
  source?: Source;
  /** The source's position; undefined when there is no source or it has no position. */
  position: unknown;
  /** Resolves once the events the position covers are all in the ingress queue. */
  enqueued: Promise<unknown>;
  release: () => void;
}

/** Owns the running source. */
export class SourceRunner {
  private source?: Source;
  private running?: Promise<void>;
  private failure?: string;
  /** Closed while a checkpoint barrier holds the source: emits wait on it, like the pause gate. */
  private hold?: Promise<void>;
  /** A barrier waiting for the source's next clean position. */
  private wanted?: () => boolean;
  /** Emits waiting on the pause gate or a barrier, not enqueued yet. */
  private gatedEmits = 0;
  /** The last ingress put that had to wait (block backpressure). */
  private lastPut: Promise<unknown> = Promise.resolve();

  /** @param hostSource a source built by the host, run by the first start() instead of the configured one. */
  constructor(
    private readonly deps: SourceRunnerDeps,
    private hostSource?: Source,
  ) {}

  /** The first source failure (`source NAME failed: reason`), if any. */
  get firstFailure(): string | undefined {
    return this.failure;
  }

  /** The source stopped or ended last (its final position is the end of a run's input). */
  lastStopped?: Source;

  /** The running source, if any. */
  get current(): Source | undefined {
    return this.source;
  }

  /** Lets the running source answer an HTTP request (HTTP ingest); false when it does not take it. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> | false {
    return this.source?.handle !== undefined ? this.source.handle(req, res) : false;
  }

  /**
   * Builds the source `config` names without running it (nothing is acquired until run()), or
   * hands over the host's source the first time.
   * @throws Error when the source rejects its options.
   */
  async build(config: SourceConfig): Promise<Source> {
    const { metrics, clock, ingress } = this.deps;
    const host = this.hostSource;
    this.hostSource = undefined;
    return (
      host ??
      (await createSource(config, {
        metrics,
        now: () => clock.now(),
        isSaturated: () => ingress.policy !== 'block' && ingress.depth >= ingress.capacity,
        checkpointIntervalMs: this.deps.checkpointIntervalMs,
      }))
    );
  }

  /**
   * Builds (or takes the host's) source, rewinds it to `position` (a checkpoint's) if given, and runs it.
   * @throws Error when the source cannot be built or cannot resume at `position`.
   */
  async start(config: SourceConfig, position?: unknown): Promise<void> {
    const source = await this.build(config);
    if (position !== undefined) {
      if (source.seek === undefined) throw new Error(`source ${source.name} cannot resume from a checkpoint position`);
      await source.seek(position);
    }
    this.run(source, config);
  }

  /**
   * Checkpoint barrier: resolves once the source stands at a clean position (at once if it does now,
   * else at its next emit that reaches one) and holds it there until `release()`. A source without
   * positions (or no source) is held at once, with position undefined.
   */
  barrier(): Promise<SourceBarrier> {
    let open!: () => void;
    const held = new Promise<void>((r) => (open = r));
    const release = (): void => {
      if (this.hold === held) this.hold = undefined;
      open();
    };
    const source = this.source;
    const capture = (): SourceBarrier => {
      this.hold = held;
      return { source, position: source?.position?.(), enqueued: this.lastPut, release };
    };
    if (source?.position === undefined || (source.position() !== undefined && this.gatedEmits === 0)) return Promise.resolve(capture());
    return new Promise<SourceBarrier>((resolve) => {
      this.wanted = () => {
        if (this.source !== source) {
          resolve({ source: undefined, position: undefined, enqueued: this.lastPut, release });
          return true;
        }
        if (source.position!() === undefined || this.gatedEmits > 0) return false;
        resolve(capture());
        return true;
      };
    });
  }

  /** Runs a source from {@link build}; `config` is the configuration it was built from. */
  run(source: Source, config: SourceConfig): void {
    const { metrics } = this.deps;
    this.source = source;
    // Live sources report their own connection state; generated and replayed input is simply running.
    if (config.type === 'sim' || config.type === 'file') metrics.connectionState(source.name, 'connected');
    const ended = (): void => {
      if (this.source === source && !this.deps.lifecycle.ending) this.deps.onEnded(source);
    };
    this.running = source.run(this.output(source.name)).then(ended, (e: Error) => {
      this.failure ??= `source ${source.name} failed: ${e.message}`;
      metrics.errors(source.name, 'source', 'failed', 1);
      this.deps.log('error', `source ${source.name} failed: ${e.message}`);
      ended();
    });
  }

  /** Forgets a source that ended by itself (it is reported stopped). */
  release(source: Source): void {
    if (this.source !== source) return;
    this.source = undefined;
    // A checkpoint barrier waiting for this source's next clean position would wait forever.
    if (this.wanted?.() === true) this.wanted = undefined;
    this.lastStopped = source;
    this.deps.metrics.connectionState(source.name, 'stopped');
  }

  /** Stops the running source and waits for its run() to end. */
  async stop(): Promise<void> {
    const source = this.source;
    this.source = undefined;
    if (this.wanted?.() === true) this.wanted = undefined;
    if (source === undefined) return;
    this.lastStopped = source;
    await this.deps.lifecycle.withGateOpen(async () => {
      await source.stop();
      await this.running;
    });
    this.deps.metrics.connectionState(source.name, 'stopped');
  }

  private output(name: string): SourceOutput {
    const { metrics, lifecycle, deadLetters } = this.deps;
    return {
      emit: (events) => {
        if (events.length === 0) return;
        metrics.received(name, 'source', events.length);
        metrics.sent(name, 'source', events.length);
        const gate = lifecycle.pauseGate ?? this.hold;
        if (gate === undefined) return this.enqueueAtBarrier(events);
        // Handed over but not in the queue yet: a checkpoint cannot cut here until they are.
        this.gatedEmits++;
        return gate.then(() => {
          this.gatedEmits--;
          return this.enqueueAtBarrier(events);
        });
      },
      reject: (records) => {
        if (records.length === 0) return;
        const byReason = new Map<DeadLetter['reason'], number>();
        for (const r of records) byReason.set(r.reason, (byReason.get(r.reason) ?? 0) + (r.count ?? 1));
        for (const [reason, n] of byReason) metrics.rejected(reason, n);
        // Held by a checkpoint barrier: these records lie after the cut, like the events held.
        if (this.hold !== undefined) void this.hold.then(() => deadLetters.push(records));
        else deadLetters.push(records);
      },
      bytesIn: (bytes) => metrics.bytesIn(name, bytes),
    };
  }

  /** Enqueues, then lets a waiting checkpoint barrier check the source's position. */
  private enqueueAtBarrier(events: StreamEvent[]): Promise<void> | void {
    const put = this.enqueue(events);
    if (put !== undefined) this.lastPut = put;
    if (this.wanted === undefined || !this.wanted()) return put;
    this.wanted = undefined;
    const held = this.hold;
    return put === undefined ? held : Promise.all([put, held]).then(() => {});
  }

  private enqueue(events: StreamEvent[]): Promise<void> | void {
    const { ingress, metrics } = this.deps;
    if (ingress.isClosed) {
      metrics.dropped('ingress', 'shutdown', events.length);
      return;
    }
    return ingress.put(events);
  }
}
