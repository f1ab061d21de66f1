/**
 * The app contract: what the renderer may ask the host (commands) and what the host pushes back
 * (frames). One contract, two transports: Electron IPC (preload exposes `window.streamscope`) and
 * the web host's WebSocket (`/ws`). Pure TS + zod: nothing here may import Node, Electron or React.
 */
import { z } from 'zod';
import { QUEUE_POLICIES } from './types';
import type {
  DeadLetter,
  HistorySummary,
  LateEvent,
  MetricsSnapshot,
  QueuePolicy,
  WhatIfSettings,
  WhatIfState,
  WindowResult,
  WindowSpec,
} from './types';

/** Bumped when a message shape changes incompatibly. */
export const PROTOCOL_VERSION = 1;

/** Upper bound of the events/s slider and of `setRate`. */
export const MAX_RATE_EVENTS_PER_SEC = 100_000_000;

/** Caps of one frame: the host never sends more than these per frame (the rest is counted). */
export const FRAME_CAPS = { results: 500, late: 100, deadLetters: 100, logs: 100 } as const;

/** Frame period of the host, ms (one frame per subscriber at most this often). */
export const FRAME_INTERVAL_MS = 100;

/**
 * Largest number of slices (panes) one hopping window may span. Each event updates one slice, but a
 * firing and a late update touch every slice of a window; beyond this the spec is refused as a
 * mistake (24 h sliding by 1 ms would be 86 million) rather than allowed to exhaust memory.
 */
export const MAX_SLICES_PER_WINDOW = 100_000;

/** Greatest common divisor of two non-negative integers (Euclid). */
export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Slices per hopping window: size / gcd(size, slide). */
export function hoppingSlices(sizeMs: number, slideMs: number): number {
  return sizeMs / gcd(sizeMs, slideMs);
}

const positiveMs = z.number().int('must be a whole number of ms').positive('must be > 0');

/** tumbling {sizeMs} | hopping {sizeMs, slideMs ≤ sizeMs} | session {gapMs}; all in ms. */
export const windowSpecSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('tumbling'), sizeMs: positiveMs }).strict(),
    z.object({ kind: z.literal('hopping'), sizeMs: positiveMs, slideMs: positiveMs }).strict(),
    z.object({ kind: z.literal('session'), gapMs: positiveMs }).strict(),
  ])
  .refine((w) => w.kind !== 'hopping' || w.slideMs <= w.sizeMs, {
    message: 'hopping window slide must be <= size (otherwise events between windows belong to none)',
    path: ['slideMs'],
  })
  .refine((w) => w.kind !== 'hopping' || hoppingSlices(w.sizeMs, w.slideMs) <= MAX_SLICES_PER_WINDOW, {
    message: `hopping window too fine: size / gcd(size, slide) must be <= ${MAX_SLICES_PER_WINDOW} slices per window (24h sliding by 1s is 86,400 slices, by 1ms 86.4 million); use a coarser slide`,
    path: ['slideMs'],
  }) satisfies z.ZodType<WindowSpec>;

/** What a bounded queue does when full. */
export const queuePolicySchema = z.enum(QUEUE_POLICIES);

/** The source kinds the UI can choose; options are passed through to the engine's own schema. */
export const sourceTypeSchema = z.enum(['sim', 'system', 'file', 'mqtt', 'nats', 'http']);
export type SourceType = z.infer<typeof sourceTypeSchema>;

/** The sink names the UI can toggle and configure. */
export const sinkNameSchema = z.enum(['console', 'file', 'webhook', 'websocket', 'throttled']);
export type SinkName = z.infer<typeof sinkNameSchema>;

/** The settings of a what-if run (durations in ms). */
export const whatIfSettingsSchema = z
  .object({
    window: windowSpecSchema,
    alertThreshold: z.number().finite(),
    maxOutOfOrdernessMs: z.number().int().min(0).max(7 * 86_400_000),
    allowedLatenessMs: z.number().int().min(0).max(7 * 86_400_000),
  })
  .strict() satisfies z.ZodType<WhatIfSettings>;

