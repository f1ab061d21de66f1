/**
 * The pipeline: source → edge decode → ingress queue → window operator → fan-out → one queue per
 * sink → sinks, with late events and dead letters as side outputs and every stage reporting to
 * the metrics registry. The same class serves the CLI (`process` replay, `run` live), the Electron
 * main process and the web host.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeadLetter, LateEvent, StreamEvent, WindowResult } from '../../src-shared/types';
import type { Sink, Source, SourceOutput } from './component';
import { parseConfig, type PipelineConfig } from './config';
import { EngineMetrics } from './metrics/engine-metrics';
import { startMetricsServer } from './metrics/metrics-server';
import { mergeConfigPatch } from './pipeline/config-patch';
import { SideOutput } from './pipeline/side-outputs';
import { SinkStage } from './pipeline/sink-stage';
import { BoundedQueue } from './queue/bounded-queue';
import { createSink, type SinkConfig } from './sinks/sink-factory';
import { createSource } from './sources/source-config';
import { SimulatedSource } from './sources/simulated-source';
import { createWindowOperator } from './windows/create-operator';
import { emptyOutput, type WindowOperator } from './windows/window-operator';

/** Most work (ms of busy time) the operator loop does before yielding to timers and I/O. */
const YIELD_EVERY_MS = 20;

/** Lifecycle of a pipeline. */
export type PipelineState = 'idle' | 'running' | 'paused' | 'stopping' | 'stopped';

/** One log line for the UI and the CLI's stderr. */
export interface LogLine {
  level: 'info' | 'warn' | 'error';
  msg: string;
  /** Processing time, ms since epoch. */
  at: number;
}

/** A config patch: any subset of fields, nested objects merged, arrays replaced. */
export type PipelineConfigPatch = { [K in keyof PipelineConfig]?: PipelineConfig[K] extends object ? unknown : PipelineConfig[K] };

/** Options not part of the user's configuration. */
export interface PipelineOptions {
  metrics?: EngineMetrics;
  /** Processing-time clock, ms since epoch. */
  now?: () => number;
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
}

interface RunningSink {
  key: string;
  stage: SinkStage;
}

/**
 * A running sink whose entry changed: when a wanted entry of the same type is not running yet and
 * the sink accepts it live (`retune`), it becomes that entry, keeping its queue. Returns true then.
 */
function retuneInPlace(r: RunningSink, wanted: Map<string, SinkConfig>, running: RunningSink[]): boolean {
  const sink = r.stage.sink;
  if (sink.retune === undefined) return false;
  const type = (JSON.parse(r.key) as { type: string }).type;
  for (const [key, sc] of wanted) {
    if (sc.type !== type || running.some((x) => x.key === key)) continue;
    if (!sink.retune(sc)) return false;
    r.key = key;
    return true;
  }
  return false;
}

type HttpHandler = { handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> };

/** A running (or runnable) stream-processing pipeline. See the module comment for the data flow. */
export class Pipeline {
  readonly metrics: EngineMetrics;
  private cfg: PipelineConfig;
  private st: PipelineState = 'idle';
  private readonly now: () => number;
  private readonly tickMs: number;
  private readonly ingress: BoundedQueue<StreamEvent>;
  private operator: WindowOperator;
  private out = emptyOutput();
  private source?: Source;
  private sourceRun?: Promise<void>;
  private hostSource?: Source;
  private readonly onSourceEnd: 'stop' | 'continue';
  private sinks: RunningSink[] = [];
  private readonly hostSinks: SinkStage[] = [];
  private readonly resultListeners = new Set<(batch: WindowResult[]) => void>();
  private readonly logListeners = new Set<(line: LogLine) => void>();
  private readonly late: SideOutput<LateEvent>;
  private readonly deadLetters: SideOutput<DeadLetter>;
  private operatorLoop?: Promise<void>;
  private ticker?: ReturnType<typeof setInterval>;
  private lastArrivalMs = 0;
  /** The operator loop is waiting for the next batch (everything taken so far is processed). */
  private awaitingInput = false;
  private gate?: { promise: Promise<void>; open: () => void };
  private server?: { url: string; port: number; close(): Promise<void> };
  private finished!: Promise<void>;
  private finish!: () => void;
  private stopping?: Promise<void>;
  private failure?: string;

