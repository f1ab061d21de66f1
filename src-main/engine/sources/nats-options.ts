/** Options of the nats source: zod schema and types (no transport import, so configs validate without loading the client library). */
import { z } from 'zod';
import { PartialFieldMappingSchema } from '../decode/field-mapping';

const NAME_RE = /^[A-Za-z0-9_-]+$/;

/** The fields of {@link natsSourceOptionsSchema} without its cross-field check (for `extend`). */
export const natsSourceFields = z
  .object({
    /** `host:port` or `nats://host:port`, one or several. */
    servers: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).default('127.0.0.1:4222'),
    /** JetStream stream name. */
    stream: z.string().regex(NAME_RE, { error: 'stream: letters, digits, _ and - only' }),
    /** Filter subject (and the stream's subject when createStream). Partitioned: must end in `.>` or `.*`. */
    subjects: z.string().min(1).default('streamscope.events.>'),
    /** Durable consumer name (per partition: `<durable>-p<p>`). */
    durable: z.string().regex(NAME_RE, { error: 'durable: letters, digits, _ and - only' }),
    /** Create the stream on `subjects` when it does not exist. */
    createStream: z.boolean().default(false),
    /** Scale-out: this instance reads only partitions `mine` of `count`. */
    partitions: z
      .object({
        count: z.number().int().min(1).max(4096),
        mine: z.array(z.number().int().min(0)).min(1),
      })
      .strict()
      .refine((p) => p.mine.every((m) => m < p.count), { error: 'partitions.mine: each must be < partitions.count' })
      .refine((p) => new Set(p.mine).size === p.mine.length, { error: 'partitions.mine: duplicates' })
      .optional(),
    /** Messages pulled and acked per batch (also the bound of messages buffered per consumer). */
    batch: z.number().int().min(1).max(10_000).default(256),
    /** Redelivery delay of unacked messages. */
    ackWaitMs: z.number().int().min(1000).default(30_000),
    mapping: PartialFieldMappingSchema.optional(),
    maxConnectAttempts: z.number().int().min(1).default(5),
    reconnectTimeWaitMs: z.number().int().min(10).default(1000),
    connectTimeoutMs: z.number().int().min(100).default(5000),
    /** On stop(), how long to wait for in-flight batches to be taken and acked. */
    stopGraceMs: z.number().int().min(0).default(5000),
    token: z.string().optional(),
    user: z.string().optional(),
    pass: z.string().optional(),
  })
  .strict();

/** Cross-field rule: partitioned subjects end in `.>` or `.*`. */
export const natsOptionsCheck: [(o: { partitions?: unknown; subjects: string }) => boolean, { error: string; path: string[] }] = [
  (o: { partitions?: unknown; subjects: string }) => !o.partitions || /\.[>*]$/.test(o.subjects),
  { error: 'subjects must end in ".>" or ".*" when partitions are set (partition p reads <base>.<p>)', path: ['subjects'] },
];

/** Options of {@link NatsSource} (zod schema; durations in ms). */
export const natsSourceOptionsSchema = natsSourceFields.refine(...natsOptionsCheck);

/** Options as accepted (defaults optional). */
export type NatsSourceOptionsInput = z.input<typeof natsSourceOptionsSchema>;
/** Options after validation. */
export type NatsSourceOptions = z.output<typeof natsSourceOptionsSchema>;

/**
 * Read position. `consumers[durable]`: highest stream sequence acked / delivered. `inFlight` (set
 * only while an emit is in progress): the stream sequence of each event of the batch being emitted,
 * index-aligned with the emitted array (a message holding an array yields several equal entries).
 */