/** Every command the renderer may send. Validated on the host side before anything runs. */
export const commandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start') }).strict(),
  z.object({ type: z.literal('stop') }).strict(),
  z.object({ type: z.literal('pause') }).strict(),
  z.object({ type: z.literal('resume') }).strict(),
  z
    .object({
      type: z.literal('setRate'),
      /** Events per second produced by the simulated source, 1..MAX_RATE_EVENTS_PER_SEC. */
      rateEventsPerSec: z.number().finite().min(1).max(MAX_RATE_EVENTS_PER_SEC),
    })
    .strict(),
  z.object({ type: z.literal('setWindow'), window: windowSpecSchema }).strict(),
  z.object({ type: z.literal('setAlertThreshold'), alertThreshold: z.number().finite() }).strict(),
  z
    .object({
      type: z.literal('setSource'),
      /** `type` picks the source; other keys are that source's options (validated by the engine). */
      source: z.object({ type: sourceTypeSchema }).catchall(z.unknown()),
    })
    .strict(),
  z
    .object({
      type: z.literal('setSink'),
      sink: sinkNameSchema,
      enabled: z.boolean(),
      /** Sink-specific options (url, port, path, …), merged into the sink's config by the host. */
      options: z.record(z.string(), z.unknown()).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('setTiming'),
      /** Event time (the events' timestamps) or processing time (arrival). */
      timeMode: z.enum(['event', 'processing']).optional(),
      /** Watermark delay behind the largest event time seen, ms. */
      maxOutOfOrdernessMs: z.number().int().min(0).max(86_400_000).optional(),
      /** How long a fired window still accepts late events (and re-emits), ms. */
      allowedLatenessMs: z.number().int().min(0).max(86_400_000).optional(),
      /** Advance the watermark after this long without input, ms (0 = never). */
      idleTimeoutMs: z.number().int().min(0).max(86_400_000).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('setQueue'),
      queue: z.enum(['ingress', 'sink']),
      policy: queuePolicySchema.optional(),
      maxEvents: z.number().int().min(1).max(10_000_000).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('whatIf'),
      /** `run` replays the retained history under the current and these settings; `cancel` stops a run. */
      action: z.enum(['run', 'cancel']),
      settings: whatIfSettingsSchema.optional(),
      /** The sensor to chart; default the first key of the history. */
      sensorId: z.string().max(1024).optional(),
    })
    .strict(),
  /** Switches the live pipeline to the last what-if's settings, seeding the new windows from the history. */
  z.object({ type: z.literal('applyWhatIf') }).strict(),
  /** Takes a checkpoint of the running pipeline now (replies once it is stored). */
  z.object({ type: z.literal('checkpointNow') }).strict(),
]);

/** A validated command. */
export type Command = z.infer<typeof commandSchema>;

/** Pipeline lifecycle, as the engine reports it. */
export type AppState = 'idle' | 'running' | 'paused' | 'stopping' | 'stopped';

/** One sink as the UI sees it. */
export interface UiSink {
  name: SinkName;
  enabled: boolean;
  options: Record<string, unknown>;
}

/** Event-time settings of the pipeline, ms. */
export interface UiTiming {
  timeMode: 'event' | 'processing';
  maxOutOfOrdernessMs: number;
  allowedLatenessMs: number;
  idleTimeoutMs: number;
}

/** The renderer-facing subset of the pipeline config. */
export interface UiConfig {
  /** The current source: `type` plus its options. */
  source: { type: SourceType } & Record<string, unknown>;
  /** Rate of the simulated source (events/s); null for sources without a rate. */
  rateEventsPerSec: number | null;
  window: WindowSpec;
  alertThreshold: number;
  /** Event-time settings, as the CLI has them (ms). */
  timing: UiTiming;
  sinks: UiSink[];
  queues: {
    ingress: { maxEvents: number; policy: QueuePolicy };
    sink: { maxEvents: number; policy: QueuePolicy };
  };
}

/** The app's checkpoints as the Checkpoints panel shows them (times ms since epoch, durations ms). */
export interface CheckpointStatus {
  /** Where they are stored (`<dataDir>/checkpoints`). */
  dir: string;
  /** Time between periodic checkpoints, ms (0 = only on demand and at shutdown). */
  intervalMs: number;
  /** Checkpoints completed and failed by the current pipeline. */
  completed: number;
  failed: number;
  /** The last completed checkpoint: epoch, when its cut was taken, how long it took, its size in bytes. */
  last?: { epoch: number; takenAtMs: number; durationMs: number; bytes: number };
  /** The checkpoint this run resumed from, when it resumed one. */
  resumedFrom?: { epoch: number; takenAtMs: number };
}

