/**
 * `streamscope process` writes the same results whichever decoding path a record takes (issue 13):
 * NDJSON lines go through the byte scanner where they are plain and through JSON.parse otherwise;
 * the same records as a JSON document, and as CSV, always take the object path. Varied input:
 * unicode keys, escaped keys (the same key written plainly and escaped), numbers in every notation,
 * duplicate fields, nested fields, ISO times, CRLF, blank and bad lines. Every output line is also
 * exactly JSON.stringify of itself parsed (so the encoder wrote JSON.stringify's bytes).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'streamscope.mjs');
const T = 1_700_000_000_000;

/** Raw NDJSON lines and, for the valid ones, the record JSON.parse gives. */
function corpus(): { raw: string[]; records: unknown[] } {
  const raw: string[] = [];
  const keys = ['s1', 'ключ', '温度计', '🌡️ probe', 'tab\tkey', 'quote"key', 'sé'];
  const values = ['1', '1.0', '1e0', '10E-1', '-0', '0.1', '2.5e-3', '-7', '12345678901234567890', '99.99999999999999', '5e-324', '80', '81', '1.7976931348623157e308'];
  for (let i = 0; i < 400; i++) {
    const key = keys[i % keys.length];
    const v = values[(i * 7) % values.length];
    const t = T + i * 997;
    const k = JSON.stringify(key);
    switch (i % 8) {
      case 0:
        raw.push(`{"sensorId":${k},"timestamp":${t},"value":${v}}`);
        break;
      case 1: // fields in another order, extra scalar and nested fields, whitespace, CRLF
        raw.push(` { "value" : ${v} , "meta" : {"a":[1,{"b":null}]}, "ok":true, "timestamp":${t}, "sensorId" : ${k}, "n":null }\r`);
        break;
      case 2: // the key escaped (\\u00e9 = é): must join the plain "sé" key's windows
        raw.push(`{"sensorId":"s\\u00e9","timestamp":${t},"value":${v},"unit":"°C"}`);
        break;
      case 3: // duplicate fields: JSON.parse keeps the last
        raw.push(`{"sensorId":"dup","value":"x","timestamp":${t},"value":${v},"sensorId":${k}}`);
        break;
      case 4: // ISO time, exponent time
        raw.push(`{"sensorId":${k},"timestamp":${JSON.stringify(new Date(t).toISOString())},"value":${v}}`);
        break;
      case 5:
        raw.push(`{"sensorId":${k},"timestamp":${(t / 1000).toString()}e3,"value":${v},"unit":""}`);
        break;
      case 6: // bad lines: quoted number, not JSON, blank
        raw.push(i % 16 === 6 ? `{"sensorId":${k},"timestamp":${t},"value":"${v}"}` : i % 24 === 14 ? '{"sensorId":' : '');
        break;
      default:
        raw.push(`{"sensorId":${k},"timestamp":${t},"value":${v},"escaped":"a\\n\\u2028\\"b","loc":{"id":${k}}}`);
    }
  }
  const records: unknown[] = [];
  for (const l of raw) {
    if (l.trim() === '') continue;
    try {
      records.push(JSON.parse(l));
    } catch {
      /* the bad line: dead-lettered by both */
    }
  }
  return { raw, records };
}

const stripEmittedAt = (text: string) =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      expect(JSON.stringify(JSON.parse(l))).toBe(l);
      return l.replace(/,"emittedAt":\d+\}$/, '}');
    });

describe('streamscope process: same output bytes whichever decoding path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamscope-identity-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const { raw, records } = corpus();
  writeFileSync(join(dir, 'in.ndjson'), raw.join('\n'));
  writeFileSync(join(dir, 'in.json'), JSON.stringify(records));

  const cli = async (input: string, extra: string[] = []) => {
    const out = join(dir, `out-${Math.random().toString(36).slice(2)}.jsonl`);
    await run(process.execPath, [BIN, 'process', '--input', input, '--window', 'tumbling:5s', '--max-out-of-orderness', '0s', '--output', out, ...extra]);
    return stripEmittedAt(readFileSync(out, 'utf8'));
  };

  it('NDJSON (byte scanner + JSON.parse) = JSON document (object path), default and nested mappings', { timeout: 60_000 }, async () => {
    const ndjson = await cli(join(dir, 'in.ndjson'));
    const json = await cli(join(dir, 'in.json'));
    expect(ndjson.length).toBeGreaterThan(50);
    expect(ndjson).toEqual(json);
    expect(ndjson.some((l) => l.includes('"sensorId":"sé"') && l.includes('"count":'))).toBe(true);
    // Nested mapping paths: the scanner declines them; both take the object path.
    // (Only the lines with a `loc` object have the key: the others are rejected, not every record.)
    const nested = await cli(join(dir, 'in.ndjson'), ['--key', 'loc.id', '--value', 'value']);
    expect(nested.length).toBeGreaterThan(0);
    expect(nested).toEqual(await cli(join(dir, 'in.json'), ['--key', 'loc.id', '--value', 'value']));
  });

  it('CSV of the same events gives the same windows as NDJSON', { timeout: 60_000 }, async () => {
    const rows = ['sensorId,timestamp,value'];
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) {
      const key = ['s1', 'ключ', 'a,b', 'q"k'][i % 4];
      const v = ['1', '1.5', '-0', '2e3', '81', '0.1'][i % 6];
      rows.push(`"${key.replaceAll('"', '""')}",${T + i * 1013},${v}`);
      lines.push(`{"sensorId":${JSON.stringify(key)},"timestamp":${T + i * 1013},"value":${v}}`);
    }
    writeFileSync(join(dir, 'same.csv'), rows.join('\r\n'));
    writeFileSync(join(dir, 'same.ndjson'), lines.join('\n'));
    expect(await cli(join(dir, 'same.csv'))).toEqual(await cli(join(dir, 'same.ndjson')));
  });
});
