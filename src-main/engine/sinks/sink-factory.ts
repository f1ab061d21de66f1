/**
 * The sinks a pipeline writes to: one zod schema per sink kind (discriminated on `type`) and the
 * factory that builds it. Each sink's own options live next to its code; this file only routes.
 */
import { z } from 'zod';
import type { Sink } from '../component';
import { ConsoleSink, consoleSinkConfigSchema } from './console-sink';
import { JsonlFileSink, jsonlFileSinkConfigSchema } from './jsonl-file-sink';
import { ThrottledSink, throttledSinkConfigSchema } from './throttled-sink';
import { WebhookSink, webhookSinkConfigSchema } from './webhook-sink';
import type { SinkMetrics } from './sink-metrics';
import { WebSocketSink, webSocketSinkConfigSchema } from './websocket-sink';

/** Every sink kind the engine can run: `console`, `file` (JSONL), `webhook`, `websocket`, `throttled` (a slow demo downstream). */
export const sinkConfigSchema = z.discriminatedUnion('type', [
  consoleSinkConfigSchema,
  jsonlFileSinkConfigSchema,
  webhookSinkConfigSchema,
  webSocketSinkConfigSchema,
  throttledSinkConfigSchema,
]);

/** A validated sink configuration (defaults filled in). */
export type SinkConfig = z.infer<typeof sinkConfigSchema>;

/** A sink configuration as written by the user (defaults optional). */
export type SinkConfigInput = z.input<typeof sinkConfigSchema>;

/** Runtime dependencies of sinks (not part of the config). */
export interface SinkDeps {
  /** Where sinks report rotation discards and dead letters. */
  metrics?: SinkMetrics;
  /** Aborted when the host's shutdown deadline passed: sinks stop retrying and keep what is left. */
  shutdownSignal?: AbortSignal;
}

/**
 * Build the sink a configuration names. Accepts raw input too (it is validated here).
 * Throws a ZodError naming the field and the rule when the configuration is invalid.
 */
export function createSink(config: SinkConfig | SinkConfigInput, deps: SinkDeps = {}): Sink {
  const parsed = sinkConfigSchema.parse(config);
  switch (parsed.type) {
    case 'console':
      return new ConsoleSink(withoutType(parsed));
    case 'file':
      return new JsonlFileSink(withoutType(parsed), deps.metrics);
    case 'webhook':
      return new WebhookSink(withoutType(parsed), deps);
    case 'websocket':
      return new WebSocketSink(withoutType(parsed));
    case 'throttled':
      return new ThrottledSink(withoutType(parsed));
  }
}

/** The sink's own options: the config entry less its `type` discriminant. */
function withoutType<T extends { type: string }>(config: T): Omit<T, 'type'> {
  const { type: _type, ...options } = config;
  return options;
}
