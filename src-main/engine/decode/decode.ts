/**
 * Edge decoding and validation: turn one input record (a parsed JSON value, a CSV row, an NDJSON
 * line) into a StreamEvent, or reject it with a RejectReason and a detail naming the field, the
 * value and the rule. A hand-written fast path accepts well-formed records; anything it refuses is
 * re-checked by a zod schema, whose issues become the reason and the detail.
 */
import { z } from 'zod';
import type { DeadLetter, RejectReason, StreamEvent } from '../../../src-shared/types';
import { compilePath, resolveMapping, type FieldGetter, type FieldMapping, type TimeUnit } from './field-mapping';
import { LineScanner } from './line-scanner';
import { MAX_EPOCH_MS, parseIsoTime, parseNumberText } from './scalars';

/** Outcome of decoding one record. */
export type DecodeResult =
  | { ok: true; event: StreamEvent }
  | { ok: false; reason: RejectReason; detail: string };

type Role = 'key' | 'time' | 'value' | 'unit';

interface Compiled {
  mapping: FieldMapping;
  getKey: FieldGetter;
  getTime: FieldGetter;
  getValue: FieldGetter;
  getUnit: FieldGetter | null;
  timeUnit: TimeUnit;
  schemas: { json?: z.ZodType; text?: z.ZodType };
}

const compiledCache = new WeakMap<FieldMapping, Compiled>();

function compile(mapping: FieldMapping): Compiled {
  let c = compiledCache.get(mapping);
  if (c === undefined) {
    c = {
      mapping,
      getKey: compilePath(mapping.key, true),
      getTime: compilePath(mapping.time, false),
      getValue: compilePath(mapping.value, false),
      getUnit: mapping.unit ? compilePath(mapping.unit, true) : null,
      timeUnit: mapping.timeUnit,
      schemas: {},
    };
    compiledCache.set(mapping, c);
  }
  return c;
}

// ---------------------------------------------------------------------------------------------
// Fast path: returns the event, or undefined when anything is off (then the zod path explains why).

function fastTime(raw: unknown, unit: TimeUnit, text: boolean): number | undefined {
  let t: number | undefined;
  if (typeof raw === 'number') {
    if (unit === 'iso') return undefined;
    t = unit === 's' ? Math.round(raw * 1000) : raw;
  } else if (typeof raw === 'string') {
    if (text && unit !== 'iso') {
      const n = parseNumberText(raw);
      if (n !== undefined) t = unit === 's' ? Math.round(n * 1000) : n;
      else if (unit === 'auto') t = parseIsoTime(raw);
    } else if (unit === 'auto' || unit === 'iso') {
      t = parseIsoTime(raw);
    }
  }
  if (t === undefined || !(t >= -MAX_EPOCH_MS && t <= MAX_EPOCH_MS)) return undefined;
  return t;
}

function fastDecode(c: Compiled, rec: Record<string, unknown>, text: boolean): StreamEvent | undefined {
  const sensorId = c.getKey(rec);
  if (typeof sensorId !== 'string') return undefined;
  const rawValue = c.getValue(rec);
  let value: number | undefined;
  if (typeof rawValue === 'number') value = rawValue;
  else if (text && typeof rawValue === 'string') value = parseNumberText(rawValue);
  if (value === undefined || !Number.isFinite(value)) return undefined;
  const rawTime = c.getTime(rec);
  const timestamp =
    typeof rawTime === 'number' && c.timeUnit !== 's' && c.timeUnit !== 'iso'
      ? rawTime >= -MAX_EPOCH_MS && rawTime <= MAX_EPOCH_MS
        ? rawTime
        : undefined
      : fastTime(rawTime, c.timeUnit, text);
  if (timestamp === undefined) return undefined;
  if (c.getUnit !== null) {
    const unit = c.getUnit(rec);
    if (typeof unit === 'string') {
      if (unit !== '' || !text) return { sensorId, timestamp, value, unit };
    } else if (unit !== undefined) {
      return undefined;
    }
  }
  return { sensorId, timestamp, value };
}

