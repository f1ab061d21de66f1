import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvParser } from '../src-main/engine/sources/csv';

type Out = Array<{ fields?: string[]; bad?: string; raw: string; row: number }>;

function parse(chunks: string[], delimiter = ',', maxRowChars?: number): Out {
  const out: Out = [];
  const p = new CsvParser({
    delimiter,
    maxRowChars,
    onRow: (fields, raw, row) => out.push({ fields, raw, row }),
    onBadRow: (raw, detail, row) => out.push({ bad: detail, raw, row }),
  });
  for (const c of chunks) p.push(c);
  p.end();
  return out;
}

describe('CsvParser (RFC 4180)', () => {
  it('parses quoted delimiters, doubled quotes, quoted newlines, \\r\\n, a BOM and a last row without newline', () => {
    const text = '\uFEFFid,note,v\r\n1,"a, b",2\r\n2,"say ""hi""",3\n3,"line1\nline2",4\n\n4,,5';
    expect(parse([text]).map((r) => r.fields)).toEqual([
      ['id', 'note', 'v'],
      ['1', 'a, b', '2'],
      ['2', 'say "hi"', '3'],
      ['3', 'line1\nline2', '4'],
      ['4', '', '5'],
    ]);
    expect(parse([text])[3].raw).toBe('3,"line1\nline2",4');
  });

  it('reports a quote inside an unquoted field, text after a closing quote, and an unterminated quote', () => {
    const out = parse(['a,b\n1,x"y\n2,"z"w\n3,ok\n4,"open']);
    expect(out.map((r) => (r.bad ? `bad:${r.row}` : r.fields!.join('|')))).toEqual(['a|b', 'bad:2', 'bad:3', '3|ok', 'bad:5']);
    expect(out[1].bad).toMatch(/quote inside an unquoted field/);
    expect(out[2].bad).toMatch(/after a closing quote/);
    expect(out[4].bad).toMatch(/unterminated/);
    expect(out[1].raw).toBe('1,x"y');
  });

  it('reports a row over maxRowChars as too large and carries on', () => {
    const out = parse(['a,b\n', `1,"${'x'.repeat(500)}`, `${'y'.repeat(500)}"\n2,3\n`], ',', 100);
    expect(out.map((r) => Boolean(r.bad))).toEqual([false, true, false]);
    expect(out[2].fields).toEqual(['2', '3']);
  });

  it('splits on tabs for TSV', () => {
    expect(parse(['id\trate\n1001\t.097\n']).map((r) => r.fields)).toEqual([['id\trate'], ['1001\t.097']]);
    expect(parse(['id\trate\n1001\t.097\n'], '\t').map((r) => r.fields)).toEqual([
      ['id', 'rate'],
      ['1001', '.097'],
    ]);
  });

  it('property: any chunking gives the same rows as one chunk, and quoting round-trips', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', ' ', 'é', '温'), maxLength: 6 });
    const quote = (c: string) => (/[",\n\r]/.test(c) || c === '' ? `"${c.replace(/"/g, '""')}"` : c);
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 6 }),
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.nat(200), { maxLength: 10 }),
        (rows, eol, cuts) => {
          const text = rows.map((r) => r.map(quote).join(',')).join(eol) + eol;
          const sorted = [...new Set(cuts)].filter((c) => c > 0 && c < text.length).sort((a, b) => a - b);
          const chunks: string[] = [];
          let prev = 0;
          for (const c of sorted) {
            chunks.push(text.slice(prev, c));
            prev = c;
          }
          chunks.push(text.slice(prev));
          const whole = parse([text]);
          expect(parse(chunks)).toEqual(whole);
          expect(whole.map((r) => r.fields)).toEqual(rows);
        },
      ),
      { numRuns: 300 },
    );
  });
});
