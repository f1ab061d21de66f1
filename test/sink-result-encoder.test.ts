/**
 * The result encoder writes exactly what JSON.stringify writes: numbers (every double, subnormals,
 * -0, huge and tiny, NaN/±Infinity), strings (escapes, lone surrogates), results of the operators'
 * shapes, and anything else (which it hands to JSON.stringify).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeResult, jsonNumber, jsonString } from '../src-main/engine/sinks/result-encoder';

const MIN_NORMAL = 2.2250738585072014e-308;
const doubles = fc.oneof(
  fc.double(),
  fc.double({ min: -MIN_NORMAL, max: MIN_NORMAL }), // subnormals and zeros
  fc.double({ min: 1e15, max: 1e22 }), // where Number#toString switches to exponents (1e21)
  fc.double({ min: 1e-8, max: 1e-5 }), // and at the small end (1e-7)
  fc.integer().map((i) => i / 7),
  fc.constantFrom(0, -0, 5e-324, -5e-324, MIN_NORMAL, Number.MAX_VALUE, -Number.MAX_VALUE, 1e21, 1e-7, 123456789012345680000, 0.1, NaN, Infinity, -Infinity, 1_796_166_799_518, 2 ** 53 + 2),
);
const anyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }), // lone surrogates, controls
  fc.constantFrom('sensor-00001', 'ключ', '温度计', '🌡️ probe', 'a"b', 'back\\slash', 'tab\t', '\u2028', '\ud800', ''),
);
const result = fc
  .record({
    windowStart: doubles,
    windowEnd: doubles,
    sensorId: anyString,
    count: doubles,
    sum: doubles,
    avg: doubles,
    min: doubles,
    max: doubles,
    alertCount: doubles,
    windowKind: fc.constantFrom('tumbling', 'hopping', 'session'),
    isUpdate: fc.boolean(),
    supersedes: fc.option(fc.array(fc.tuple(doubles, doubles), { maxLength: 3 }), { nil: undefined }),
    emittedAt: doubles,
  })
  .map(({ supersedes, emittedAt, ...rest }) => (supersedes === undefined ? { ...rest, emittedAt } : { ...rest, supersedes, emittedAt }));

describe('result encoder = JSON.stringify', () => {
  it('numbers: every double, subnormals, -0, huge, tiny, non-finite', () => {
    fc.assert(fc.property(doubles, (d) => {
          expect(jsonNumber(d)).toBe(JSON.stringify(d));
        }), { numRuns: 10_000 });
  });

  it('strings: escapes, controls, lone surrogates, astral characters', () => {
    fc.assert(fc.property(anyString, (s) => {
          expect(jsonString(s)).toBe(JSON.stringify(s));
        }), { numRuns: 5000 });
  });

  it('window results of every shape the operators emit, in bursts that repeat bounds and times', () => {
    fc.assert(
      fc.property(fc.array(result, { minLength: 1, maxLength: 20 }), fc.nat(), (rs, seed) => {
        // Bursts: later results reuse an earlier one's window bounds and emission time.
        const burst = rs.map((r, i) => (i > 0 && (seed + i) % 3 !== 0 ? { ...r, windowStart: rs[0].windowStart, windowEnd: rs[0].windowEnd, emittedAt: rs[0].emittedAt } : r));
        for (const r of burst) expect(encodeResult(r)).toBe(JSON.stringify(r));
      }),
      { numRuns: 3000 },
    );
  });

  it('anything else is exactly JSON.stringify: other order, extra or missing fields, toJSON, boxed values', () => {
    const base = { windowStart: 0, windowEnd: 1000, sensorId: 's', count: 1, sum: 2, avg: 2, min: 2, max: 2, alertCount: 0, windowKind: 'tumbling', isUpdate: false, emittedAt: 5 };
    const { windowStart, ...rest } = base;
    const odd: unknown[] = [
      { ...rest, windowStart },
      { ...base, extra: 1 },
      rest,
      { ...base, toJSON: () => 'x' },
      { ...base, count: new Number(1) },
      { ...base, sensorId: 7 },
      { ...base, isUpdate: 'no' },
      { ...base, supersedes: undefined },
      Object.assign(Object.create({ toJSON: () => 'proto' }), base),
      null,
      [1, 2],
      'text',
      3.5,
      undefined,
    ];
    for (const o of odd) expect(encodeResult(o)).toBe(JSON.stringify(o));
    expect(() => encodeResult({ ...base, big: 1n })).toThrow();
  });
});
