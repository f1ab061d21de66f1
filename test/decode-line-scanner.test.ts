/**
 * The byte-level fast path of NDJSON decoding (LineScanner inside EdgeDecoder.line) must give
 * exactly what the object path gives — JSON.parse, then decodeRecord — on every line: the same
 * events (same key, time and value, -0 included) and the same rejects (reason and detail).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeadLetter, StreamEvent } from '../src-shared/types';
import { decodeRecord, EdgeDecoder } from '../src-main/engine/decode/decode';
import { resolveMapping, type FieldMapping } from '../src-main/engine/decode/field-mapping';
import { LineScanner } from '../src-main/engine/decode/line-scanner';
import { NdjsonByteSplitter } from '../src-main/engine/decode/ndjson-byte-splitter';
import { NdjsonSplitter } from '../src-main/engine/decode/ndjson-splitter';

function scan(s: LineScanner | undefined, line: string): StreamEvent | undefined {
  const b = Buffer.from(`  ${line}  `);
  return s?.scan(b, 2, b.length - 2);
}

/** The object path, written out here on its own: the text splitter as before, JSON.parse, then decodeRecord. */
function objectPath(raw: string, mapping: FieldMapping): { event?: StreamEvent; reject?: { reason: string; detail: string } } | null {
  const lines: string[] = [];
  const sp = new NdjsonSplitter({ onLine: (l) => lines.push(l) });
  sp.push(Buffer.from(`${raw}\n`));
  sp.end();
  expect(lines).toHaveLength(1);
  const line = lines[0];
  if (line.trim() === '' || /^[\s\ufeff]*$/.test(line)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (e) {
    return { reject: { reason: 'invalid_json', detail: `not valid JSON: ${(e as Error).message}` } };
  }
  const r = decodeRecord(parsed, mapping);
  return r.ok ? { event: r.event } : { reject: { reason: r.reason, detail: r.detail } };
}

/** The file source's way: the byte splitter offers the line's bytes to the scanner, else its text to line(). */
function viaDecoder(line: string, mapping: Partial<FieldMapping>): { event?: StreamEvent; reject?: { reason: string; detail: string } } | null {
  const d = new EdgeDecoder('file', mapping, () => 0);
  const splitter = new NdjsonByteSplitter({ onLine: (l) => d.line(l), onLineBytes: (b, s, e) => d.lineBytes(b, s, e) });
  splitter.push(Buffer.from(`${line}\n`));
  splitter.end();
  const { events, rejects } = d.drain();
  if (events.length === 0 && rejects.length === 0) return null;
  if (events.length === 1) return { event: events[0] };
  const r = rejects[0] as DeadLetter;
  return { reject: { reason: r.reason, detail: r.detail } };
}

/** Same outcome; numbers compared with Object.is so -0 and 0 differ. */
function expectSame(line: string, mapping: Partial<FieldMapping>): boolean {
  const want = objectPath(line, resolveMapping(mapping));
  const got = viaDecoder(line, mapping);
  expect(got, line).toEqual(want);
  if (want?.event && got?.event) {
    expect(Object.is(got.event.value, want.event.value), `${line}: value ${got.event.value} vs ${want.event.value}`).toBe(true);
    expect(Object.is(got.event.timestamp, want.event.timestamp), line).toBe(true);
    expect(Object.keys(got.event)).toEqual(Object.keys(want.event));
  }
  return scan(LineScanner.forMapping(resolveMapping(mapping)), line) !== undefined;
}

const numberText = fc.oneof(
  fc.integer({ min: -1e6, max: 1e6 }).map(String),
  fc.constantFrom('0', '-0', '-0.0', '0.5', '1e3', '1E+3', '2.5e-3', '-1.25E-7', '1e400', '-1e999', '01', '1.', '.5', '-', '1e', '+1', '5e-324', '4.9e-324', '1.7976931348623157e308', '123456789012345678901234567890', '9007199254740993', '1700000000000', '1700000000000.5', '1.7e12', '0x10', 'NaN', 'Infinity'),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => d.toExponential()),
  fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map(String),
);
const stringText = fc.oneof(
  fc.string().map((s) => JSON.stringify(s)),
  fc.string({ unit: 'binary' }).map((s) => JSON.stringify(s)),
  fc.constantFrom('"s1"', '"sensor-00001"', '"ключ"', '"温度计"', '"🌡️ probe"', '"a\\"b"', '"tab\\tkey"', '"\\u0073\\u0031"', '"\\ud800"', '"bad\\x"', '"raw\ttab"', '"2024-01-31T12:00:00Z"', '"2024-01-31"', '"2010-01-01T01:00:00+02:00"', '"Jan 1 2000"', '""', '"\u2028"'),
);
const valueText = fc.oneof(
  { weight: 4, arbitrary: numberText },
  { weight: 3, arbitrary: stringText },
  { weight: 1, arbitrary: fc.constantFrom('true', 'false', 'null', '{}', '{"v":3}', '[1,2]', '[]', 'tru', 'nul', '{"a":{"b":[1,{"c":"}"}]}}') },
);
const nameText = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('"sensorId"', '"timestamp"', '"value"', '"unit"', '"t"', '"v"', '"k"', '"name"') },
  { weight: 2, arbitrary: fc.constantFrom('"meta"', '"é"', '"sensor\\u0049d"', '"value "', '"__proto__"', '"constructor"', '"props.mag"', "'value'", 'value') },
  { weight: 1, arbitrary: fc.string().map((s) => JSON.stringify(s)) },
);
const ws = fc.constantFrom('', '', '', ' ', '  ', '\t', '\r', ' \r\t ', '\u00a0', '\ufeff');
const field = fc.tuple(ws, nameText, ws, valueText, ws).map(([a, n, b, v, c]) => `${a}${n}${b}:${b}${v}${c}`);
const timeText = fc.oneof(
  fc.integer({ min: 0, max: 2e12 }).map(String),
  fc.constantFrom('1700000000000', '1700000000.5', '1.7e12', '"2024-01-31T12:00:00Z"', '"2024-01-31"', '-0', '8640000000000001'),
);
/** Mostly well-formed events: the mapped fields of the default and the short mapping, shuffled, plus extras. */
const eventLine = fc
  .tuple(
    fc.constantFrom(['sensorId', 'timestamp', 'value', 'unit'], ['k', 't', 'v', 'u']),
    stringText,
    timeText,
    numberText,
    fc.option(stringText),
    fc.array(fc.tuple(nameText, valueText), { maxLength: 2 }),
    fc.array(ws, { minLength: 4, maxLength: 4 }),
    fc.nat(),
  )
  .map(([[k, t, v, u], key, time, value, unit, extra, [w1, w2, w3, w4], seed]) => {
    const fs = [`"${k}":${key}`, `${w1}"${t}"${w2}:${time}`, `"${v}":${w3}${value}${w4}`];
    if (unit !== null) fs.push(`"${u}":${unit}`);
    for (const [n, x] of extra) fs.push(`${n}:${x}`);
    for (let i = fs.length - 1; i > 0; i--) {
      const j = (seed + i * 7) % (i + 1);
      [fs[i], fs[j]] = [fs[j], fs[i]];
    }
    return `{${fs.join(',')}}`;
  });
