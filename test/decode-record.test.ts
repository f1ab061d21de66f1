import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RejectReason } from '../src-shared/types';
import { decodeJsonText, decodeRecord, EdgeDecoder } from '../src-main/engine/decode/decode';
import { DEFAULT_MAPPING, getPath, resolveMapping, type FieldMapping } from '../src-main/engine/decode/field-mapping';
import { parseIsoTime, parseNumberText } from '../src-main/engine/decode/scalars';

const M: FieldMapping = { ...DEFAULT_MAPPING };
const T = 1_700_000_000_000;

function rejectOf(line: string, mapping: FieldMapping = M): { reason: RejectReason; detail: string } {
  const r = decodeJsonText(line, mapping);
  if (r.ok) throw new Error(`expected a reject for ${line}, got ${JSON.stringify(r.event)}`);
  return r;
}

describe('decodeJsonText: every RejectReason from realistic bad lines', () => {
  const cases: Array<[string, RejectReason, RegExp]> = [
    ['{"sensorId":"s1","timestamp":1700000000000,"value":', 'invalid_json', /not valid JSON/],
    ["{'sensorId':'s1','timestamp':1700000000000,'value':3}", 'invalid_json', /not valid JSON/],
    ['{"sensorId":"s1","timestamp":1700000000000,"value":NaN}', 'invalid_json', /not valid JSON/],
    ['sensor=s1 value=3', 'invalid_json', /not valid JSON/],
    ['[1700000000000, 3.5]', 'not_an_object', /array/],
    ['42', 'not_an_object', /number/],
    ['"hello"', 'not_an_object', /string/],
    ['null', 'not_an_object', /null/],
    ['{"timestamp":1700000000000,"value":3}', 'missing_field', /key "sensorId".*missing/],
    ['{"sensorId":"s1","value":3}', 'missing_field', /time "timestamp".*missing/],
    ['{"sensorId":"s1","timestamp":1700000000000}', 'missing_field', /value "value".*missing/],
    ['{"sensorId":"s1","timestamp":1700000000000,"value":"42.5"}', 'wrong_type', /value "value".*"42\.5".*quoted/],
    ['{"sensorId":7,"timestamp":1700000000000,"value":3}', 'wrong_type', /key "sensorId" = 7: expected a string/],
    ['{"sensorId":"s1","timestamp":1700000000000,"value":true}', 'wrong_type', /value "value" = true: expected a number/],
    ['{"sensorId":"s1","timestamp":1700000000000,"value":null}', 'wrong_type', /value "value" = null/],
    ['{"sensorId":"s1","timestamp":1700000000000,"value":{"v":3}}', 'wrong_type', /an object/],
    ['{"sensorId":"s1","timestamp":1700000000000,"value":3,"unit":5}', 'wrong_type', /unit "unit" = 5/],
    ['{"sensorId":"s1","timestamp":true,"value":3}', 'wrong_type', /time "timestamp"/],
    ['{"sensorId":"s1","timestamp":1700000000000,"value":1e400}', 'non_finite', /value "value" = Infinity: must be a finite number/],
    ['{"sensorId":"s1","timestamp":1700000000000,"value":-1e999}', 'non_finite', /-Infinity/],
    ['{"sensorId":"s1","timestamp":1e400,"value":3}', 'non_finite', /time "timestamp"/],
    ['{"sensorId":"s1","timestamp":"Jan 1 2000","value":3}', 'bad_timestamp', /"Jan 1 2000".*ISO-8601/],
    ['{"sensorId":"s1","timestamp":"2001/01/01 06:55","value":3}', 'bad_timestamp', /2001\/01\/01/],
    ['{"sensorId":"s1","timestamp":"1700000000000","value":3}', 'bad_timestamp', /ISO-8601/],
    ['{"sensorId":"s1","timestamp":"2023-02-30T00:00:00Z","value":3}', 'bad_timestamp', /2023-02-30/],
    ['{"sensorId":"s1","timestamp":"yesterday","value":3}', 'bad_timestamp', /yesterday/],
    ['{"sensorId":"s1","timestamp":9e15,"value":3}', 'bad_timestamp', /within/],
  ];
  for (const [line, reason, detail] of cases) {
    it(`${reason}: ${line}`, () => {
      const r = rejectOf(line);
      expect(r.reason).toBe(reason);
      expect(r.detail).toMatch(detail);
    });
  }

  it('names every bad field when several are wrong, reason of the first', () => {
    const r = rejectOf('{"sensorId":1,"value":"x"}');
    expect(r.reason).toBe('wrong_type');
    expect(r.detail).toMatch(/key "sensorId"/);
    expect(r.detail).toMatch(/time "timestamp".*missing/);
    expect(r.detail).toMatch(/value "value"/);
  });
});

