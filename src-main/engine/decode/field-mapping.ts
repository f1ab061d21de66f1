/**
 * Where the key, event time, value and unit of an event live inside an input record.
 * Each path is a dot path into a JSON record (`properties.mag`) or a CSV column name (`temp_max`).
 * For `key` and `unit`, a path starting with `=` is a constant: `=seattle` gives every event the
 * key "seattle" (useful for CSV files with no sensor column).
 */
import { z } from 'zod';

/** How the event-time field is read. */
export type TimeUnit = 'ms' | 's' | 'iso' | 'auto';

/**
 * Field paths of one event inside a record.
 * - `timeUnit`: 'ms' = epoch ms number, 's' = epoch seconds number (fractional ok, rounded to ms),
 *   'iso' = ISO-8601 strings only, 'auto' = numbers are epoch ms and strings must be ISO-8601.
 * - `unit` absent or '' = events carry no unit.
 */
export interface FieldMapping {
  key: string;
  time: string;
  value: string;
  unit?: string;
  timeUnit: TimeUnit;
}

/** The mapping of the house format: `{"sensorId":…, "timestamp":…, "value":…, "unit":…}`. */
export const DEFAULT_MAPPING: Readonly<FieldMapping> = Object.freeze({
  key: 'sensorId',
  time: 'timestamp',
  value: 'value',
  unit: 'unit',
  timeUnit: 'auto',
});

const pathSchema = (role: string) =>
  z.string({ error: `${role} must be a field path string` }).min(1, { error: `${role} path must not be empty` });

/** zod schema of a complete FieldMapping (as found in a config file or UI command). */
export const FieldMappingSchema = z.object({
  key: pathSchema('key'),
  time: pathSchema('time').refine((p) => !p.startsWith('='), {
    error: 'time cannot be a constant (=…): event time must come from the record',
  }),
  value: pathSchema('value').refine((p) => !p.startsWith('='), {
    error: 'value cannot be a constant (=…): the value must come from the record',
  }),
  unit: z.string().optional(),
  timeUnit: z.enum(['ms', 's', 'iso', 'auto']),
});

/** zod schema of a partial mapping (fields not given fall back to DEFAULT_MAPPING). */
export const PartialFieldMappingSchema = FieldMappingSchema.partial();

/**
 * Complete a partial mapping with DEFAULT_MAPPING (undefined fields = default) and validate it.
 * @throws Error naming the bad field, its value and the rule.
 */
export function resolveMapping(partial?: Partial<FieldMapping>): FieldMapping {
  const merged: Record<string, unknown> = { ...DEFAULT_MAPPING };
  if (partial) {
    for (const [k, v] of Object.entries(partial)) if (v !== undefined) merged[k] = v;
  }
  const r = FieldMappingSchema.safeParse(merged);
  if (!r.success) {
    const msg = r.error.issues
      .map((i) => `${i.path.join('.') || 'mapping'}: ${i.message} (got ${JSON.stringify(merged[String(i.path[0])])})`)
      .join('; ');
    throw new Error(`invalid field mapping: ${msg}`);
  }
  return r.data as FieldMapping;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/**
 * Read a dot path from a record. An own key equal to the whole (remaining) path wins over splitting
 * it, so a CSV column or JSON key named "temp.max" is found by the path "temp.max". Returns
 * undefined when any step is missing or not an object. Only own properties are read.
 */
export function getPath(obj: unknown, path: string): unknown {
  if (!isObj(obj)) return undefined;
  if (Object.hasOwn(obj, path)) return obj[path];
  let dot = path.indexOf('.');
  while (dot >= 0) {
    const head = path.slice(0, dot);
    if (Object.hasOwn(obj, head)) {
      const found = getPath(obj[head], path.slice(dot + 1));
      if (found !== undefined) return found;
    }
    dot = path.indexOf('.', dot + 1);
  }
  return undefined;
}

/** A compiled accessor: record → field value (undefined when absent). */
export type FieldGetter = (rec: Record<string, unknown>) => unknown;

/**
 * Compile a path into a fast accessor. Plain names (no dot) read the own property directly; dotted
 * paths use getPath; `=text` (when `allowConstant`) always returns "text".
 */
export function compilePath(path: string, allowConstant: boolean): FieldGetter {
  if (allowConstant && path.startsWith('=')) {
    const constant = path.slice(1);
    return () => constant;
  }
  if (path.includes('.')) return (rec) => getPath(rec, path);
  if (path in Object.prototype || path === '__proto__') {
    return (rec) => (Object.hasOwn(rec, path) ? rec[path] : undefined);
  }
  return (rec) => rec[path];
}