/** The host's state as the renderer sees it. */
export interface AppStatus {
  state: AppState;
  config: UiConfig;
  /** Prometheus endpoint of the engine's metrics server, when it runs. */
  metricsUrl?: string;
  transport: 'electron' | 'web';
  /** Present when the app takes checkpoints. */
  checkpoints?: CheckpointStatus;
}

/** The answer to every command: the new status, or a clear one-line reason. */
export type CommandReply = { ok: true; status: AppStatus } | { ok: false; error: string };

/** One log line of the engine or the host. `at` is ms since epoch. */
export interface LogLine {
  level: 'info' | 'warn' | 'error';
  msg: string;
  at: number;
}

/** One message per frame (every ~100 ms), never one per event or result. */
export interface Frame {
  /** Per-subscriber sequence number, from 1. */
  seq: number;
  /** Newest results since the last frame, at most FRAME_CAPS.results (oldest dropped first). */
  results: WindowResult[];
  /** Results emitted since the last frame but not included here (cap or slow consumer). */
  resultsSkipped: number;
  metrics: MetricsSnapshot;
  /** Newest late events since the last frame, capped. */
  late: LateEvent[];
  /** Newest dead letters since the last frame, capped. */
  deadLetters: DeadLetter[];
  logs: LogLine[];
  /** Present when the status changed since the last frame (and in the first frame). */
  status?: AppStatus;
  /** The retained history and the what-if settings in force (every frame, when the host keeps history). */
  whatIfContext?: { history: HistorySummary; current: WhatIfSettings };
  /** Present when the what-if state changed since the last frame (and in the first frame). */
  whatIf?: WhatIfState;
  /**
   * Only in a subscriber's first frame: the host's recent chart samples (metrics snapshots, oldest
   * first, at most one per 500 ms over the last ~5 min), so a reload or a second window starts with
   * the charts the first one had. That frame's results, late events, dead letters and logs carry
   * the host's recent ones too.
   */
  history?: MetricsSnapshot[];
}

/** Result of choosing an input file in the native open dialog (Electron). */
export type ChooseInputReply = { ok: true; path: string } | { ok: false; error: string };

/** Result of "Export output.jsonl". */
export type ExportReply =
  | { ok: true; fileName: 'output.jsonl'; path?: string; lines: number }
  | { ok: false; error: string };

/** What the preload exposes as window.streamscope in Electron, and what the web client implements over WebSocket. */
export interface StreamscopeApi {
  transport: 'electron' | 'web';
  /** Run one command; never rejects for a bad command (replies `{ok:false,error}`). */
  send(cmd: Command): Promise<CommandReply>;
  getStatus(): Promise<AppStatus>;
  /** Subscribe to frames; returns unsubscribe. */
  onFrame(cb: (frame: Frame) => void): () => void;
  /** electron: save dialog + copy; web: downloads GET /export/output.jsonl. */
  exportOutput(): Promise<ExportReply>;
  /**
   * Electron only: the native open dialog; the chosen file becomes readable by the file source
   * (the app reads no other file outside its data dir). Absent in the browser, where input files
   * come from the data dir and the web host's `--input-root` folders.
   */
  chooseInputFile?(): Promise<ChooseInputReply>;
}

/** IPC channel names (Electron). */
export { IPC } from './ipc-channels';

/** WebSocket messages, client → host: a command or a status request, correlated by `id`. */
export const wsClientMessageSchema = z.union([
  z.object({ id: z.number().int(), cmd: z.unknown() }).strict(),
  z.object({ id: z.number().int(), getStatus: z.literal(true) }).strict(),
]);

/** WebSocket messages, host → client. `hello` is sent once on connect. */
export type WsServerMessage =
  | { hello: { protocol: number; status: AppStatus } }
  | { id: number; reply: CommandReply }
  | { id: number; status: AppStatus }
  | { frame: Frame };

/** Path of the WebSocket endpoint and of the export download on the web host. */
export const WEB_PATHS = { ws: '/ws', export: '/export/output.jsonl', whatIfExport: '/export/whatif.jsonl' } as const;
