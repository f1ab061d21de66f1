/**
 * The pipeline: source → edge decode → ingress queue → window operator → fan-out → one queue per
 * sink → sinks, with late events and dead letters as side outputs and every stage reporting to
 * the metrics registry. The same class serves the CLI (`process` replay, `run` live), the Electron
 * main process and the web host.
 *
 * This file only wires the stages (in `stages/`), each with one job: {@link Lifecycle} (states and
 * pause gate), {@link SourceRunner} (the source and its switching), {@link OperatorLoop} (the window
 * operator over the ingress queue), {@link WatermarkDriver} (idle and processing-time watermarks),
 * {@link ResultFanout} and {@link SinkSet} (results to listeners and sinks), {@link MetricsEndpoint}
 * and {@link LogBus}. All of them read time from one injected {@link Clock}.
 */
import type { DeadLetter, LateEvent, StreamEvent, WindowResult } from '../../src-shared/types';
import { registerCheckpointMetrics } from './checkpoint/checkpoint-metrics';
import { CheckpointCoordinator, type CheckpointOptions, type RecoveryInfo } from './checkpoint/coordinator';
import type { Sink, Source } from './component';
import { parseConfig, type PipelineConfig } from './config';
import { EngineMetrics } from './metrics/engine-metrics';
import { BoundedQueue } from './queue/bounded-queue';
import type { SourceConfig } from './sources/source-config';
import { planChange } from './stages/config-change';
import { mergeConfigPatch } from './stages/config-patch';
import { Lifecycle, type PipelineState } from './stages/lifecycle';
import { LogBus, type LogLine } from './stages/log-bus';
import { MetricsEndpoint } from './stages/metrics-endpoint';
import { OperatorLoop } from './stages/operator-loop';
import { ResultFanout } from './stages/result-fanout';
import { SideOutput } from './stages/side-outputs';
import { SinkSet } from './stages/sink-set';
import { SourceRunner } from './stages/source-runner';
import { tickWatermark, WatermarkDriver } from './stages/watermark-driver';
import { systemClock, type Clock } from './time/clock';
import { createWindowOperator } from './windows/create-operator';
import type { WindowOperator, WindowOperatorOptions } from './windows/window-operator';

export type { LogLine, PipelineState };

/** A config patch: any subset of fields, nested objects merged, arrays replaced. */
export type PipelineConfigPatch = { [K in keyof PipelineConfig]?: PipelineConfig[K] extends object ? unknown : PipelineConfig[K] };

/** Options not part of the user's configuration. */
export interface PipelineOptions {
  metrics?: EngineMetrics;
  /** Processing time, timers and yields (default the system clock; tests pass a VirtualClock). */
  clock?: Clock;
  /** Extra sinks built by the host (for example the app's in-memory frame stream). */
  hostSinks?: Sink[];
  /**
   * A source built by the host, run instead of `config.source` at start (benchmarks, embedding).
   * A later source change through reconfigure() replaces it with the configured one.
   */
  source?: Source;
  /**
   * What happens when the source ends or fails: `stop` (default; the CLI: a replay ends the run) or
   * `continue` (the app: the pipeline keeps running without a source, so the user can pick another,
   * and idle timeouts still close its windows).
   */
  onSourceEnd?: 'stop' | 'continue';
  /** How often idle-timeout and processing-time watermarks are checked, ms (default 100). */
  tickMs?: number;
  /**
   * The host's shutdown deadline: aborted when it passed (or a second SIGINT/SIGTERM cut it
   * short). Sinks that retry then stop and dead-letter what is undelivered.
   */
  shutdownSignal?: AbortSignal;
  /** Periodic checkpoints and recovery from the newest one (checkpoint/coordinator.ts); off when absent. */
  checkpoints?: CheckpointOptions;
  /**
   * Sees every batch as it enters the window operator, in arrival order, after processing-time
   * stamping (the retained history taps here). Must not keep or change the events.
   */
  onOperatorInput?: (batch: readonly StreamEvent[]) => void;
}

