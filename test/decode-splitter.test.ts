import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NdjsonSplitter, splitLines } from '../src-main/engine/decode/ndjson-splitter';

/** Feed `bytes` to a fresh splitter cut at `cuts` (byte offsets) and collect what comes out. */
function feed(bytes: Buffer, cuts: number[], maxLineBytes?: number): { lines: string[]; tooLarge: Array<[string, number]> } {
  const lines: string[] = [];
  const tooLarge: Array<[string, number]> = [];
  const s = new NdjsonSplitter({ onLine: (l) => lines.push(l), onTooLarge: (p, b) => tooLarge.push([p, b]), maxLineBytes, previewChars: 8 });
  let prev = 0;
  for (const c of [...new Set(cuts)].sort((a, b) => a - b)) {
    if (c <= prev || c >= bytes.length) continue;
    s.push(bytes.subarray(prev, c));
    prev = c;
  }
  s.push(bytes.subarray(prev));
  s.end();
  return { lines, tooLarge };
}

describe('NdjsonSplitter', () => {
  it('splits \\n and \\r\\n, keeps blank lines, flushes a final line with no newline', () => {
    expect(splitLines('a\nb\r\n\nc')).toEqual(['a', 'b', '', 'c']);
    expect(splitLines('a\n')).toEqual(['a']);
    expect(splitLines('')).toEqual([]);
    expect(splitLines('\n')).toEqual(['']);
  });

  it('joins a line split across chunks, including a \\r\\n split between chunks', () => {
    const lines: string[] = [];
    const s = new NdjsonSplitter({ onLine: (l) => lines.push(l) });
    s.push('{"sensorId":"a",');
    s.push('"value":1}\r');
    s.push('\n{"x":');
    s.push(Buffer.from('2}\n'));
    s.end();
    expect(lines).toEqual(['{"sensorId":"a","value":1}', '{"x":2}']);
  });

  it('decodes a multi-byte UTF-8 character split between Buffers', () => {
    const bytes = Buffer.from('{"sensorId":"温度🌡️"}\n');
    const cut = bytes.indexOf(0xe6) + 1; // inside 温
    expect(feed(bytes, [cut, cut + 1, cut + 5]).lines).toEqual(['{"sensorId":"温度🌡️"}']);
  });

  it('property: any chunking of the same bytes yields the same lines', () => {
    const line = fc.string({ unit: fc.constantFrom('a', 'é', '温', '🌡', ' ', '"', '{', ':', '\r'), maxLength: 20 });
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 12 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.array(fc.nat(400), { maxLength: 20 }),
        (ls, eol, trailing, cuts) => {
          const text = ls.join(eol) + (trailing ? eol : '');
          const bytes = Buffer.from(text);
          const whole = feed(bytes, []);
          const chunked = feed(bytes, cuts);
          expect(chunked).toEqual(whole);
          // And the whole-text result is what a plain split gives (minus one trailing empty line).
          const expected = text === '' ? [] : text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
          if (text.endsWith('\n')) expected.pop();
          expect(whole.lines).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reports a line over maxLineBytes as too large without buffering it, then carries on', () => {
    const big = 'x'.repeat(10_000);
    const text = `{"a":1}\n${big}\n{"b":2}\n${'y'.repeat(50)}`;
    const bytes = Buffer.from(text);
    const cuts = Array.from({ length: 200 }, (_, i) => i * 61);
    for (const c of [[], cuts]) {
      const r = feed(bytes, c, 40);
      expect(r.lines).toEqual(['{"a":1}', '{"b":2}']);
      expect(r.tooLarge).toEqual([
        ['xxxxxxxx', 10_000],
        ['yyyyyyyy', 50],
      ]);
    }
  });

  it('counts UTF-8 bytes, not characters, against the limit', () => {
    // 10 × '温' = 30 bytes: over a limit of 20 although only 10 characters.
    const r = feed(Buffer.from('温'.repeat(10) + '\n' + 'ab\n'), [], 20);
    expect(r.lines).toEqual(['ab']);
    expect(r.tooLarge.map(([, b]) => b)).toEqual([30]);
    expect(feed(Buffer.from('温'.repeat(6) + '\n'), [], 20).lines).toEqual(['温'.repeat(6)]);
  });
});
