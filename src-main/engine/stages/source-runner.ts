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
}

/** Owns the running source. */
export class SourceRunner {
  private source?: Source;
  private running?: Promise<void>;
  private failure?: string;

  /** @param hostSource a source built by the host, run by the first start() instead of the configured one. */
  constructor(
    private readonly deps: SourceRunnerDeps,
    private hostSource?: Source,
  ) {}

  /** The first source failure (`source NAME failed: reason`), if any. */
  get firstFailure(): string | undefined {
    return this.failure;
  }

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
      }))
    );
  }

  /** Builds (or takes the host's) source and runs it. @throws Error when the source cannot be built. */
  async start(config: SourceConfig): Promise<void> {
    this.run(await this.build(config), config);
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
    this.deps.metrics.connectionState(source.name, 'stopped');
  }

  /** Stops the running source and waits for its run() to end. */
  async stop(): Promise<void> {
    const source = this.source;
    this.source = undefined;
    if (source === undefined) return;
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
        const gate = lifecycle.pauseGate;
        if (gate !== undefined) return gate.then(() => this.enqueue(events));
        return this.enqueue(events);
      },
      reject: (records) => {
        if (records.length === 0) return;
        const byReason = new Map<DeadLetter['reason'], number>();
        for (const r of records) byReason.set(r.reason, (byReason.get(r.reason) ?? 0) + 1);
        for (const [reason, n] of byReason) metrics.rejected(reason, n);
        deadLetters.push(records);
      },
      bytesIn: (bytes) => metrics.bytesIn(name, bytes),
    };
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
