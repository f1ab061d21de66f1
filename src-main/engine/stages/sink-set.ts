/**
 * The running sinks: the configured ones (keyed by their config, so a reconfigure diffs them) and
 * the host's own (the app's frame stream), each behind its {@link SinkStage}.
 */
import type { QueuePolicy, WindowResult } from '../../../src-shared/types';
import type { Sink } from '../component';
import type { EngineMetrics } from '../metrics/engine-metrics';
import { createSink, type SinkConfig } from '../sinks/sink-factory';
import type { Clock } from '../time/clock';
import { SinkStage } from './sink-stage';

/** Queue settings of a sink stage. */
export interface SinkQueueConfig {
  maxEvents: number;
  policy: QueuePolicy;
}

interface RunningSink {
  key: string;
  config: SinkConfig;
  stage: SinkStage;
}

/** Configured plus host sinks, diffed by configuration on reconfigure. */
export class SinkSet {
  private configured: RunningSink[] = [];
  private readonly host: SinkStage[] = [];
  /** Every stage, configured first; rebuilt when the set changes (offer() runs per batch). */
  private all: SinkStage[] = [];

  constructor(
    private readonly deps: {
      metrics: EngineMetrics;
      clock: Clock;
      log: (level: 'info' | 'warn' | 'error', msg: string) => void;
      /** The host's shutdown deadline, handed to sinks that retry (see PipelineOptions). */
      shutdownSignal?: AbortSignal;
    },
  ) {}

  /** Every stage, configured first. */
  get stages(): readonly SinkStage[] {
    return this.all;
  }

  /** The configurations of the configured sinks that are running, in order. */
  get configs(): SinkConfig[] {
    return this.configured.map((r) => r.config);
  }

  /** Adds a sink built by the host; it runs until closeAll(). */
  addHost(sink: Sink, queue: SinkQueueConfig): void {
    this.host.push(this.stageFor(sink, queue));
    this.changed();
  }

  /**
   * Makes the configured sinks exactly `wanted`: sinks not wanted any more are closed (after
   * delivering what they hold), new ones are built and started. A changed entry whose running sink
   * accepts it live (`retune`, same type) is applied in place instead, keeping the sink's queue and
   * what it holds. New sinks are acquired before anything else changes, so a sink that cannot start
   * (port in use, bad path) changes nothing: the ones acquired so far are closed again, retuned sinks
   * get their old entry back, and the error is rethrown. One exception: a sink replaced by one of the
   * same type (new options, not retunable) is closed first, since both may need the same port or
   * file; if the replacement then fails, the old one stays closed. Either way {@link configs} lists
   * exactly the sinks running.
   * @throws Error from the sink that could not start.
   */
  async reconcile(wanted: readonly SinkConfig[], queue: SinkQueueConfig): Promise<void> {
    const wantedKeys = new Set(wanted.map(keyOf));
    const added = wanted.filter((c, i) => !this.configured.some((r) => r.key === keyOf(c)) && wanted.findIndex((d) => keyOf(d) === keyOf(c)) === i);
    let removed = this.configured.filter((r) => !wantedKeys.has(r.key));
    // A changed entry the running sink of its type accepts live is retuned in place (queue kept).
    const retuned: Array<{ r: RunningSink; old: SinkConfig; config: SinkConfig }> = [];
    const fresh: SinkConfig[] = [];
    for (const config of added) {
      const r = removed.find((x) => x.config.type === config.type && !retuned.some((t) => t.r === x) && x.stage.sink.retune !== undefined);
      if (r?.stage.sink.retune?.(config) === true) retuned.push({ r, old: r.config, config });
      else fresh.push(config);
    }
    removed = removed.filter((r) => !retuned.some((t) => t.r === r));
    const replaced = removed.filter((r) => fresh.some((c) => c.type === r.config.type));
    for (const r of replaced) await this.remove(r, 'replaced');
    const acquired: RunningSink[] = [];
    try {
      for (const config of fresh) acquired.push(await this.acquire(config, queue));
    } catch (e) {
      for (const { r, old } of retuned) r.stage.sink.retune?.(old);
      await Promise.all(acquired.map((r) => r.stage.close()));
      throw e;
    }
    for (const { r, config } of retuned) {
      r.key = keyOf(config);
      r.config = config;
      this.deps.log('info', `sink ${r.stage.sink.name} retuned; its queue kept`);
    }
    for (const r of removed) if (!replaced.includes(r)) await this.remove(r, 'removed');
    this.configured.push(...acquired);
    this.changed();
  }


  /** Applies new queue settings to every sink queue. */
  setQueues(queue: SinkQueueConfig): void {
    for (const s of this.stages) {
      s.queue.setPolicy(queue.policy);
      s.queue.setCapacity(queue.maxEvents);
    }
  }

  /** Offers results to every sink; returns a promise when some sink queue blocks. */
  offer(results: WindowResult[]): Promise<unknown> | undefined {
    let blocked: Promise<unknown>[] | undefined;
    for (const stage of this.all) {
      const p = stage.offer(results);
      if (p !== undefined) (blocked ??= []).push(p);
    }
    return blocked === undefined ? undefined : Promise.all(blocked);
  }

  /**
   * Checkpoints: waits until every sink has taken what was offered so far, then collects the commit
   * points of the configured sinks that have them, by sink configuration.
   */
  async commitPoints(): Promise<Array<{ key: string; point: unknown }>> {
    await Promise.all(this.stages.map((s) => s.settled()));
    const points: Array<{ key: string; point: unknown }> = [];
    for (const r of this.configured) if (r.stage.sink.commitPoint !== undefined) points.push({ key: r.key, point: await r.stage.sink.commitPoint() });
    return points;
  }

  /** Recovery, before the first result: each configured sink takes back what it wrote after its commit point. */
  async resumeFrom(points: ReadonlyArray<{ key: string; point: unknown }>): Promise<void> {
    for (const { key, point } of points) {
      const sink = this.configured.find((r) => r.key === key)?.stage.sink;
      await sink?.resumeFrom?.(point);
    }
  }

  /** Delivers what every sink holds, then closes them all. */
  async closeAll(): Promise<void> {
    await Promise.all(this.stages.map((s) => s.close()));
  }

  private async remove(r: RunningSink, why: 'removed' | 'replaced'): Promise<void> {
    this.configured = this.configured.filter((x) => x !== r);
    this.changed();
    await r.stage.close();
    this.deps.log('info', `sink ${r.stage.sink.name} ${why}`);
  }

  private changed(): void {
    this.all = [...this.configured.map((r) => r.stage), ...this.host];
  }

  private async acquire(config: SinkConfig, queue: SinkQueueConfig): Promise<RunningSink> {
    const sink = createSink(config, { metrics: this.deps.metrics, shutdownSignal: this.deps.shutdownSignal });
    if (sink.ready !== undefined) {
      try {
        await sink.ready();
      } catch (e) {
        await sink.close().catch(() => {});
        throw e;
      }
    }
    return { key: keyOf(config), config, stage: this.stageFor(sink, queue) };
  }

  private stageFor(sink: Sink, queue: SinkQueueConfig): SinkStage {
    return new SinkStage(sink, queue, this.deps.metrics, this.deps.clock, (level, msg) => this.deps.log(level, msg));
  }
}

function keyOf(config: SinkConfig): string {
  return JSON.stringify(config);
}
