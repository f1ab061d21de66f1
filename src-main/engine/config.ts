/**
 * The pipeline's configuration: one zod schema with defaults, shared by the CLI (`--config FILE`
 * and flags), the app's controls and the tests. Durations may be numbers of ms or strings such as
 * "5s"; windows may be objects or strings such as "hopping:10s:2s".
 */
import { z } from 'zod';
import { sinkConfigSchema } from './sinks/sink-factory';
import { sourceConfigSchema } from './sources/source-config';
import { parseDuration } from './time/duration';
import { queuePolicySchema, windowSpecSchema } from '../../src-shared/contract';
import { parseWindowSpec } from './windows/window-spec';

/** A configuration error: `message` is one line naming the field, the value and the rule. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A zod field that accepts text parsed by `parse` (its error message becomes the issue) or a value. */
function textOr<T extends z.ZodType>(parse: (text: string) => unknown, schema: T) {
  return z.preprocess((v, ctx) => {
    if (typeof v !== 'string') return v;
    try {
      return parse(v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
      return z.NEVER;
    }
  }, schema);
}

const durationMs = textOr(parseDuration, z.number().min(0, 'must be >= 0'));

const windowField = textOr(parseWindowSpec, windowSpecSchema);

const queueSchema = z
  .object({
    maxEvents: z.number().int().min(1).default(100_000),
    policy: queuePolicySchema.default('block'),
  })
  .strict();

/** zod schema of a whole pipeline configuration (defaults filled in). */
export const pipelineConfigSchema = z
  .object({
    source: sourceConfigSchema.default(() => sourceConfigSchema.parse({ type: 'sim' })),
    window: windowField.default({ kind: 'tumbling', sizeMs: 5000 }),
    timeMode: z.enum(['event', 'processing']).default('event'),
    maxOutOfOrdernessMs: durationMs.default(0),
    allowedLatenessMs: durationMs.default(0),
    /** Processing time without input after which the watermark advances on its own (0 = never). */
    idleTimeoutMs: durationMs.default(0),
    alertThreshold: z.number().default(80),
    queues: z
      .object({
        ingress: queueSchema.default({ maxEvents: 100_000, policy: 'block' }),
        // A slow sink must not stall the others unless the user asks for `block`.
        sink: queueSchema.default({ maxEvents: 100_000, policy: 'drop-oldest' }),
      })
      .strict()
      .default({ ingress: { maxEvents: 100_000, policy: 'block' }, sink: { maxEvents: 100_000, policy: 'drop-oldest' } }),
    sinks: z.array(sinkConfigSchema).default(() => [sinkConfigSchema.parse({ type: 'console' })]),
    /** JSONL file for late events (side output); none if absent. */
    lateOutput: z.string().min(1).optional(),
    /** JSONL file for rejected input (dead letters); none if absent. */
    deadLetter: z.string().min(1).optional(),
    metrics: z
      .union([
        z.object({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(9090) }).strict(),
        z.literal(false),
      ])
      .default({ host: '127.0.0.1', port: 9090 }),
  })
  .strict();

/** A validated pipeline configuration. */
export type PipelineConfig = z.infer<typeof pipelineConfigSchema>;

/** Formats the first zod issue as one line: `field.path: message (got value)`. */
export function describeZodError(error: z.ZodError, input?: unknown): string {
  const issue = error.issues[0];
  const path = issue.path.join('.');
  let got = '';
  if (input !== undefined && issue.path.length > 0) {
    let v: unknown = input;
    for (const p of issue.path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p as PropertyKey] : undefined;
    if (v !== undefined) got = ` (got ${JSON.stringify(v)})`;
  }
  return `${path === '' ? 'config' : path}: ${issue.message}${got}`;
}

/**
 * Validates a configuration and fills in defaults.
 * @throws ConfigError with one line naming the field, the value and the rule.
 */
export function parseConfig(input: unknown): PipelineConfig {
  const r = pipelineConfigSchema.safeParse(input ?? {});
  if (!r.success) throw new ConfigError(describeZodError(r.error, input));
  return r.data;
}
