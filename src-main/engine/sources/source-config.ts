/**
 * The source a pipeline reads from: one zod schema per source kind (discriminated on `type`) and
 * the factory that builds it. Each source's own options live next to its code; this file only routes.
 */
import { z } from 'zod';
import type { Source } from '../component';
import { PartialFieldMappingSchema } from '../decode/field-mapping';
import { httpIngestOptionsSchema } from './http-ingest-source';
import type { SourceMetrics } from './live-source-support';
import { mqttOptionsCheck, mqttSourceFields } from './mqtt-options';
import { natsOptionsCheck, natsSourceFields } from './nats-options';
import { systemSourceOptionsSchema } from './system-options';

/** Simulated sensors: `sensors` keys emitting `rateEventsPerSec` in total, with out-of-order jitter. */
export const simSourceSchema = z
  .object({
    type: z.literal('sim'),
    sensors: z.number().int().min(1).max(1_000_000).default(10),
    rateEventsPerSec: z.number().min(1).max(100_000_000).default(1000),
    jitterMs: z.number().min(0).default(0),
    malformedRate: z.number().min(0).max(1).default(0),
    seed: z.number().int().optional(),
  })
  .strict();

/**
 * The simulated source of a live run, the same in the app and in `streamscope run`: 10 keys at
 * 1,000 events/s, event times out of order by up to 500 ms (within the 1 s default out-of-orderness,
 * so nothing is late), no malformed records. Late and malformed input are opt-in demo settings.
 */
export const LIVE_SIM_SOURCE = { type: 'sim', sensors: 10, rateEventsPerSec: 1000, jitterMs: 500, malformedRate: 0 } as const;

/** Replay of a JSONL / JSON / CSV file (`-` = stdin), as fast as possible or paced. */
export const fileSourceSchema = z
  .object({
    type: z.literal('file'),
    path: z.string().min(1),
    format: z.enum(['jsonl', 'json', 'csv']).optional(),
    mapping: PartialFieldMappingSchema.optional(),
    records: z.string().optional(),
    speed: z.union([z.number().positive(), z.literal('max')]).default('max'),
  })
  .strict();

/** MQTT subscription (mqtt-source.ts): topic filters, QoS 0/1, key from payload or a topic level. */
export const mqttSourceSchema = mqttSourceFields.extend({ type: z.literal('mqtt') }).refine(...mqttOptionsCheck);

/** NATS JetStream durable pull consumer(s) (nats-source.ts), at-least-once, optional partitions. */
export const natsSourceSchema = natsSourceFields.extend({ type: z.literal('nats') }).refine(...natsOptionsCheck);

/** `POST /ingest` on the engine's metrics server (http-ingest-source.ts): NDJSON or a JSON array. */
export const httpSourceSchema = httpIngestOptionsSchema.extend({ type: z.literal('http') });

/** This machine's CPU, memory, network and disk rates, every `intervalMs` (system-source.ts). */
export const systemSourceSchema = systemSourceOptionsSchema.extend({ type: z.literal('system') });

/** Every source kind the engine can run. */
export const sourceConfigSchema = z.discriminatedUnion('type', [
  simSourceSchema,
  fileSourceSchema,
  mqttSourceSchema,
  natsSourceSchema,
  httpSourceSchema,
  systemSourceSchema,
]);

/** A validated source configuration. */
export type SourceConfig = z.infer<typeof sourceConfigSchema>;

/** Runtime dependencies of the live sources (not part of the config). */
export interface SourceDeps {
  /** Where live sources report bytes in, parse errors, connection state and reconnects. */
  metrics?: SourceMetrics;
  /** Processing-time clock, ms since epoch. */
  now?: () => number;
  /** HTTP ingest: true while the ingress queue is full under a drop policy (answers 429). */
  isSaturated?: () => boolean;
  /** Checkpoints are on, every this many ms: a broker source acknowledges only what a checkpoint covers. */
  checkpointIntervalMs?: number;
}

/**
 * Build the source a configuration names. Each source module (and its client library: mqtt, NATS,
 * systeminformation) is loaded only when used, so a file replay starts fast.
 * Throws on options the source itself rejects.
 */
export async function createSource(config: SourceConfig, deps: SourceDeps = {}): Promise<Source> {
  const { metrics, now } = deps;
  switch (config.type) {
    case 'sim':
      return new (await import('./simulated-source')).SimulatedSource({ ...config, now });
    case 'file':
      return new (await import('./file-source')).FileSource({ ...config, now });
    case 'mqtt': {
      const { type: _t, ...opts } = config;
      return new (await import('./mqtt-source')).MqttSource(opts, { metrics, now });
    }
    case 'nats': {
      const { type: _t, ...opts } = config;
      return new (await import('./nats-source')).NatsSource(opts, { metrics, now, checkpointIntervalMs: deps.checkpointIntervalMs });
    }
    case 'http': {
      const { type: _t, ...opts } = config;
      const { HttpIngestSource } = await import('./http-ingest-source');
      return new HttpIngestSource(opts, { metrics, now, isSaturated: deps.isSaturated });
    }
    case 'system': {
      const { type: _t, ...opts } = config;
      return new (await import('./system-source')).SystemSource(opts, { metrics, now });
    }
  }
}