const line = fc.oneof(
  { weight: 12, arbitrary: eventLine },
  { weight: 8, arbitrary: fc.tuple(fc.array(field, { maxLength: 6 }), ws, ws).map(([fs, a, b]) => `${a}{${fs.join(',')}}${b}`) },
  { weight: 1, arbitrary: fc.tuple(fc.array(field, { maxLength: 5 }), fc.nat()).map(([fs, cut]) => `{${fs.join(',')}}`.slice(0, cut % 40)) },
  { weight: 1, arbitrary: fc.constantFrom('', '   ', '\ufeff', '[1,2]', '42', '"x"', 'null', '{"sensorId":"s1","timestamp":1,"value":2},', '{"sensorId":"s1","timestamp":1,"value":2}}', '{"sensorId":"s1",,"timestamp":1,"value":2}', '{"sensorId":"s1","timestamp":1,"value":2,}') },
);
const mapping = fc.constantFrom<Partial<FieldMapping>>(
  {},
  { timeUnit: 's' },
  { timeUnit: 'iso' },
  { timeUnit: 'ms' },
  { key: 'k', time: 't', value: 'v', unit: '' },
  { key: '=const', time: 't', value: 'v' },
  { key: 'name', time: 'timestamp', value: 'value', unit: 'name' },
  { key: 'props.mag', time: 'timestamp', value: 'value' },
  { key: 'sensorId', time: 'timestamp', value: 'value', unit: '=kg' },
);