/** Options of {@link Pipeline.reconfigure}. */
export interface ReconfigureOptions {
  /**
   * When the window settings change: builds the new operator already holding state (a what-if
   * applied without a gap: seeded from the retained history). Runs between two batches, with the
   * operator loop held until it settles; the old operator's open windows fire at the switch.
   */
  seedOperator?: (opts: WindowOperatorOptions) => Promise<WindowOperator>;
}

/** A running (or runnable) stream-processing pipeline. See the module comment for the data flow. */
export class Pipeline {
  readonly metrics: EngineMetrics;
  private cfg: PipelineConfig;
  private readonly clock: Clock;
  private readonly lifecycle = new Lifecycle();
  private readonly logs: LogBus;
  private readonly ingress: BoundedQueue<StreamEvent>;
  private readonly late: SideOutput<LateEvent>;
  private readonly deadLetters: SideOutput<DeadLetter>;
  private readonly sinks: SinkSet;
  private readonly fanout: ResultFanout;
  private readonly loop: OperatorLoop;
  private readonly sources: SourceRunner;
  private readonly ticker: WatermarkDriver;
  private readonly endpoint: MetricsEndpoint;
  private readonly onSourceEnd: 'stop' | 'continue';
  private readonly ckpt?: CheckpointCoordinator;
  private stopping?: Promise<void>;

  /** Validates `config` (throws ConfigError) and builds the stages; nothing runs until start(). */
  constructor(config: PipelineConfig | unknown, opts: PipelineOptions = {}) {
    this.cfg = parseConfig(config);
    const clock = (this.clock = opts.clock ?? systemClock);
    const metrics = (this.metrics = opts.metrics ?? new EngineMetrics({ now: () => clock.now() }));
    this.onSourceEnd = opts.onSourceEnd ?? 'stop';
    this.logs = new LogBus(clock);
    const log = (level: LogLine['level'], msg: string): void => this.logs.log(level, msg);
    this.ingress = new BoundedQueue<StreamEvent>({
      name: 'ingress',
      maxEvents: this.cfg.queues.ingress.maxEvents,
      policy: this.cfg.queues.ingress.policy,
      onDrop: metrics.dropHandler('ingress'),
      now: () => clock.now(),
    });
    metrics.registerQueue(this.ingress);
    this.late = new SideOutput<LateEvent>('late', this.cfg.lateOutput, this.cfg.sideOutputs, (m) => log('error', `late output: ${m}`), metrics);
    this.deadLetters = new SideOutput<DeadLetter>('dead_letter', this.cfg.deadLetter, this.cfg.sideOutputs, (m) => log('error', `dead-letter output: ${m}`), metrics);
    this.sinks = new SinkSet({ metrics, clock, log, shutdownSignal: opts.shutdownSignal });
    for (const sink of opts.hostSinks ?? []) this.sinks.addHost(sink, this.cfg.queues.sink);
    this.fanout = new ResultFanout({ metrics, late: this.late, sinks: this.sinks, watermark: () => this.loop.current.watermark });
    this.loop = new OperatorLoop({
      ingress: this.ingress,
      clock,
      metrics,
      buildOperator: () => this.buildOperator(),
      processingTime: () => this.cfg.timeMode === 'processing',
      publish: (out) => this.fanout.publish(out),
      onInput: opts.onOperatorInput,
    });
    this.sources = new SourceRunner(
      { clock, metrics, ingress: this.ingress, lifecycle: this.lifecycle, deadLetters: this.deadLetters, log, onEnded: (s) => this.sourceEnded(s),
        checkpointIntervalMs: opts.checkpoints?.intervalMs },
      opts.source,
    );
    this.ticker = new WatermarkDriver(clock, opts.tickMs ?? 100, (nowMs) => this.tick(nowMs));
    this.endpoint = new MetricsEndpoint(metrics, (req, res) => this.sources.handle(req, res));
    if (opts.checkpoints !== undefined) {
      this.ckpt = new CheckpointCoordinator(
        { clock, log, loop: this.loop, sources: this.sources, sinks: this.sinks, late: this.late, deadLetters: this.deadLetters,
          fingerprint: () => checkpointFingerprint(this.cfg), ending: () => this.lifecycle.ending },
        opts.checkpoints,
      );
      registerCheckpointMetrics(metrics.registry, this.ckpt);
    }
  }