  /** Validates `config` (throws ConfigError) and builds the stages; nothing runs until start(). */
  constructor(config: PipelineConfig | unknown, opts: PipelineOptions = {}) {
    this.cfg = parseConfig(config);
    this.metrics = opts.metrics ?? new EngineMetrics();
    this.now = opts.now ?? Date.now;
    this.tickMs = opts.tickMs ?? 100;
    this.ingress = new BoundedQueue<StreamEvent>({
      name: 'ingress',
      maxEvents: this.cfg.queues.ingress.maxEvents,
      policy: this.cfg.queues.ingress.policy,
      onDrop: this.metrics.dropHandler('ingress'),
      now: this.now,
    });
    this.metrics.registerQueue(this.ingress);
    this.operator = this.buildOperator();
    this.late = new SideOutput<LateEvent>(this.cfg.lateOutput, (m) => this.log('error', `late output: ${m}`));
    this.deadLetters = new SideOutput<DeadLetter>(this.cfg.deadLetter, (m) => this.log('error', `dead-letter output: ${m}`));
    for (const sink of opts.hostSinks ?? []) this.hostSinks.push(this.stageFor(sink));
    this.hostSource = opts.source;
    this.onSourceEnd = opts.onSourceEnd ?? 'stop';
    this.finished = new Promise((resolve) => (this.finish = resolve));
  }

  /** The validated configuration in force. */
  get config(): PipelineConfig {
    return this.cfg;
  }

  get state(): PipelineState {
    return this.st;
  }

  /** Current watermark (ms since epoch), −Infinity before the first event. */
  get watermark(): number {
    return this.operator.watermark;
  }

  /** Aggregates held by the window operator (memory is proportional to it). */
  get stateSize(): number {
    return this.operator.stateSize();
  }

  /** Where the metrics server listens, after start() (undefined when disabled). */
  get metricsServer(): { url: string; port: number } | undefined {
    return this.server === undefined ? undefined : { url: this.server.url, port: this.server.port };
  }

  /** The first source failure (`source NAME failed: reason`), if any: the CLI exits non-zero on it. */
  get sourceFailure(): string | undefined {
    return this.failure;
  }

  /** Resolves once the pipeline has stopped: after stop(), or at the end of a finite source. */
  get done(): Promise<void> {
    return this.finished;
  }

  onResults(cb: (batch: WindowResult[]) => void): () => void {
    this.resultListeners.add(cb);
    return () => this.resultListeners.delete(cb);
  }

  onLate(cb: (batch: LateEvent[]) => void): () => void {
    return this.late.subscribe(cb);
  }

  onDeadLetter(cb: (batch: DeadLetter[]) => void): () => void {
    return this.deadLetters.subscribe(cb);
  }

  onLog(cb: (line: LogLine) => void): () => void {
    this.logListeners.add(cb);
    return () => this.logListeners.delete(cb);
  }

  /**
   * Starts sinks, the metrics server (if configured), the operator loop and the source.
   * @throws Error if a sink or the metrics server cannot start (port in use, bad path).
   */
  async start(): Promise<void> {
    if (this.st !== 'idle') throw new Error(`pipeline cannot start from state ${this.st}`);
    await Promise.all([this.late.open(), this.deadLetters.open()]);
    for (const sc of this.cfg.sinks) await this.addSink(sc);
    if (this.cfg.metrics !== false) {
      this.server = await startMetricsServer({
        metrics: this.metrics,
        host: this.cfg.metrics.host,
        port: this.cfg.metrics.port,
        extraRoutes: (req, res) => {
          const s = this.source as Partial<HttpHandler> | undefined;
          return typeof s?.handle === 'function' ? s.handle(req, res) : false;
        },
      });
    }
    this.st = 'running';
    this.operatorLoop = this.runOperator();
    this.ticker = setInterval(() => this.tick(), this.tickMs);
    this.ticker.unref?.();
    try {
      await this.startSource();
    } catch (e) {
      await this.stop();
      throw e;
    }
    this.log('info', `pipeline started: source ${this.cfg.source.type}, window ${JSON.stringify(this.cfg.window)}`);
  }