// ---------------------------------------------------------------------------------------------
// Slow path: a zod schema over the extracted fields, per mapping and per input kind (JSON / text).

interface IssueParams {
  reason: RejectReason;
  rule: string;
}

function preview(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object' && v !== null) return 'an object';
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  if (s.length > 60) s = s.slice(0, 57) + '…';
  return typeof v === 'string' ? `${s} (a string)` : s;
}

function custom(ctx: z.core.$RefinementCtx, reason: RejectReason, rule: string): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message: rule, params: { reason, rule } satisfies IssueParams });
  return z.NEVER;
}

const TIME_RULE: Record<TimeUnit, string> = {
  ms: 'expected epoch milliseconds as a number (timeUnit ms)',
  s: 'expected epoch seconds as a number (timeUnit s)',
  iso: 'expected an ISO-8601 string such as 2024-01-31T12:00:00Z (timeUnit iso)',
  auto: 'expected epoch milliseconds as a number or an ISO-8601 string such as 2024-01-31T12:00:00Z',
};

function timeSchema(unit: TimeUnit, text: boolean): z.ZodType {
  return z.unknown().transform((v, ctx) => {
    if (v === undefined || (text && v === '')) return custom(ctx, 'missing_field', 'required field is missing');
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return custom(ctx, 'non_finite', 'must be a finite number');
      if (unit === 'iso') return custom(ctx, 'wrong_type', TIME_RULE.iso);
      const t = unit === 's' ? Math.round(v * 1000) : v;
      if (!(Math.abs(t) <= MAX_EPOCH_MS)) return custom(ctx, 'bad_timestamp', `must be within ±${MAX_EPOCH_MS} ms of the epoch`);
      return t;
    }
    if (typeof v !== 'string') return custom(ctx, 'wrong_type', TIME_RULE[unit]);
    if (text && unit !== 'iso') {
      const n = parseNumberText(v);
      if (n !== undefined) {
        if (!Number.isFinite(n)) return custom(ctx, 'non_finite', 'must be a finite number');
        const t = unit === 's' ? Math.round(n * 1000) : n;
        if (!(Math.abs(t) <= MAX_EPOCH_MS)) return custom(ctx, 'bad_timestamp', `must be within ±${MAX_EPOCH_MS} ms of the epoch`);
        return t;
      }
      if (unit !== 'auto') return custom(ctx, 'bad_timestamp', TIME_RULE[unit]);
    } else if (unit === 'ms' || unit === 's') {
      return custom(ctx, 'wrong_type', `${TIME_RULE[unit]} (JSON numbers must not be quoted)`);
    }
    const t = parseIsoTime(v);
    if (t === undefined) return custom(ctx, 'bad_timestamp', TIME_RULE[unit === 'iso' ? 'iso' : unit]);
    if (!(Math.abs(t) <= MAX_EPOCH_MS)) return custom(ctx, 'bad_timestamp', 'date is out of range');
    return t;
  });
}

function textNumberSchema(): z.ZodType {
  return z.unknown().transform((v, ctx) => {
    if (v === undefined || v === '') return custom(ctx, 'missing_field', 'required field is missing');
    let n: number | undefined;
    if (typeof v === 'number') n = v;
    else if (typeof v === 'string') n = parseNumberText(v);
    if (n === undefined) return custom(ctx, 'wrong_type', 'expected a decimal number');
    if (!Number.isFinite(n)) return custom(ctx, 'non_finite', 'must be a finite number');
    return n;
  });
}