  /** The checkpoint coordinator (stats, "checkpoint now"), when checkpoints are on. */
  get checkpoints(): CheckpointCoordinator | undefined {
    return this.ckpt;
  }

  /** What start() restored from a checkpoint, if it resumed one. */
  get resumedFrom(): RecoveryInfo | undefined {
    return this.ckpt?.resumed;
  }

  /** The validated configuration in force. */
  get config(): PipelineConfig {
    return this.cfg;
  }

  get state(): PipelineState {
    return this.lifecycle.state;
  }

  /** Current watermark (ms since epoch), −Infinity before the first event. */
  get watermark(): number {
    return this.loop.current.watermark;
  }

  /** Aggregates held by the window operator (memory is proportional to it). */
  get stateSize(): number {
    return this.loop.current.stateSize();
  }

  /** Where the metrics server listens, after start() (undefined when disabled). */
  get metricsServer(): { url: string; port: number } | undefined {
    return this.endpoint.address;
  }

  /** The first source failure (`source NAME failed: reason`), if any: the CLI exits non-zero on it. */
  get sourceFailure(): string | undefined {
    return this.sources.firstFailure;
  }

  /** Resolves once the pipeline has stopped: after stop(), or at the end of a finite source. */
  get done(): Promise<void> {
    return this.lifecycle.done;
  }

  onResults(cb: (batch: WindowResult[]) => void): () => void {
    return this.fanout.onResults(cb);
  }

  onLate(cb: (batch: LateEvent[]) => void): () => void {
    return this.late.subscribe(cb);
  }

  onDeadLetter(cb: (batch: DeadLetter[]) => void): () => void {
    return this.deadLetters.subscribe(cb);
  }

  onLog(cb: (line: LogLine) => void): () => void {
    return this.logs.subscribe(cb);
  }

  /**
   * Starts sinks, the metrics server (if configured), the operator loop and the source.
   * @throws Error if a sink or the metrics server cannot start (port in use, bad path).
   */
  async start(): Promise<void> {
    if (this.lifecycle.state !== 'idle') throw new Error(`pipeline cannot start from state ${this.lifecycle.state}`);
    // Recovery first: the side-output files are taken back to the checkpoint before they open.
    let resumed;
    try {
      resumed = await this.ckpt?.recover();
    } catch (e) {
      await this.ckpt?.release();
      throw e;
    }
    await Promise.all([this.late.open(), this.deadLetters.open()]);
    await this.sinks.reconcile(this.cfg.sinks, this.cfg.queues.sink);
    await this.ckpt?.rewindSinks();
    await this.endpoint.start(this.cfg.metrics);
    this.lifecycle.begin();
    this.loop.start();
    this.ticker.start();
    if (resumed?.finished === true) {
      // The checkpointed run had processed all of its input: nothing is read again.
      this.logs.log('info', 'the checkpointed run had processed all of its input; nothing left to do (--fresh starts over)');
      if (this.onSourceEnd === 'stop') void this.stop();
      return;
    }
    try {
      await this.sources.start(this.cfg.source, this.ckpt?.sourcePosition);
    } catch (e) {
      await this.stop();
      throw e;
    }
    this.ckpt?.start();
    this.logs.log('info', `pipeline started: source ${this.cfg.source.type}, window ${JSON.stringify(this.cfg.window)}`);
  }

  /** Stops reading (the source pauses under backpressure semantics); windows keep their state. */
  pause(): void {
    this.lifecycle.pause();
  }

  /** Resumes reading after pause(). */
  resume(): void {
    this.lifecycle.resume();
  }

