/** Options of the system source: zod schema and types (no transport import, so configs validate without loading the client library). */
import { z } from 'zod';

/** Options of {@link SystemSource} (zod schema). */
export const systemSourceOptionsSchema = z
  .object({
    /** Sampling period, ms. */
    intervalMs: z.number().int().min(100).max(3_600_000).default(1000),
    /** Prepended to every key, e.g. "host1." (default none). */
    keyPrefix: z.string().default(''),
    /** Network interfaces to report (default: all). */
    interfaces: z.array(z.string().min(1)).optional(),
  })
  .strict();

/** Options as accepted (defaults optional). */
export type SystemSourceOptionsInput = z.input<typeof systemSourceOptionsSchema>;
/** Options after validation. */
export type SystemSourceOptions = z.output<typeof systemSourceOptionsSchema>;