function schemaFor(c: Compiled, text: boolean): z.ZodType {
  const key = text ? 'text' : 'json';
  let s = c.schemas[key];
  if (s === undefined) {
    s = z.object({
      key: z.string({ error: 'expected a string' }),
      time: timeSchema(c.timeUnit, text),
      value: text ? textNumberSchema() : z.number({ error: 'expected a number' }),
      unit: z.string({ error: 'expected a string' }).optional(),
    });
    c.schemas[key] = s;
  }
  return s;
}

function explain(c: Compiled, rec: Record<string, unknown>, text: boolean): DecodeResult {
  const fields: Record<Role, unknown> = {
    key: c.getKey(rec),
    time: c.getTime(rec),
    value: c.getValue(rec),
    unit: c.getUnit === null ? undefined : c.getUnit(rec),
  };
  const r = schemaFor(c, text).safeParse(fields);
  if (r.success) {
    // The fast path and the schema agree by construction; if they ever differ, trust the schema.
    const d = r.data as { key: string; time: number; value: number; unit?: string };
    const event: StreamEvent = { sensorId: d.key, timestamp: d.time, value: d.value };
    if (d.unit !== undefined && !(text && d.unit === '')) event.unit = d.unit;
    return { ok: true, event };
  }
  let reason: RejectReason | undefined;
  const parts: string[] = [];
  for (const issue of r.error.issues) {
    const role = String(issue.path[0]) as Role;
    const v = fields[role];
    let why: RejectReason;
    let rule: string;
    const params = (issue as { params?: IssueParams }).params;
    if (issue.code === 'custom' && params) {
      why = params.reason;
      rule = params.rule;
    } else if (v === undefined) {
      why = 'missing_field';
      rule = 'required field is missing';
    } else if (typeof v === 'number' && !Number.isFinite(v)) {
      why = 'non_finite';
      rule = 'must be a finite number';
    } else {
      why = 'wrong_type';
      rule = issue.message;
      if (role === 'value' && typeof v === 'string') rule += ' (JSON numbers must not be quoted)';
    }
    reason ??= why;
    const path = c.mapping[role] ?? role;
    parts.push(
      why === 'missing_field'
        ? `${role} "${path}": ${rule}`
        : `${role} "${path}" = ${preview(v)}: ${rule}`,
    );
  }
  return { ok: false, reason: reason ?? 'wrong_type', detail: parts.join('; ') };
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

// ---------------------------------------------------------------------------------------------
// Public API

/**
 * Decode one record (a parsed JSON value, or a CSV row as `{column: text}`) with `mapping`.
 * `opts.textFields` (CSV): fields are text, so numbers and epoch times are parsed from it, and an
 * empty cell counts as missing. In JSON a quoted number is wrong_type.
 */
export function decodeRecord(record: unknown, mapping: FieldMapping, opts?: { textFields?: boolean }): DecodeResult {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    return { ok: false, reason: 'not_an_object', detail: `expected a JSON object, got ${kindOf(record)}` };
  }
  const c = compile(mapping);
  const text = opts?.textFields === true;
  const rec = record as Record<string, unknown>;
  const event = fastDecode(c, rec, text);
  return event !== undefined ? { ok: true, event } : explain(c, rec, text);
}

/** Parse JSON text (one NDJSON line, one message body) and decode it; invalid_json on parse failure. */
export function decodeJsonText(text: string, mapping: FieldMapping): DecodeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: 'invalid_json', detail: `not valid JSON: ${(e as Error).message}` };
  }
  return decodeRecord(parsed, mapping);
}

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch !== 32 && ch !== 9 && ch !== 10 && ch !== 13 && ch !== 0xfeff) return s.trim() === '';
  }
  return true;
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Longest raw text kept in one dead letter, characters (UTF-16 units). */
export const MAX_DEAD_LETTER_RAW_CHARS = 1024;

/**
 * Accumulates one batch of decoded events and dead letters for a source. Every source (sim, file,
 * HTTP, MQTT, NATS) feeds raw input in with `line` / `record` and hands the batch over with `drain`.
 */
