/**
 * The host-side app controller, shared by the Electron main process and the web host: owns one
 * pipeline, validates and runs UI commands, and batches the pipeline's streams into one `Frame`
 * per subscriber every ~100 ms. Transport-agnostic: it knows nothing of IPC or WebSocket.
 */
import { mkdir } from 'node:fs/promises';
import {
  FRAME_INTERVAL_MS,
  commandSchema,
  type AppStatus,
  type Command,
  type CommandReply,
  type Frame,
  type LogLine,
  type SinkName,
} from '../../src-shared/contract';
import type { MetricsSnapshot, WhatIfSettings } from '../../src-shared/types';
import { CheckpointMismatchError } from '../engine/checkpoint/coordinator';
import type { HistoryBudget } from '../engine/history/event-history';
import { WhatIfService } from '../engine/whatif/what-if-service';
import { AppPaths } from './access/app-paths';
import { APP_CHECKPOINT_INTERVAL_MS, AppCheckpoints } from './app-checkpoints';
import { confineSinks, confineSource, type AppAccess } from './access/confine';
import { commandToPatch, engineSinks, sinkSettingsOf } from './command-patch';
import type { AppConfigShape, SinkEntry } from './config-shape';
import { defaultPipelineInput, outputPath } from './default-config';
import { FrameBuilder } from './frame-builder';
import { RecentHistory } from './history/recent-history';
import { snapshotOutput, type OutputSnapshot } from './output-snapshot';
import type { PipelineHooks, PipelinePort } from './pipeline-port';
import { isPortFree } from './port-probe';
import { toUiConfig, UI_SINKS } from './ui-config';

/** Options of {@link AppController}. */
export interface AppControllerOptions<C extends AppConfigShape> {
  transport: 'electron' | 'web';
  /** Where output.jsonl and the side outputs live; created if missing. */
  dataDir: string;
  /** Build a pipeline from a raw config; throws (one clear line) on an invalid config. */
  createPipeline: (input: unknown, hooks?: PipelineHooks) => PipelinePort<C>;
  /** Budget of the retained history the what-if panel replays (default 256 MB of columns). */
  history?: HistoryBudget;
  /** Raw config input; default {@link defaultPipelineInput}. */
  config?: Record<string, unknown>;
  /** Metrics server address, or false for none (default 127.0.0.1:9090). Ignored when `config` is given. */
  metrics?: { host: string; port: number } | false;
  /** Start the pipeline in `init()` (default true). */
  autoStart?: boolean;
  /** Frame period, ms (default 100). */
  frameIntervalMs?: number;
  /**
   * What the app may read, write and listen on (default: read and write only the data dir, listen
   * on loopback only). Every command's paths and sink hosts are checked against it; the app's files
   * are only ever appended to, never truncated.
   */
  access?: AppAccess;
  /** Host log sink (stdout in the web host); every engine and controller log line goes here too. */
  log?: (line: LogLine) => void;
  /**
   * Checkpoints in `<dataDir>/checkpoints/` (default every 10 s, resumed at startup, a final one at
   * close()); false = none. See app-checkpoints.ts for what they mean across reconfigures.
   */
  checkpoints?: { intervalMs: number } | false;
}

/** One frame subscriber: `send` receives frames; `canSend` false skips a frame (buffers stay bounded). */
export interface FrameSubscriber {
  send(frame: Frame): void;
  canSend?(): boolean;
}