describe('decodeRecord: valid records', () => {
  it('decodes the house format, with and without unit', () => {
    expect(decodeJsonText(`{"sensorId":"s1","timestamp":${T},"value":21.5,"unit":"C"}`, M)).toEqual({
      ok: true,
      event: { sensorId: 's1', timestamp: T, value: 21.5, unit: 'C' },
    });
    const r = decodeJsonText(`{"sensorId":"s1","timestamp":${T},"value":-3}`, M);
    expect(r).toEqual({ ok: true, event: { sensorId: 's1', timestamp: T, value: -3 } });
    expect(r.ok && 'unit' in r.event).toBe(false);
  });

  it('uses keys verbatim: colon, unicode, space, empty string', () => {
    for (const key of ['a:b', 'plant/3:line-2', 'température-Zürich', '温度計', '🌡️', ' ', 'two words', '']) {
      const r = decodeRecord({ sensorId: key, timestamp: T, value: 1 }, M);
      expect(r.ok && r.event.sensorId).toBe(key);
    }
  });

  it('ISO-8601 event times: no offset = UTC, date only, Z, ±hh:mm, fractions', () => {
    const iso: Array<[string, number]> = [
      ['2010-01-01T01:00:00', Date.UTC(2010, 0, 1, 1)],
      ['2012-01-01', Date.UTC(2012, 0, 1)],
      ['2024-01-31T12:00:00Z', Date.UTC(2024, 0, 31, 12)],
      ['2024-01-31T12:00:00.123Z', Date.UTC(2024, 0, 31, 12, 0, 0, 123)],
      ['2024-01-31T12:00:00.5Z', Date.UTC(2024, 0, 31, 12, 0, 0, 500)],
      ['2024-01-31T12:00:00.123456789Z', Date.UTC(2024, 0, 31, 12, 0, 0, 123)],
      ['2024-01-31T12:00:00+02:00', Date.UTC(2024, 0, 31, 10)],
      ['2024-01-31T12:00:00-05:30', Date.UTC(2024, 0, 31, 17, 30)],
      ['2024-01-31T12:00+0100', Date.UTC(2024, 0, 31, 11)],
      ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
      ['1969-12-31T23:59:59Z', -1000],
      ['0050-06-01T00:00:00Z', new Date('0050-06-01T00:00:00Z').getTime()],
    ];
    for (const [text, want] of iso) {
      const r = decodeRecord({ sensorId: 's', timestamp: text, value: 1 }, M);
      expect(r.ok && r.event.timestamp, text).toBe(want);
    }
  });

  it('timeUnit s, ms and iso', () => {
    const s = resolveMapping({ timeUnit: 's' });
    expect(decodeRecord({ sensorId: 'a', timestamp: 1_700_000_000.25, value: 1 }, s)).toMatchObject({ ok: true, event: { timestamp: 1_700_000_000_250 } });
    expect(decodeRecord({ sensorId: 'a', timestamp: '2024-01-01', value: 1 }, s)).toMatchObject({ ok: false, reason: 'wrong_type' });
    const ms = resolveMapping({ timeUnit: 'ms' });
    expect(decodeRecord({ sensorId: 'a', timestamp: '1700000000000', value: 1 }, ms)).toMatchObject({ ok: false, reason: 'wrong_type' });
    const iso = resolveMapping({ timeUnit: 'iso' });
    expect(decodeRecord({ sensorId: 'a', timestamp: T, value: 1 }, iso)).toMatchObject({ ok: false, reason: 'wrong_type' });
    expect(decodeRecord({ sensorId: 'a', timestamp: '2024-01-01', value: 1 }, iso)).toMatchObject({ ok: true, event: { timestamp: Date.UTC(2024, 0, 1) } });
  });

  it('dot paths, exact dotted keys, and constant keys', () => {
    const geo = resolveMapping({ key: 'properties.net', time: 'properties.time', value: 'properties.mag' });
    expect(decodeRecord({ properties: { net: 'ci', time: T, mag: 2.1 } }, geo)).toEqual({
      ok: true,
      event: { sensorId: 'ci', timestamp: T, value: 2.1 },
    });
    const dotted = resolveMapping({ key: '=seattle', value: 'temp.max', time: 'date' });
    expect(decodeRecord({ 'temp.max': '12.5', date: '2012-01-01' }, dotted, { textFields: true })).toEqual({
      ok: true,
      event: { sensorId: 'seattle', timestamp: Date.UTC(2012, 0, 1), value: 12.5 },
    });
    expect(getPath({ a: { 'b.c': { d: 1 } } }, 'a.b.c.d')).toBe(1);
    expect(getPath({ 'a.b': 2, a: { b: 1 } }, 'a.b')).toBe(2);
    expect(getPath({ a: 1 }, 'toString')).toBeUndefined();
    expect(decodeRecord({ toString: 'x' }, resolveMapping({ key: 'constructor' }))).toMatchObject({ reason: 'missing_field' });
  });
});