describe('LineScanner (NDJSON fast path) against JSON.parse + decodeRecord', () => {
  it('gives the same event or reject on realistic and edge-case lines', () => {
    const lines = [
      '{"sensorId":"s1","timestamp":1700000000000,"value":3}',
      '{ "sensorId" : "s1" , "timestamp" : 1700000000000 , "value" : -0 }',
      '{"sensorId":"s1","timestamp":1700000000000,"value":3,"unit":"°C"}',
      '{"sensorId":"s1","timestamp":1700000000000,"value":3,"unit":""}',
      '{"sensorId":"s1","timestamp":1700000000000,"value":3,"value":4}',
      '{"sensorId":"s1","sensorId":"s2","timestamp":1700000000000,"value":3}',
      '{"sensor\\u0049d":"s2","sensorId":"s1","timestamp":1700000000000,"value":3}',
      '{"sensorId":"s\\u00e9","timestamp":1700000000000,"value":3}',
      '{"sensorId":"温度计","timestamp":"2024-01-31T12:00:00Z","value":1.5e2}',
      '{"sensorId":"s1","timestamp":1700000000000,"value":12345678901234567890}',
      '{"sensorId":"s1","timestamp":1700000000000,"value":0.1,"meta":{"a":1}}',
      '{"sensorId":"s1","timestamp":1700000000000,"value":0.1,"tags":["x"]}',
      '{"sensorId":"s1","timestamp":8.64e15,"value":1}',
      '{"sensorId":"s1","timestamp":8640000000000001,"value":1}',
      '{"sensorId":null,"timestamp":1,"value":1}',
      '{"sensorId":"s1","timestamp":1,"value":1} x',
    ];
    for (const l of lines) for (const m of [{}, { timeUnit: 's' as const }, { timeUnit: 'iso' as const }]) expectSame(l, m);
  });

  it('property: random lines, every mapping shape', () => {
    let fast = 0;
    let total = 0;
    fc.assert(
      fc.property(line, mapping, (l, m) => {
        total++;
        if (expectSame(l, m)) fast++;
      }),
      { numRuns: 2500 },
    );
    // The fast path did take a real share of the lines (the comparison is not vacuous).
    expect(fast).toBeGreaterThan(total / 50);
  });

  it('hands out one string object per distinct key and keeps it across a table reset', () => {
    const s = LineScanner.forMapping(resolveMapping({}))!;
    const a = scan(s, '{"sensorId":"sensor-with-a-long-name","timestamp":1,"value":1}')!;
    const b = scan(s, '{"value":2,"timestamp":2,"sensorId":"sensor-with-a-long-name"}')!;
    expect(a.sensorId).toBe('sensor-with-a-long-name');
    expect(a.sensorId === b.sensorId).toBe(true);
    for (let i = 0; i < 70_000; i++) expect(scan(s, `{"sensorId":"k${i}","timestamp":1,"value":1}`)!.sensorId).toBe(`k${i}`);
    expect(scan(s, '{"sensorId":"sensor-with-a-long-name","timestamp":1,"value":1}')!.sensorId).toBe('sensor-with-a-long-name');
  });

  it('declines mappings it cannot resolve: dotted paths, a constant unit, one field in two roles', () => {
    expect(LineScanner.forMapping(resolveMapping({ key: 'properties.net' }))).toBeUndefined();
    expect(LineScanner.forMapping(resolveMapping({ unit: '=kg' }))).toBeUndefined();
    expect(LineScanner.forMapping(resolveMapping({ key: 'name', unit: 'name' }))).toBeUndefined();
    expect(LineScanner.forMapping(resolveMapping({ key: '=one' }))).toBeDefined();
  });

  it('byte splitter + scanner = text splitter + JSON.parse, whatever the chunking, invalid UTF-8 and long lines included', () => {
    const parts = [
      Buffer.from('{"sensorId":"s1","timestamp":1700000000000,"value":3}\r\n\n   \n'),
      Buffer.from('{"sensorId":"ключ","timestamp":1700000000000,"value":3.25,"unit":"°C"}\n'),
      Buffer.concat([Buffer.from('{"sensorId":"bad'), Buffer.from([0xff, 0xe2, 0x82]), Buffer.from('","timestamp":1,"value":2}\n')]),
      Buffer.concat([Buffer.from('{"sensorId":"s2","timestamp":1,"value":2,"x":"'), Buffer.from([0xc3]), Buffer.from('"}\n')]),
      Buffer.from(`{"sensorId":"long","timestamp":1,"value":2,"pad":"${'x'.repeat(400)}"}\n`),
      Buffer.from(`{"sensorId":"huge","timestamp":1,"value":2,"pad":"${'é'.repeat(700)}"}\n`),
      Buffer.from('not json\n{"sensorId":"s3","timestamp":"2024-01-31T12:00:00Z","value":-0}\n{"sensorId":"tail","timestamp":5,"value":6}'),
    ];
    const input = Buffer.concat(parts);
    const run = (feed: (push: (b: Buffer) => void) => void, bytes: boolean) => {
      const d = new EdgeDecoder('file', {}, () => 0);
      const tooLarge = (p: string, n: number) => d.reject(p, 'too_large', `${n} bytes`);
      const opts = { maxLineBytes: 1000, previewChars: 20, onLine: (l: string) => d.line(l), onTooLarge: tooLarge };
      const sp = bytes ? new NdjsonByteSplitter({ ...opts, onLineBytes: (b, s, e) => d.lineBytes(b, s, e) }) : new NdjsonSplitter(opts);
      feed((b) => sp.push(b));
      sp.end();
      return d.drain();
    };
    const want = run((push) => push(input), false);
    expect(want.events.map((e) => e.sensorId)).toEqual(['s1', 'ключ', 'bad\ufffd\ufffd', 's2', 'long', 's3', 'tail']);
    expect(want.rejects.map((r) => r.reason)).toEqual(['too_large', 'invalid_json']);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: input.length }), { maxLength: 12 }), (cuts) => {
        const at = [0, ...[...cuts].sort((a, b) => a - b), input.length];
        const got = run((push) => {
          for (let i = 1; i < at.length; i++) push(input.subarray(at[i - 1], at[i]));
        }, true);
        expect(got).toEqual(want);
        expect(got.events.map((e) => Object.is(e.value, -0))).toEqual(want.events.map((e) => Object.is(e.value, -0)));
      }),
      { numRuns: 300 },
    );
  });
});