/** A message for one line: ZodError issues joined, other errors' message. */
export function errorMessage(err: unknown): string {
  if (err && typeof err === 'object' && 'issues' in err && Array.isArray((err as { issues: unknown[] }).issues)) {
    const issues = (err as { issues: Array<{ path: PropertyKey[]; message: string }> }).issues;
    return issues.map((i) => `${i.path.length ? i.path.map(String).join('.') + ': ' : ''}${i.message}`).join('; ');
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

const EMPTY_METRICS: MetricsSnapshot = {
  at: 0,
  uptimeMs: 0,
  eventsReceived: 0,
  eventsProcessed: 0,
  eventsDropped: 0,
  eventsRejected: 0,
  lateEvents: 0,
  windowsEmitted: 0,
  backpressureEvents: 0,
  sinkErrors: 0,
  rates: { receivedPerSec: 0, processedPerSec: 0, droppedPerSec: 0, rejectedPerSec: 0, latePerSec: 0, emittedPerSec: 0 },
  watermark: null,
  watermarkLagMs: null,
  rejectedByReason: {},
  queues: [],
  sources: [],
  sinks: [],
  latencySeconds: { p50: null, p99: null },
};

/**
 * Owns one pipeline and its subscribers. Call `init()` once, then `command()`, `status()`,
 * `subscribe()`, `exportSnapshot()`; `close()` stops everything. No method throws for bad input.
 */
export class AppController<C extends AppConfigShape = AppConfigShape> {
  private pipeline: PipelinePort<C> | null = null;
  /**
   * Settings of the sinks the user turned off, kept so that turning one on again restores its
   * options. The enabled sinks' settings are the engine's `config.sinks` (the one source of truth).
   */
  private parkedSinks: SinkEntry[] = [];
  private unhook: Array<() => void> = [];
  private sideOutputsHooked = false;
  private readonly subscribers = new Map<FrameSubscriber, FrameBuilder>();
  /** What a new subscriber (a reload, a second window) gets at once. */
  private readonly history = new RecentHistory();
  private timer: ReturnType<typeof setInterval> | null = null;
  /** Commands run one at a time, in arrival order. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly access: AppAccess;
  private readonly ckpts?: AppCheckpoints;
  /** The retained history and the what-if runs over it. */
  readonly whatIf: WhatIfService;

  constructor(private readonly opts: AppControllerOptions<C>) {
    this.access = opts.access ?? { paths: new AppPaths({ dataDir: opts.dataDir }), net: { remote: false } };
    this.whatIf = new WhatIfService(opts.history);
    if (opts.checkpoints !== false) {
      this.ckpts = new AppCheckpoints(opts.dataDir, opts.checkpoints?.intervalMs ?? APP_CHECKPOINT_INTERVAL_MS, (level, msg) => this.emitLog(level, msg));
    }
  }

  /** Create the data dir, probe the metrics port, build (and by default start) the pipeline. Throws on an invalid config. */
  async init(): Promise<void> {
    await mkdir(this.opts.dataDir, { recursive: true });
    let input: Record<string, unknown> = await this.confineConfig(
      this.opts.config ?? defaultPipelineInput({ dataDir: this.opts.dataDir, metrics: this.opts.metrics }),
    );
    const metrics = input.metrics as { host: string; port: number } | false | undefined;
    if (metrics && !(await isPortFree(metrics.host, metrics.port))) {
      this.emitLog('warn', `metrics server: ${metrics.host}:${metrics.port} is in use (EADDRINUSE); continuing without it`);
      input = { ...input, metrics: false };
    }
    const settings = await confineSinks(sinkSettingsOf(input.sinks), this.access);
    this.parkedSinks = settings.filter((s) => s.enabled === false);
    this.attach(this.opts.createPipeline({ ...input, sinks: engineSinks(settings) }, this.hooks()));
    if (this.opts.autoStart !== false) {
      const reply = await this.command({ type: 'start' });
      if (!reply.ok) this.emitLog('error', `start failed: ${reply.error}`);
    }
  }

  /** The current status (state, UI config, metrics URL, transport). */
  status(): AppStatus {
    const p = this.requirePipeline();
    const status: AppStatus = { state: p.state, config: toUiConfig(p.config, this.sinkSettings(p.config)), transport: this.opts.transport };
    if (p.metricsServer) status.metricsUrl = p.metricsServer.url;
    if (this.ckpts && p.checkpoints) status.checkpoints = this.ckpts.status(p);
    return status;
  }

  /** Validate and run one command. Never throws: invalid or failing commands reply `{ok:false,error}`. */
  command(raw: unknown): Promise<CommandReply> {
    const parsed = commandSchema.safeParse(raw);
    if (!parsed.success) {
      const type = raw && typeof raw === 'object' && 'type' in raw ? String((raw as { type: unknown }).type) : '?';
      return Promise.resolve({ ok: false, error: `invalid command (type ${type}): ${errorMessage(parsed.error)}` });
    }
    const run = this.queue.then(() => this.run(parsed.data));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Register a frame subscriber; frames start on the next tick. Returns unsubscribe. */
  subscribe(sub: FrameSubscriber): () => void {
    const builder = new FrameBuilder();
    this.history.seed(builder);
    this.subscribers.set(sub, builder);
    this.ensureTimer();
    return () => {
      this.subscribers.delete(sub);
      if (this.subscribers.size === 0) this.stopTimer();
    };
  }

  /** Every sink the app knows, in the UI's order: the engine's (enabled) sinks and the parked ones. */
  private sinkSettings(config: C): SinkEntry[] {
    const enabled: SinkEntry[] = config.sinks.map((s) => ({ ...s, enabled: true }));
    const all = [...enabled, ...this.parkedSinks.filter((p) => !enabled.some((e) => e.type === p.type))];
    const rank = (s: SinkEntry) => {
      const i = UI_SINKS.indexOf(s.type as SinkName);
      return i < 0 ? UI_SINKS.length : i;
    };
    return all.sort((a, b) => rank(a) - rank(b));
  }

  /**
   * Allow the file source to read one file the user picked in a native open dialog (Electron).
   * Returns its real path, to use in `setSource`. Throws when it does not exist.
   */
  allowPickedInput(path: string): Promise<string> {
    return this.access.paths.allowPickedFile(path);
  }

  /** Path of the file sink's output (the configured one, else `<dataDir>/output.jsonl`). */
  outputFile(): string {
    const file = this.pipeline === null ? undefined : this.sinkSettings(this.pipeline.config).find((s) => s.type === 'file');
    return typeof file?.path === 'string' ? file.path : outputPath(this.opts.dataDir);
  }

  /**
   * The complete-lines prefix of output.jsonl, for an export. Only the app's own output is exported.
   * Throws an Error with a clear message (no output yet, or the file is not inside the data dir).
   */
  async exportSnapshot(): Promise<OutputSnapshot> {
    const file = this.outputFile();
    const snap = await snapshotOutput(file);
    if (!(await this.access.paths.isOwnFile(file))) throw new Error(`export: ${file} is not the app's own output (outside its data dir)`);
    return snap;
  }

  /**
   * Writes the last what-if run's results as JSON Lines (web host: GET /export/whatif.jsonl).
   * @throws Error when there is no run, or its events were overwritten since.
   */
  exportWhatIf(write: (chunk: string) => Promise<void> | void): Promise<number> {
    return this.whatIf.exportLines(write);
  }

  /** Stop the pipeline (flushing sinks) and the frame timer. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopTimer();
    this.subscribers.clear();
    await this.queue;
    const p = this.pipeline;
    if (p && p.state !== 'stopped' && p.state !== 'idle') {
      try {
        // With checkpoints, a final one keeps the open windows for the next start.
        await (this.ckpts && p.suspend ? p.suspend() : p.stop());
      } catch (err) {
        this.emitLog('error', `stop failed: ${errorMessage(err)}`);
      }
    }
    for (const off of this.unhook) off();
    this.unhook = [];
  }

  private async run(cmd: Command): Promise<CommandReply> {
    if (this.closed) return { ok: false, error: 'the app is shutting down' };
    try {
      const p = this.requirePipeline();
      switch (cmd.type) {
        case 'start':
          if (p.state === 'paused') p.resume();
          else if (p.state === 'idle') await this.startResuming(p);
          else if (p.state === 'stopped') await this.startPipeline(this.rebuild(p));
          else if (p.state === 'stopping') return { ok: false, error: 'start: the pipeline is still stopping; try again' };
          break;
        case 'stop':
          if (p.state === 'running' || p.state === 'paused') await p.stop();
          break;
        case 'pause':
          if (p.state !== 'running') return { ok: false, error: `pause: the pipeline is ${p.state}, not running` };
          p.pause();
          break;
        case 'resume':
          if (p.state !== 'paused') return { ok: false, error: `resume: the pipeline is ${p.state}, not paused` };
          p.resume();
          break;
        case 'whatIf':
          if (cmd.action === 'cancel') this.whatIf.cancel();
          else if (cmd.settings === undefined) return { ok: false, error: 'whatIf run: settings are required' };
          else void this.whatIf.run(this.currentSettings(p), cmd.settings, cmd.sensorId);
          break;
        case 'applyWhatIf': {
          const s = this.whatIf.proposed;
          if (s === undefined) return { ok: false, error: 'applyWhatIf: run a what-if first' };
          const patch = { window: s.window, alertThreshold: s.alertThreshold, maxOutOfOrdernessMs: s.maxOutOfOrdernessMs, allowedLatenessMs: s.allowedLatenessMs };
          await p.reconfigure(patch as never, { seedOperator: (o) => this.whatIf.seed(o) });
          await this.newLineage(p, 'the window settings (applied what-if)');
          break;
        }
        case 'checkpointNow': {
          if (!this.ckpts || !p.checkpoints) return { ok: false, error: 'checkpointNow: checkpoints are off (started with --no-checkpoints)' };
          if (p.state !== 'running') return { ok: false, error: `checkpointNow: the pipeline is ${p.state}; checkpoints are taken while it runs` };
          const info = await p.checkpoints.checkpoint();
          if (info === undefined) return { ok: false, error: 'checkpointNow: the pipeline stopped before the checkpoint was taken' };
          this.emitLog('info', `checkpoint ${info.epoch} taken on request: ${info.bytes} bytes in ${Math.round(info.durationMs)} ms`);
          break;
        }
        default: {
          const confined = cmd.type === 'setSource' ? { ...cmd, source: await confineSource(cmd.source, this.access) } : cmd;
          const patch = commandToPatch(confined, p.config, this.sinkSettings(p.config));
          if (!patch.ok) return patch;
          if (patch.sinkSettings) {
            patch.sinkSettings = await confineSinks(patch.sinkSettings, this.access);
            patch.patch.sinks = engineSinks(patch.sinkSettings);
          }
          await p.reconfigure(patch.patch as never);
          if (patch.sinkSettings) this.parkedSinks = patch.sinkSettings.filter((s) => s.enabled === false);
          // A new source is a new event-time stream: the history of the old one no longer applies.
          if (cmd.type === 'setSource') this.whatIf.clearHistory();
          if (cmd.type === 'setSource' || cmd.type === 'setWindow') await this.newLineage(p, cmd.type === 'setSource' ? 'the source' : 'the window');
        }
      }
      return { ok: true, status: this.status() };
    } catch (err) {
      const error = `${cmd.type}: ${errorMessage(err)}`;
      this.emitLog('warn', error);
      return { ok: false, error };
    }
  }

  /** The initial config with its source, sinks and side outputs confined to what the app may touch. */
  private async confineConfig(input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const out = { ...input };
    const source = input.source as { type: string; [k: string]: unknown } | undefined;
    if (source && typeof source === 'object') out.source = await confineSource(source, this.access);
    for (const key of ['lateOutput', 'deadLetter'] as const) {
      if (typeof input[key] === 'string') out[key] = await this.access.paths.output(input[key]);
    }
    return out;
  }

  /**
   * The first start: resume the newest checkpoint. One taken with other settings is set aside and
   * the app starts fresh; one of a run that had fired every window (Stop) leaves nothing to resume.
   */
  private async startResuming(p: PipelinePort<C>): Promise<void> {
    try {
      await this.startPipeline(p);
    } catch (err) {
      if (!(err instanceof CheckpointMismatchError) || !this.ckpts) throw err;
      await this.ckpts.setAside(err.message);
      await this.startPipeline(this.rebuild(p));
      return;
    }
    const r = p.resumedFrom;
    if (r === undefined) return;
    if (r.finished) {
      this.emitLog('info', `checkpoint ${r.epoch} was taken after Stop fired every window: nothing to resume; starting fresh`);
      await p.stop();
      await this.startPipeline(this.rebuild(p));
      return;
    }
    this.emitLog('info', `resumed from checkpoint ${r.epoch} (taken ${new Date(r.takenAtMs).toISOString()}) in ${r.where}: ${r.position}`);
  }

  /** After a live reconfigure of `what` that changes what a checkpoint must match: a new lineage (app-checkpoints.ts). */
  private async newLineage(p: PipelinePort<C>, what: string): Promise<void> {
    if (this.ckpts && p.state === 'running') await this.ckpts.newLineage(p, what);
  }

  /** Start `p`; if its metrics port was taken meanwhile, retry once without the metrics server. */
  private async startPipeline(p: PipelinePort<C>): Promise<void> {
    try {
      await p.start();
      this.hookSideOutputs(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !p.config.metrics) throw err;
      this.emitLog('warn', `metrics server: ${errorMessage(err)}; continuing without it`);
      const q = this.rebuild(p, { metrics: false });
      await q.start();
      this.hookSideOutputs(q);
    }
  }

  /**
   * Replace a stopped pipeline with a fresh one of the same config (plus `override`). After Stop
   * (every window fired) its checkpoints start a new lineage.
   */
  private rebuild(p: PipelinePort<C>, override: Record<string, unknown> = {}): PipelinePort<C> {
    const next = this.opts.createPipeline({ ...p.config, ...override }, this.hooks(p.state === 'stopped'));
    this.attach(next);
    return next;
  }

  /** The taps and checkpoint options of the next pipeline; `fresh` discards stored checkpoints. */
  private hooks(fresh = false): PipelineHooks {
    return { onOperatorInput: this.whatIf.tap, ...(this.ckpts ? { checkpoints: this.ckpts.options(fresh) } : {}) };
  }

  /** The window settings in force, as a what-if compares them (processing time: no out-of-orderness, no lateness). */
  private currentSettings(p: PipelinePort<C>): WhatIfSettings {
    const c = p.config;
    const processing = c.timeMode === 'processing';
    return {
      window: c.window,
      alertThreshold: c.alertThreshold,
      maxOutOfOrdernessMs: processing ? 0 : c.maxOutOfOrdernessMs ?? 0,
      allowedLatenessMs: processing ? 0 : c.allowedLatenessMs ?? 0,
    };
  }

  private attach(p: PipelinePort<C>): void {
    for (const off of this.unhook) off();
    this.pipeline = p;
    this.sideOutputsHooked = false;
    this.unhook = [
      p.onResults((batch) => {
        this.history.addResults(batch);
        for (const b of this.subscribers.values()) b.addResults(batch);
      }),
      p.onLog((line) => this.forwardLog(line)),
    ];
  }

  /**
   * Subscribe to late events and dead letters once the pipeline has started (the engine creates
   * its side outputs in start()). Idempotent per pipeline.
   */
  private hookSideOutputs(p: PipelinePort<C>): void {
    if (this.sideOutputsHooked || p !== this.pipeline) return;
    try {
      this.unhook.push(
        p.onLate((batch) => {
          this.history.addLate(batch);
          for (const b of this.subscribers.values()) b.addLate(batch);
        }),
        p.onDeadLetter((batch) => {
          this.history.addDeadLetters(batch);
          for (const b of this.subscribers.values()) b.addDeadLetters(batch);
        }),
      );
      this.sideOutputsHooked = true;
    } catch (err) {
      this.emitLog('warn', `late events / dead letters not streamed to the UI: ${errorMessage(err)}`);
    }
  }

  private emitLog(level: LogLine['level'], msg: string): void {
    this.forwardLog({ level, msg, at: Date.now() });
  }

  private forwardLog(line: LogLine): void {
    this.opts.log?.(line);
    this.history.addLog(line);
    for (const b of this.subscribers.values()) b.addLog(line);
  }

  private requirePipeline(): PipelinePort<C> {
    if (!this.pipeline) throw new Error('the app controller is not initialised (call init() first)');
    return this.pipeline;
  }

  private ensureTimer(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => this.tick(), this.opts.frameIntervalMs ?? FRAME_INTERVAL_MS);
    this.timer.unref?.();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Build and deliver one frame per ready subscriber; a metrics snapshot is taken once per tick. */
  private tick(): void {
    if (!this.pipeline || this.subscribers.size === 0) return;
    let metrics: MetricsSnapshot;
    let status: AppStatus;
    try {
      metrics = this.pipeline.metrics.snapshot();
      status = this.status();
    } catch (err) {
      metrics = { ...EMPTY_METRICS, at: Date.now() };
      status = { state: this.pipeline.state, config: toUiConfig(this.pipeline.config, this.sinkSettings(this.pipeline.config)), transport: this.opts.transport };
      this.emitLog('error', `metrics snapshot failed: ${errorMessage(err)}`);
    }
    this.history.addMetrics(metrics);
    const whatIf = { whatIfContext: { history: this.whatIf.history.summary(), current: this.currentSettings(this.pipeline) }, whatIf: this.whatIf.state };
    for (const [sub, builder] of this.subscribers) {
      try {
        if (sub.canSend && !sub.canSend()) continue;
        sub.send(builder.take(metrics, status, whatIf));
      } catch (err) {
        this.opts.log?.({ level: 'warn', msg: `frame delivery failed: ${errorMessage(err)}`, at: Date.now() });
      }
    }
  }
}