  /**
   * Stops the source, fires every open window (watermark to +∞), delivers everything queued to
   * the sinks and closes them. Idempotent; resolves when all output is flushed.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  /**
   * Stops with a final checkpoint (SIGINT/SIGTERM with checkpoints on): open windows are kept in it,
   * not fired, so the next start continues exactly where this one stopped. Without checkpoints,
   * the same as stop().
   */
  suspend(): Promise<void> {
    if (this.ckpt === undefined || !this.lifecycle.live) return this.stop();
    this.stopping ??= this.suspendWithCheckpoint(this.ckpt);
    return this.stopping;
  }

  /**
   * Applies a configuration change without a restart: rate, window, alert threshold, sinks,
   * source and queues. Open windows of a replaced window spec are fired at once with what they
   * hold (no result is lost), and the new operator continues from the same watermark — or, with
   * `opts.seedOperator`, from the state that operator was seeded with.
   * @throws ConfigError when the merged configuration is invalid, or the Error of a new source or
   * sink that cannot start (port in use, bad path); nothing is changed then, except that a sink
   * being replaced by one of its type (which may need the same port or file) stays closed, and
   * `config.sinks` says so.
   */
  async reconfigure(patch: PipelineConfigPatch | Record<string, unknown>, opts: ReconfigureOptions = {}): Promise<void> {
    const prev = this.cfg;
    const next = parseConfig(mergeConfigPatch(prev, patch as Record<string, unknown>));
    if (!this.lifecycle.live) {
      this.cfg = next;
      return;
    }
    // Acquire first, then commit: what can fail (building the new source, starting new sinks) is
    // done before anything changes, so a refused change leaves config and running parts as they were.
    const source = this.sources.current;
    const change = planChange(prev, next, source?.setLoad !== undefined);
    const newSource = change.switchSource ? await this.sources.build(next.source) : undefined;
    try {
      await this.sinks.reconcile(next.sinks, next.queues.sink);
    } catch (e) {
      this.cfg = { ...prev, sinks: this.sinks.configs }; // a replaced sink may be gone
      throw e;
    }
    this.cfg = next;

    const seed = opts.seedOperator;
    // A seeded switch also takes a threshold-only change: the open windows are recounted from history.
    const seeding = seed !== undefined && (change.operator || change.alertThreshold);
    if (seeding) {
      try {
        await this.loop.atBarrier(async () => this.loop.installOperator(await seed(this.operatorOptions())));
        this.logs.log('info', `window changed to ${JSON.stringify(next.window)}; open windows of the old spec fired, new windows seeded from the retained history`);
      } catch (e) {
        this.logs.log('warn', `seeding the new windows failed (${(e as Error).message}); they start empty`);
        await this.loop.replaceOperator(true);
      }
    } else if (change.operator) {
      await this.loop.replaceOperator(true);
      this.logs.log('info', `window changed to ${JSON.stringify(next.window)}; open windows fired`);
    }
    if (change.alertThreshold && !seeding) this.loop.current.setAlertThreshold(next.alertThreshold);
    this.ingress.setPolicy(next.queues.ingress.policy);
    this.ingress.setCapacity(next.queues.ingress.maxEvents);
    this.sinks.setQueues(next.queues.sink);
    if (change.simLoad !== undefined) source?.setLoad?.(change.simLoad);
    if (newSource !== undefined) {
      // A new source is a new event-time stream (a replayed file may lie years behind the old
      // source's watermark): drain what the old one delivered, fire its open windows, restart
      // the watermark, then read the new source.
      await this.sources.stop();
      await this.restartEventTime();
      this.sources.run(newSource, next.source);
      this.logs.log('info', `source switched to ${next.source.type}; open windows fired, event time restarted`);
    }
  }

  /**
   * End of one event-time stream: waits until the operator has processed everything queued, then
   * fires every open window and restarts the watermark for whatever stream comes next.
   */
  private async restartEventTime(): Promise<void> {
    await this.loop.whenIdle(() => this.lifecycle.ending);
    // Stopping meanwhile: stop() fires the windows (or a suspend keeps them in its checkpoint); the sinks may be closed.
    if (this.lifecycle.ending) return;
    await this.loop.replaceOperator(false);
  }