describe('CSV semantics (textFields): numbers are parsed from text', () => {
  const rec = (value: string, timestamp = '2012-01-01', sensorId = 's') => decodeRecord({ sensorId, timestamp, value, unit: '' }, M, { textFields: true });
  it('accepts numeric text and epoch-ms text, drops an empty unit', () => {
    expect(rec('12.5')).toEqual({ ok: true, event: { sensorId: 's', timestamp: Date.UTC(2012, 0, 1), value: 12.5 } });
    expect(rec(' -3e2 ', String(T))).toEqual({ ok: true, event: { sensorId: 's', timestamp: T, value: -300 } });
  });
  it('rejects non-numbers, non-finite and empty cells with the right reason', () => {
    expect(rec('abc')).toMatchObject({ ok: false, reason: 'wrong_type' });
    expect(rec('0x10')).toMatchObject({ ok: false, reason: 'wrong_type' });
    expect(rec('1,5')).toMatchObject({ ok: false, reason: 'wrong_type' });
    expect(rec('NaN')).toMatchObject({ ok: false, reason: 'non_finite' });
    expect(rec('Infinity')).toMatchObject({ ok: false, reason: 'non_finite' });
    expect(rec('1e400')).toMatchObject({ ok: false, reason: 'non_finite' });
    expect(rec('')).toMatchObject({ ok: false, reason: 'missing_field' });
    expect(rec('1', '')).toMatchObject({ ok: false, reason: 'missing_field' });
    expect(rec('1', 'Jan 1 2000')).toMatchObject({ ok: false, reason: 'bad_timestamp' });
  });
  it('the same numeric string is wrong_type in JSON', () => {
    expect(decodeRecord({ sensorId: 's', timestamp: T, value: '12.5' }, M)).toMatchObject({ ok: false, reason: 'wrong_type' });
  });
});

describe('scalars', () => {
  it('parseIsoTime rejects what Date.parse would guess', () => {
    for (const bad of ['Jan 1 2000', '2001/01/01 06:55', '2001-1-1', '20010101', '2001-13-01', '2001-01-32', '2001-01-01T24:00:00', '2001-01-01T12:60', '2001-01-01T12:00:00+25:00', '2001-01-01Z', ' 2001-01-01', '2001-01-01T12']) {
      expect(parseIsoTime(bad), bad).toBeUndefined();
    }
  });
  it('property: parseIsoTime agrees with Date for toISOString output and offset forms', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(100, 0, 1), max: Date.UTC(9999, 11, 31) }), fc.integer({ min: -14 * 60, max: 14 * 60 }), (t, offMin) => {
        const d = new Date(t);
        expect(parseIsoTime(d.toISOString())).toBe(t);
        const local = new Date(t + offMin * 60_000).toISOString().slice(0, 23);
        const sign = offMin < 0 ? '-' : '+';
        const a = Math.abs(offMin);
        const off = `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
        expect(parseIsoTime(local + off)).toBe(t);
      }),
    );
    expect(parseIsoTime('2023-02-29T00:00:00.000Z')).toBeUndefined();
    expect(parseIsoTime('2024-02-29T00:00:00.000Z')).toBe(Date.UTC(2024, 1, 29));
    expect(parseIsoTime('2024-13-01T00:00:00.000Z')).toBeUndefined();
  });

  it('parseNumberText', () => {
    expect(parseNumberText('.5')).toBe(0.5);
    expect(parseNumberText('+7')).toBe(7);
    expect(parseNumberText('-inf')).toBe(-Infinity);
    expect(Number.isNaN(parseNumberText('nan'))).toBe(true);
    expect(parseNumberText('')).toBeUndefined();
    expect(parseNumberText('1.2.3')).toBeUndefined();
  });
});

describe('EdgeDecoder', () => {
  it('skips blank lines, batches events, dead-letters rejects with raw, reason, source, at', () => {
    const d = new EdgeDecoder('test', undefined, () => 42);
    d.line(`{"sensorId":"a","timestamp":${T},"value":1}`);
    d.line('');
    d.line('   \t ');
    d.line('{"sensorId":"a","timestamp":"nope","value":1}');
    d.line('not json');
    d.record({ sensorId: 'b', timestamp: T, value: 2 });
    d.record({ sensorId: 'b', value: 2 }, () => 'RAW-ROW');
    d.record([1, 2], 'RAW-ARRAY');
    expect(d.pendingEvents).toBe(2);
    const { events, rejects } = d.drain();
    expect(events.map((e) => e.sensorId)).toEqual(['a', 'b']);
    expect(rejects).toEqual([
      { raw: '{"sensorId":"a","timestamp":"nope","value":1}', reason: 'bad_timestamp', detail: expect.stringContaining('"nope"'), source: 'test', at: 42 },
      { raw: 'not json', reason: 'invalid_json', detail: expect.any(String), source: 'test', at: 42 },
      { raw: 'RAW-ROW', reason: 'missing_field', detail: expect.stringContaining('timestamp'), source: 'test', at: 42 },
      { raw: 'RAW-ARRAY', reason: 'not_an_object', detail: expect.any(String), source: 'test', at: 42 },
    ]);
    expect(d.drain()).toEqual({ events: [], rejects: [] });
  });

  it('rejects an invalid mapping with a message naming the field', () => {
    expect(() => new EdgeDecoder('x', { value: '' })).toThrow(/value/);
    expect(() => new EdgeDecoder('x', { timeUnit: 'hours' as never })).toThrow(/timeUnit/);
    expect(() => new EdgeDecoder('x', { time: '=5' })).toThrow(/time cannot be a constant/);
  });
});
