/**
 * The parts of the engine's `PipelineConfig` the app reads and edits, structurally typed so the
 * app layer compiles against the engine's config without depending on its internals.
 */
import type { QueuePolicy, WindowSpec } from '../../src-shared/types';

/** One `sinks[]` entry: `type` names the sink, `enabled` toggles it, the rest are its options. */
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
  queues: {
    ingress: { maxEvents: number; policy: QueuePolicy };
    sink: { maxEvents: number; policy: QueuePolicy };
  };
  sinks: SinkEntry[];
  metrics: { host: string; port: number } | false;
}
