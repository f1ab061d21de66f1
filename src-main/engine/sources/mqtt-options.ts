/** Options of the mqtt source: zod schema and types (no transport import, so configs validate without loading the client library). */
import { z } from 'zod';
import { PartialFieldMappingSchema } from '../decode/field-mapping';

const MQTT_PROTOCOLS = ['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:'];

/** The fields of {@link mqttSourceOptionsSchema} without its cross-field check (for `extend`). */
export const mqttSourceFields = z
  .object({
    /** Broker URL, `mqtt://host:port` (also mqtts, ws, wss). */
    url: z
      .string()
      .default('mqtt://127.0.0.1:1883')
      .refine((u) => URL.canParse(u) && MQTT_PROTOCOLS.includes(new URL(u).protocol), {
        error: (iss) => `url must be an MQTT URL like mqtt://127.0.0.1:1883 (got ${JSON.stringify(iss.input)})`,
      }),
    /** Topic filters, wildcards `+` (one level) and `#` (rest). */
    topics: z.array(z.string().min(1)).min(1, { error: 'topics: give at least one topic filter' }),
    /** 0 = at most once, 1 = at least once (PUBACK after the events are in the ingress queue). */
    qos: z.union([z.literal(0), z.literal(1)]).default(1),
    /** Index (0-based) of the topic level used as the event key, e.g. 1 for `sensors/+/temperature`. */
    keyFromTopicLevel: z.number().int().min(0).optional(),
    /** Where key, time, value and unit live in the payload (defaults: sensorId, timestamp, value, unit). */
    mapping: PartialFieldMappingSchema.optional(),
    clientId: z.string().min(1).optional(),
    /** false = persistent session: QoS 1 messages sent while disconnected are delivered on reconnect. */
    clean: z.boolean().default(true),
    username: z.string().optional(),
    password: z.string().optional(),
    /** First reconnect delay, doubled after each failed attempt. */
    reconnectPeriodMs: z.number().int().min(10).default(1000),
    /** Upper bound of the reconnect delay. */
    maxReconnectPeriodMs: z.number().int().min(10).default(30_000),
    connectTimeoutMs: z.number().int().min(100).default(5000),
    /** Failed attempts before the first connection after which `run()` rejects. */
    maxConnectAttempts: z.number().int().min(1).default(5),
    keepaliveSec: z.number().int().min(0).default(60),
  })
  .strict();

/** Cross-field rule: a key from the topic and a constant key exclude each other. */
export const mqttOptionsCheck: [(o: { keyFromTopicLevel?: number; mapping?: { key?: string } }) => boolean, { error: string; path: string[] }] = [
  (o: { keyFromTopicLevel?: number; mapping?: { key?: string } }) =>
    o.keyFromTopicLevel === undefined || !o.mapping?.key?.startsWith('='),
  { error: 'keyFromTopicLevel and a constant mapping.key (=…) exclude each other', path: ['keyFromTopicLevel'] },
];

/** Options of {@link MqttSource} (zod schema; all durations in ms). */
export const mqttSourceOptionsSchema = mqttSourceFields.refine(...mqttOptionsCheck);

/** Options as accepted (defaults optional). */
export type MqttSourceOptionsInput = z.input<typeof mqttSourceOptionsSchema>;
/** Options after validation. */
export type MqttSourceOptions = z.output<typeof mqttSourceOptionsSchema>;

/** Read position: number of messages handled so far (MQTT has no replayable offset). */
