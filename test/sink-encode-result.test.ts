/** The template encoder of window results writes exactly what JSON.stringify writes. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WindowResult } from '../src-shared/types';
import { encodeWindowResult } from '../src-main/engine/sinks/encode-result';

const anyNumber = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(-0, Infinity, -Infinity, NaN, 1e21, 5e-324, 1_700_000_000_000.5));

/** Results with the key order the operators use (session results may carry `supersedes`). */
const resultArb: fc.Arbitrary<WindowResult> = fc
  .record({
    windowStart: anyNumber,
    windowEnd: anyNumber,
    sensorId: fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('a"b', 'back\\slash', 'line\nbreak', '\u2028', '\ud800')),
    count: anyNumber,
    sum: anyNumber,
    avg: anyNumber,
    min: anyNumber,
    max: anyNumber,
    alertCount: anyNumber,
    windowKind: fc.constantFrom('tumbling' as const, 'hopping' as const, 'session' as const),
    isUpdate: fc.boolean(),
    supersedes: fc.option(fc.array(fc.tuple(anyNumber, anyNumber), { minLength: 1, maxLength: 3 }), { nil: undefined }),
    emittedAt: anyNumber,
  })
  .map(({ supersedes, emittedAt, ...rest }) => ({ ...rest, ...(supersedes === undefined ? {} : { supersedes }), emittedAt }));

describe('encodeWindowResult', () => {
  it('equals JSON.stringify for any result', () => {
    fc.assert(
      fc.property(resultArb, (r) => {
        expect(encodeWindowResult(r)).toBe(JSON.stringify(r));
      }),
      { numRuns: 2000 },
    );
  });
});