export class EdgeDecoder {
  /** The complete mapping in use. */
  readonly mapping: FieldMapping;
  private readonly c: Compiled;
  /** Fast path of line(): undefined for mappings only the object path resolves (dotted paths). */
  private readonly scanner: LineScanner | undefined;
  private events: StreamEvent[] = [];
  private rejects: DeadLetter[] = [];

  /**
   * @param source name written into dead letters (for example "file", "mqtt").
   * @param mapping partial mapping, completed with DEFAULT_MAPPING. Throws Error if invalid.
   * @param now processing-time clock for dead letters, ms since epoch.
   */
  constructor(
    readonly source: string,
    mapping?: Partial<FieldMapping>,
    private readonly now: () => number = Date.now,
  ) {
    this.mapping = resolveMapping(mapping);
    this.c = compile(this.mapping);
    this.scanner = LineScanner.forMapping(this.mapping);
  }

  /** Decode one NDJSON line (without its newline). Blank lines are skipped, not rejected. */
  line(line: string): void {
    if (line.charCodeAt(0) !== 123 /* { */ && isBlank(line)) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (e) {
      this.reject(line, 'invalid_json', `not valid JSON: ${(e as Error).message}`);
      return;
    }
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const event = fastDecode(this.c, parsed as Record<string, unknown>, false);
      if (event !== undefined) {
        this.events.push(event);
        return;
      }
    }
    const r = decodeRecord(parsed, this.mapping);
    if (r.ok) this.events.push(r.event);
    else this.reject(line, r.reason, r.detail);
  }

  /**
   * Fast path for one NDJSON line given as UTF-8 bytes `buf[start..end)` (no newline): decodes it
   * and returns true when the line is of the plain shape the byte scanner reads; returns false,
   * having done nothing, otherwise — then pass the line's text to {@link line}.
   */
  lineBytes(buf: Uint8Array, start: number, end: number): boolean {
    const event = this.scanner?.scan(buf, start, end);
    if (event === undefined) return false;
    this.events.push(event);
    return true;
  }

  /**
   * Decode one already-parsed record. `raw` is the dead-letter text, or a function producing it
   * lazily (only called on reject); default: JSON.stringify of the record. `textFields` = CSV
   * semantics (see decodeRecord).
   */
  record(rec: unknown, raw?: (() => string) | string, textFields?: boolean): void {
    const r = decodeRecord(rec, this.mapping, { textFields });
    if (r.ok) this.events.push(r.event);
    else this.reject(raw === undefined ? safeStringify(rec) : typeof raw === 'string' ? raw : raw(), r.reason, r.detail);
  }

  /**
   * Add a dead letter found before decoding (a too-large line, a malformed CSV row, …). The raw
   * text kept is cut at {@link MAX_DEAD_LETTER_RAW_CHARS} (the detail then says so), so one bad
   * record costs a bounded amount of memory and dead-letter file.
   */
  reject(raw: string, reason: RejectReason, detail: string): void {
    const cut = raw.length > MAX_DEAD_LETTER_RAW_CHARS;
    this.rejects.push({
      raw: cut ? raw.slice(0, MAX_DEAD_LETTER_RAW_CHARS) : raw,
      reason,
      detail: cut ? `${detail} (raw text cut at ${MAX_DEAD_LETTER_RAW_CHARS} of ${raw.length} characters)` : detail,
      source: this.source,
      at: this.now(),
    });
  }

  /** Number of events waiting in the current batch. */
  get pendingEvents(): number {
    return this.events.length;
  }

  /** Number of dead letters waiting in the current batch. */
  get pendingRejects(): number {
    return this.rejects.length;
  }

  /** Hand over the batch accumulated so far and start a new one. */
  drain(): { events: StreamEvent[]; rejects: DeadLetter[] } {
    const out = { events: this.events, rejects: this.rejects };
    this.events = [];
    this.rejects = [];
    return out;
  }
}