  private sourceEnded(source: Source): void {
    if (this.onSourceEnd === 'stop') {
      void this.stop(); // a finite source (file replay) ended, or the source failed: flush and finish
      return;
    }
    this.sources.release(source);
    this.logs.log('warn', `source ${source.name} ended; its open windows fire now; the pipeline keeps running without a source`);
    // Nothing more arrives on this stream: its last windows must not wait for the idle timeout.
    void this.restartEventTime();
  }

  private buildOperator(): WindowOperator {
    return createWindowOperator(this.operatorOptions());
  }

  /** The window operator's options under the config in force (processing time: no out-of-orderness, no lateness). */
  private operatorOptions(): WindowOperatorOptions {
    const processing = this.cfg.timeMode === 'processing';
    return {
      window: this.cfg.window,
      maxOutOfOrdernessMs: processing ? 0 : this.cfg.maxOutOfOrdernessMs,
      allowedLatenessMs: processing ? 0 : this.cfg.allowedLatenessMs,
      alertThreshold: this.cfg.alertThreshold,
      now: () => this.clock.now(),
    };
  }

  private tick(nowMs: number): void {
    // During a checkpoint's cut no window may fire: the sinks' commit points must match the snapshot.
    if (!this.lifecycle.live || this.ckpt?.cutting === true) return;
    const op = this.loop.current;
    void this.loop.advanceWatermark(
      tickWatermark(this.cfg, { nowMs, lastArrivalMs: this.loop.lastArrivalMs, ingressDepth: this.ingress.depth, maxTimestamp: op.maxTimestamp }),
    );
  }

  private async suspendWithCheckpoint(ckpt: CheckpointCoordinator): Promise<void> {
    let info;
    // A paused source holds events it handed over at the pause gate: let them in before the cut.
    this.lifecycle.resume();
    try {
      // The ingress closes while the source is still held: nothing after the cut is processed.
      info = await ckpt.suspend(() => this.ingress.close());
    } catch {
      // Reported by the coordinator; the previous checkpoint stays the one to resume.
    }
    this.lifecycle.beginStop();
    this.ingress.close();
    await this.sources.stop();
    await this.loop.stopped();
    this.ticker.stop();
    await this.sinks.closeAll();
    await Promise.all([this.late.close(), this.deadLetters.close()]);
    await this.endpoint.close();
    await ckpt.release();
    this.lifecycle.finish();
    this.logs.log('info', info === undefined ? 'pipeline stopped; open windows not fired (resume from the last checkpoint)' : `pipeline stopped with checkpoint ${info.epoch}; its open windows continue on the next start`);
  }

  private async shutdown(): Promise<void> {
    if (this.lifecycle.state === 'idle') {
      this.lifecycle.finish();
      return;
    }
    this.lifecycle.beginStop();
    await this.sources.stop();
    this.ingress.close();
    await this.loop.stopped();
    this.ticker.stop();
    await this.loop.advanceWatermark(Infinity);
    if (this.ckpt !== undefined && this.sources.firstFailure === undefined) {
      const info = await this.ckpt.final().catch(() => undefined);
      if (info !== undefined) this.logs.log('info', `final checkpoint ${info.epoch} stored: the input is fully processed`);
    }
    await this.sinks.closeAll();
    await Promise.all([this.late.close(), this.deadLetters.close()]);
    await this.endpoint.close();
    await this.ckpt?.release();
    this.lifecycle.finish();
    this.logs.log('info', 'pipeline stopped; all windows fired and sinks flushed');
  }
}

/**
 * The settings a checkpoint must match to be resumed: window, time settings and the input's
 * identity (not its pace: a file's replay speed or the simulation's rate may change).
 */
function checkpointFingerprint(cfg: PipelineConfig): Record<string, unknown> {
  const { rateEventsPerSec: _rate, speed: _speed, ...source } = cfg.source as SourceConfig & { rateEventsPerSec?: number; speed?: unknown };
  return { window: cfg.window, timeMode: cfg.timeMode, maxOutOfOrdernessMs: cfg.maxOutOfOrdernessMs, allowedLatenessMs: cfg.allowedLatenessMs, source };
}