  /** Stops reading (the source pauses under backpressure semantics); windows keep their state. */
  pause(): void {
    if (this.st !== 'running') return;
    let open!: () => void;
    const promise = new Promise<void>((r) => (open = r));
    this.gate = { promise, open };
    this.st = 'paused';
  }

  /** Resumes reading after pause(). */
  resume(): void {
    if (this.st !== 'paused') return;
    this.gate?.open();
    this.gate = undefined;
    this.st = 'running';
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
   * Applies a configuration change without a restart: rate, window, alert threshold, sinks,
   * source and queues. Open windows of a replaced window spec are fired at once with what they
   * hold (no result is lost), and the new operator continues from the same watermark.
   * @throws ConfigError when the merged configuration is invalid (nothing is changed then).
   */
  async reconfigure(patch: PipelineConfigPatch | Record<string, unknown>): Promise<void> {
    const prev = this.cfg;
    const next = parseConfig(mergeConfigPatch(prev, patch as Record<string, unknown>));
    this.cfg = next;
    if (this.st === 'idle' || this.st === 'stopped') return;

    if (JSON.stringify(prev.window) !== JSON.stringify(next.window) || prev.timeMode !== next.timeMode ||
        prev.maxOutOfOrdernessMs !== next.maxOutOfOrdernessMs || prev.allowedLatenessMs !== next.allowedLatenessMs) {
      await this.replaceOperator(true);
      this.log('info', `window changed to ${JSON.stringify(next.window)}; open windows fired`);
    } else if (prev.alertThreshold !== next.alertThreshold) {
      this.operator.setAlertThreshold(next.alertThreshold);
    }

    this.ingress.setPolicy(next.queues.ingress.policy);
    this.ingress.setCapacity(next.queues.ingress.maxEvents);
    for (const s of [...this.sinks.map((r) => r.stage), ...this.hostSinks]) {
      s.queue.setPolicy(next.queues.sink.policy);
      s.queue.setCapacity(next.queues.sink.maxEvents);
    }

    const wanted = new Map(next.sinks.map((sc) => [JSON.stringify(sc), sc] as const));
    for (const r of [...this.sinks]) {
      const retuned = !wanted.has(r.key) && retuneInPlace(r, wanted, this.sinks);
      if (!wanted.has(r.key) && !retuned) {
        this.sinks = this.sinks.filter((x) => x !== r);
        await r.stage.close();
        this.log('info', `sink ${r.stage.sink.name} removed`);
      }
    }
    for (const [key, sc] of wanted) if (!this.sinks.some((r) => r.key === key)) await this.addSink(sc);

    if (JSON.stringify(prev.source) !== JSON.stringify(next.source)) {
      const src = this.source instanceof SimulatedSource ? this.source : undefined;
      const live = { rateEventsPerSec: 0, sensors: 0, jitterMs: 0, malformedRate: 0 }; // the sim's options that apply while it runs
      if (prev.source.type === 'sim' && next.source.type === 'sim' && src !== undefined &&
          JSON.stringify({ ...prev.source, ...live }) === JSON.stringify({ ...next.source, ...live })) {
        src.setRate(next.source.rateEventsPerSec);
        src.setSensors(next.source.sensors);
        src.setJitterMs(next.source.jitterMs);
        src.setMalformedRate(next.source.malformedRate);
      } else {
        // A new source is a new event-time stream (a replayed file may lie years behind the old
        // source's watermark): drain what the old one delivered, fire its open windows, restart
        // the watermark, then read the new source.
        await this.stopSource();
        await this.restartEventTime();
        await this.startSource();
        this.log('info', `source switched to ${next.source.type}; open windows fired, event time restarted`);
      }
    }
  }

  /**
   * End of one event-time stream: waits until the operator has processed everything queued, then
   * fires every open window and restarts the watermark for whatever stream comes next.
   */
  private async restartEventTime(): Promise<void> {
    while ((this.ingress.depth > 0 || !this.awaitingInput) && this.st !== 'stopping' && this.st !== 'stopped') {
      await new Promise<void>((r) => setImmediate(r));
    }
    await this.replaceOperator(false);
  }

  /**
   * Fires every open window of the current operator and replaces it with one built from the
   * config in force; `keepWatermark` carries the event-time clock over (same stream, new windows).
   */
  private async replaceOperator(keepWatermark: boolean): Promise<void> {
    const wm = this.operator.watermark;
    this.operator.advanceWatermark(Infinity, this.out);
    this.operator = this.buildOperator();
    if (keepWatermark && Number.isFinite(wm)) this.operator.advanceWatermark(wm, this.out);
    await this.drainOutput();
  }

  private buildOperator(): WindowOperator {
    const processing = this.cfg.timeMode === 'processing';
    return createWindowOperator({
      window: this.cfg.window,
      maxOutOfOrdernessMs: processing ? 0 : this.cfg.maxOutOfOrdernessMs,
      allowedLatenessMs: processing ? 0 : this.cfg.allowedLatenessMs,
      alertThreshold: this.cfg.alertThreshold,
      now: this.now,
    });
  }

  private stageFor(sink: Sink): SinkStage {
    return new SinkStage(sink, this.cfg.queues.sink, this.metrics, (level, msg) => this.log(level, msg));
  }

  private async addSink(sc: SinkConfig): Promise<void> {
    const sink = createSink(sc);
    const ready = (sink as { ready?: () => Promise<unknown> }).ready;
    if (typeof ready === 'function') await ready.call(sink);
    this.sinks.push({ key: JSON.stringify(sc), stage: this.stageFor(sink) });
  }

  private sourceOutput(name: string): SourceOutput {
    return {
      emit: (events) => {
        if (events.length === 0) return;
        this.metrics.received(name, 'source', events.length);
        this.metrics.sent(name, 'source', events.length);
        if (this.gate !== undefined) return this.gate.promise.then(() => this.enqueue(events));
        return this.enqueue(events);
      },
      reject: (records) => {
        if (records.length === 0) return;
        const byReason = new Map<string, number>();
        for (const r of records) byReason.set(r.reason, (byReason.get(r.reason) ?? 0) + 1);
        for (const [reason, n] of byReason) this.metrics.rejected(reason as DeadLetter['reason'], n);
        this.deadLetters.push(records);
      },
      bytesIn: (bytes) => this.metrics.bytesIn(name, bytes),
    };
  }

  private enqueue(events: StreamEvent[]): Promise<void> | void {
    if (this.ingress.isClosed) {
      this.metrics.dropped('ingress', 'shutdown', events.length);
      return;
    }
    return this.ingress.put(events);
  }

  private async startSource(): Promise<void> {
    const source =
      this.hostSource ??
      (await createSource(this.cfg.source, {
        metrics: this.metrics,
        now: this.now,
        isSaturated: () => this.ingress.policy !== 'block' && this.ingress.depth >= this.ingress.capacity,
      }));
    this.hostSource = undefined;
    this.source = source;
    // Live sources report their own connection state; generated and replayed input is simply running.
    if (this.cfg.source.type === 'sim' || this.cfg.source.type === 'file') this.metrics.connectionState(source.name, 'connected');
    const ended = () => {
      if (this.source !== source || this.st === 'stopping' || this.st === 'stopped') return;
      if (this.onSourceEnd === 'stop') {
        void this.stop(); // a finite source (file replay) ended, or the source failed: flush and finish
        return;
      }
      this.source = undefined;
      this.metrics.connectionState(source.name, 'stopped');
      this.log('warn', `source ${source.name} ended; its open windows fire now; the pipeline keeps running without a source`);
      // Nothing more arrives on this stream: its last windows must not wait for the idle timeout.
      void this.restartEventTime();
    };
    this.sourceRun = source.run(this.sourceOutput(source.name)).then(ended, (e: Error) => {
      this.failure ??= `source ${source.name} failed: ${e.message}`;
      this.metrics.errors(source.name, 'source', 'failed', 1);
      this.log('error', `source ${source.name} failed: ${e.message}`);
      ended();
    });
  }

  private async stopSource(): Promise<void> {
    const source = this.source;
    this.source = undefined;
    if (source === undefined) return;
    // A paused source waits on the gate inside emit(): let its last batch through so it can stop.
    const gate = this.gate;
    gate?.open();
    await source.stop();
    await this.sourceRun;
    this.metrics.connectionState(source.name, 'stopped');
    if (gate !== undefined && this.gate === gate) {
      let open!: () => void;
      const promise = new Promise<void>((r) => (open = r));
      this.gate = { promise, open };
    }
  }

  private async runOperator(): Promise<void> {
    let busySinceYield = 0;
    for (;;) {
      this.awaitingInput = true;
      const batch = await this.ingress.take();
      this.awaitingInput = false;
      if (batch === null) return;
      if (busySinceYield > YIELD_EVERY_MS) {
        // A fast source resolves every await at once (microtasks only): let timers, HTTP and signals
        // run. Counted in work, not wall time, so a consumer that keeps up rarely steps away (while
        // it does, the source fills the queue: that is backpressure, not an artefact).
        await new Promise<void>((r) => setImmediate(r));
        busySinceYield = 0;
      }
      const t0 = performance.now();
      const arrival = this.now();
      if (this.cfg.timeMode === 'processing') for (const e of batch) e.timestamp = arrival;
      this.lastArrivalMs = arrival;
      const accepted = this.operator.process(batch, arrival, this.out);
      this.metrics.received('window', 'operator', batch.length);
      this.metrics.processed(accepted);
      const blocked = this.drainOutput();
      const busyMs = performance.now() - t0;
      busySinceYield += busyMs;
      this.ingress.addBusyMs(busyMs);
      if (blocked !== undefined) await blocked;
    }
  }

  /** Publishes what the operator produced; returns a promise when a sink queue blocks. */
  private drainOutput(): Promise<unknown> | undefined {
    const out = this.out;
    this.out = emptyOutput();
    if (Number.isFinite(this.operator.watermark)) this.metrics.watermark(this.operator.watermark);
    for (const ms of out.latenciesMs) this.metrics.observeLatency(ms / 1000);
    if (out.late.length > 0) {
      this.metrics.late(out.late.length);
      this.late.push(out.late);
    }
    if (out.results.length === 0) return undefined;
    this.metrics.windowsEmitted(out.results.length);
    this.metrics.sent('window', 'operator', out.results.length);
    for (const cb of this.resultListeners) cb(out.results);
    let blocked: Promise<unknown>[] | undefined;
    for (const stage of [...this.sinks.map((r) => r.stage), ...this.hostSinks]) {
      const p = stage.offer(out.results);
      if (p !== undefined) (blocked ??= []).push(p);
    }
    return blocked === undefined ? undefined : Promise.all(blocked);
  }

  private tick(): void {
    if (this.st !== 'running' && this.st !== 'paused') return;
    const now = this.now();
    if (this.cfg.timeMode === 'processing') {
      this.operator.advanceWatermark(now, this.out);
    } else if (this.cfg.idleTimeoutMs > 0 && this.ingress.depth === 0 && Number.isFinite(this.operator.maxTimestamp)) {
      const idleMs = now - this.lastArrivalMs;
      if (idleMs >= this.cfg.idleTimeoutMs) {
        this.operator.advanceWatermark(this.operator.maxTimestamp - this.cfg.maxOutOfOrdernessMs + idleMs, this.out);
      }
    }
    void this.drainOutput();
  }

  private async shutdown(): Promise<void> {
    if (this.st === 'idle') {
      this.st = 'stopped';
      this.finish();
      return;
    }
    this.gate?.open();
    this.gate = undefined;
    this.st = 'stopping';
    await this.stopSource();
    this.ingress.close();
    await this.operatorLoop;
    if (this.ticker !== undefined) clearInterval(this.ticker);
    this.operator.advanceWatermark(Infinity, this.out);
    await this.drainOutput();
    await Promise.all([...this.sinks.map((r) => r.stage.close()), ...this.hostSinks.map((s) => s.close())]);
    await Promise.all([this.late.close(), this.deadLetters.close()]);
    await this.server?.close();
    this.st = 'stopped';
    this.log('info', 'pipeline stopped; all windows fired and sinks flushed');
    this.finish();
  }

  private log(level: LogLine['level'], msg: string): void {
    const line = { level, msg, at: this.now() };
    for (const cb of this.logListeners) cb(line);
  }
}
