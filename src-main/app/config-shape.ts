/**
 * The parts of the engine's `PipelineConfig` the app reads and edits, structurally typed so the
 * app layer compiles against the engine's config without depending on its internals.
 */
import type { QueuePolicy, WindowSpec } from '../../src-shared/types';

/**
 * One sink setting of the app: `type` names the sink, `enabled` toggles it (absent = enabled), the
 * rest are its options. The engine's config holds only the enabled sinks, without `enabled`.
 */
export interface SinkEntry {
  type: string;
  enabled?: boolean;
  [option: string]: unknown;
}

/** What the app needs to find in a pipeline config. */
export interface AppConfigShape {
  source: { type: string; [option: string]: unknown };
  window: WindowSpec;
  alertThreshold: number;
  timeMode: 'event' | 'processing';
  maxOutOfOrdernessMs: number;
  allowedLatenessMs: number;
  idleTimeoutMs: number;
  queues: {
    ingress: { maxEvents: number; policy: QueuePolicy };
    sink: { maxEvents: number; policy: QueuePolicy };
  };
  /** The engine's sinks: the enabled ones. */
  sinks: Array<{ type: string; [option: string]: unknown }>;
  metrics: { host: string; port: number } | false;
}
