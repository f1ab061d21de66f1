import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { DeadLetter, StreamEvent } from '../src-shared/types';
import { FileSource, type FileSourceOptions } from '../src-main/engine/sources/file-source';
import { collectingOutput } from './support/collecting-output';

const DATA = join(process.cwd(), 'node_modules/vega-datasets/data');
const dir = mkdtempSync(join(tmpdir(), 'streamscope-file-'));
function tmp(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

/** Wait (polling) until `cond` holds; fails the test after 20 s. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
}

async function collect(opts: FileSourceOptions) {
  const src = new FileSource(opts);
  const c = collectingOutput();
  await src.run(c.out);
  return { events: c.events, rejects: c.rejects, batches: c.batches, bytes: c.bytes(), src };
}

/** Naive split of a quote-free CSV file, computed independently of the source under test. */
function naiveCsv(path: string): Array<Record<string, string>> {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
  const header = lines[0].split(',');
  return lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
}

describe('FileSource on vega-datasets (real data)', () => {
  it('seattle-weather-hourly-normals.csv with a constant key (=seattle)', async () => {
    const path = join(DATA, 'seattle-weather-hourly-normals.csv');
    const rows = naiveCsv(path);
    const { events, rejects, bytes, batches, src } = await collect({
      path,
      mapping: { key: '=seattle', time: 'date', value: 'temperature' },
    });
    expect(rejects).toEqual([]);
    expect(events.length).toBe(rows.length);
    expect(Math.max(...batches)).toBeLessThanOrEqual(4096);
    expect(new Set(events.map((e) => e.sensorId))).toEqual(new Set(['seattle']));
    expect(events[0]).toEqual({ sensorId: 'seattle', timestamp: Date.UTC(2010, 0, 1, 1), value: 4 });
    for (let i = 0; i < rows.length; i += 97) {
      expect(events[i].value).toBe(Number(rows[i].temperature));
      const [d, t] = rows[i].date.split('T');
      const [y, mo, da] = d.split('-').map(Number);
      const [h, mi, s] = t.split(':').map(Number);
      expect(events[i].timestamp).toBe(Date.UTC(y, mo - 1, da, h, mi, s));
    }
    expect(bytes).toBe(statSync(path).size);
    expect(src.position()).toMatchObject({ path, format: 'csv', records: rows.length });
  });

  it('weather.csv keyed by location', async () => {
    const path = join(DATA, 'weather.csv');
    const rows = naiveCsv(path);
    const want = new Map<string, number>();
    for (const r of rows) want.set(r.location, (want.get(r.location) ?? 0) + 1);
    const { events, rejects } = await collect({ path, mapping: { key: 'location', time: 'date', value: 'temp_max' } });
    expect(rejects).toEqual([]);
    const got = new Map<string, number>();
    for (const e of events) got.set(e.sensorId, (got.get(e.sensorId) ?? 0) + 1);
    expect(got).toEqual(want);
    const sumWant = rows.reduce((a, r) => a + Number(r.temp_max), 0);
    expect(events.reduce((a, e) => a + e.value, 0)).toBeCloseTo(sumWant, 6);
    expect(events[0].timestamp).toBe(Date.UTC(2012, 0, 1));
  });

  it('earthquakes.json (GeoJSON features) with dot paths; non-number magnitudes are wrong_type', async () => {
    const path = join(DATA, 'earthquakes.json');
    const features = (JSON.parse(readFileSync(path, 'utf8')) as { features: Array<{ properties: { net: string; time: number; mag: unknown } }> }).features;
    const good = features.filter((f) => typeof f.properties.mag === 'number');
    const { events, rejects, bytes } = await collect({
      path,
      mapping: { key: 'properties.net', time: 'properties.time', value: 'properties.mag' },
    });
    expect(events.length).toBe(good.length);
    expect(rejects.length).toBe(features.length - good.length);
    for (const r of rejects) expect(r.reason).toBe('wrong_type');
    expect(events.map((e) => e.sensorId)).toEqual(good.map((f) => f.properties.net));
    expect(events.map((e) => e.timestamp)).toEqual(good.map((f) => f.properties.time));
    expect(bytes).toBe(statSync(path).size);
    // The same document with an explicit records path gives the same events.
    const again = await collect({ path, records: 'features', mapping: { key: 'properties.net', time: 'properties.time', value: 'properties.mag' } });
    expect(again.events).toEqual(events);
  });

  it('earthquakes with some null magnitudes: each one is a counted wrong_type dead letter', async () => {
    const doc = JSON.parse(readFileSync(join(DATA, 'earthquakes.json'), 'utf8')) as { features: Array<{ properties: Record<string, unknown> }> };
    for (let i = 0; i < doc.features.length; i += 10) doc.features[i].properties.mag = null;
    const nulls = doc.features.filter((f) => f.properties.mag === null).length;
    const path = tmp('quakes-null.json', JSON.stringify(doc));
    const { events, rejects } = await collect({ path, mapping: { key: 'properties.net', time: 'properties.time', value: 'properties.mag' } });
    expect(rejects.length).toBe(nulls);
    expect(events.length).toBe(doc.features.length - nulls);
    expect(rejects[0].reason).toBe('wrong_type');
    expect(rejects[0].detail).toMatch(/value "properties\.mag" = null/);
    expect(JSON.parse(rejects[0].raw)).toEqual(doc.features[0]);
  });
});

describe('FileSource: JSONL', () => {
  const good = (i: number) => JSON.stringify({ sensorId: `s:${i % 3}`, timestamp: 1_700_000_000_000 + i, value: i });
  it('streams lines, skips blanks, dead-letters every kind of bad line, counts bytes', async () => {
    const lines = [
      good(0),
      '',
      '   ',
      good(1),
      '{"sensorId":"a","timestamp":1,"value":',
      '[1,2]',
      '{"sensorId":"a","value":1}',
      '{"sensorId":"a","timestamp":1,"value":"1"}',
      '{"sensorId":"a","timestamp":1,"value":1e999}',
      '{"sensorId":"a","timestamp":"01/02/2020","value":1}',
      `{"sensorId":"a","timestamp":1,"value":1,"pad":"${'x'.repeat(300)}"}`,
      good(2),
    ];
    const text = lines.join('\r\n'); // no final newline
    const path = tmp('mixed.ndjson', text);
    const { events, rejects, bytes } = await collect({ path, maxLineBytes: 200 });
    expect(events.map((e) => e.value)).toEqual([0, 1, 2]);
    expect(rejects.map((r) => r.reason)).toEqual(['invalid_json', 'not_an_object', 'missing_field', 'wrong_type', 'non_finite', 'bad_timestamp', 'too_large']);
    expect(rejects[0].raw).toBe(lines[4]);
    expect(rejects.every((r) => r.source === 'file')).toBe(true);
    expect(bytes).toBe(Buffer.byteLength(text));
  });

  it('reads stdin when path is "-", in batches of at most batchMaxEvents', async () => {
    const n = 10_000;
    const text = Array.from({ length: n }, (_, i) => good(i)).join('\n') + '\n';
    const chunks = [];
    for (let i = 0; i < text.length; i += 777) chunks.push(Buffer.from(text.slice(i, i + 777)));
    const { events, batches } = await collect({ path: '-', stdin: Readable.from(chunks), batchMaxEvents: 1000 });
    expect(events.length).toBe(n);
    expect(events.map((e) => e.value)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(Math.max(...batches)).toBeLessThanOrEqual(1000);
  });

  it('awaits emit (backpressure) before reading on', async () => {
    const path = tmp('bp.jsonl', Array.from({ length: 5000 }, (_, i) => good(i)).join('\n'));
    let release: () => void = () => {};
    let emits = 0;
    const src = new FileSource({ path, batchMaxEvents: 100 });
    const done = src.run({
      emit: () => {
        emits++;
        return new Promise<void>((r) => (release = r));
      },
      reject: () => {},
    });
    await until(() => emits === 1);
    // Give the source every chance to read on: the whole 5000-line file fits in one or two chunks.
    await new Promise((r) => setTimeout(r, 100));
    expect(emits).toBe(1); // still blocked on the first batch
    const mid = src.position();
    release();
    await until(() => emits === 2);
    await src.stop();
    release();
    await done;
    expect(mid).toBeUndefined(); // between the batches of one read: no clean checkpoint position
  });
});

describe('FileSource: CSV edge cases', () => {
  it('quoted fields, \\r\\n, wrong column counts → invalid_csv, numeric text parsed', async () => {
    const text =
      'sensor,time,reading,unit\r\n' +
      '"plant 1, line 2",2024-01-01T00:00:00Z,1.5,C\r\n' +
      '"say ""hi""",2024-01-01T00:00:01+01:00,2,\r\n' +
      '"multi\nline",1704067200000,3,%\r\n' +
      'short,2024-01-01,4\r\n' +
      'bad,2024-01-01,abc,C\r\n' +
      'x"y,2024-01-01,5,C\r\n';
    const path = tmp('edge.csv', text);
    const { events, rejects } = await collect({ path, mapping: { key: 'sensor', time: 'time', value: 'reading' } });
    expect(events).toEqual([
      { sensorId: 'plant 1, line 2', timestamp: Date.UTC(2024, 0, 1), value: 1.5, unit: 'C' },
      { sensorId: 'say "hi"', timestamp: Date.UTC(2024, 0, 1) + 1000 - 3_600_000, value: 2 },
      { sensorId: 'multi\nline', timestamp: 1_704_067_200_000, value: 3, unit: '%' },
    ]);
    expect(rejects.map((r) => [r.reason, r.raw])).toEqual([
      ['invalid_csv', 'short,2024-01-01,4'],
      ['wrong_type', 'bad,2024-01-01,abc,C'],
      ['invalid_csv', 'x"y,2024-01-01,5,C'],
    ]);
    expect(rejects[0].detail).toMatch(/3 fields, the header has 4/);
  });

  it('TSV by extension', async () => {
    const path = tmp('t.tsv', 'k\tt\tv\na b\t2024-01-01\t7\n');
    const { events } = await collect({ path, mapping: { key: 'k', time: 't', value: 'v' } });
    expect(events).toEqual([{ sensorId: 'a b', timestamp: Date.UTC(2024, 0, 1), value: 7 }]);
  });

  it('a mapping naming a column the header lacks fails with the list of columns', async () => {
    const path = join(DATA, 'weather.csv');
    await expect(collect({ path, mapping: { key: 'city', time: 'date', value: 'temp_max' } })).rejects.toThrow(
      /key "city".*location, date, precipitation, temp_max/,
    );
  });
});

describe('FileSource: errors and pacing', () => {
  it('a missing file rejects run() with an Error naming the path', async () => {
    const path = join(dir, 'does-not-exist.jsonl');
    await expect(collect({ path })).rejects.toThrow(path);
  });

  it('a JSON document without a record array, or a bad records path, is a clear error', async () => {
    await expect(collect({ path: tmp('obj.json', '{"a":1,"b":"x"}') })).rejects.toThrow(/no array of records.*a, b/);
    await expect(collect({ path: tmp('two.json', '{"a":[],"b":[]}') })).rejects.toThrow(/several arrays \(a, b\)/);
    await expect(collect({ path: tmp('rec.json', '{"data":{"rows":5}}'), records: 'data.rows' })).rejects.toThrow(/data\.rows.*number/);
    await expect(collect({ path: tmp('broken.json', '[{"a":') })).rejects.toThrow(/broken\.json.*not a valid JSON/);
    const single = await collect({ path: tmp('single.json', '{"meta":{},"rows":[{"sensorId":"a","timestamp":1,"value":2}]}') });
    expect(single.events).toEqual([{ sensorId: 'a', timestamp: 1, value: 2 }]);
  });

  it('bad options are rejected up front', () => {
    expect(() => new FileSource({ path: 'x.jsonl', speed: 0 })).toThrow(/speed/);
    expect(() => new FileSource({ path: 'x.jsonl', batchMaxEvents: 0 })).toThrow(/batchMaxEvents/);
    expect(() => new FileSource({ path: '' })).toThrow(/path/);
    expect(() => new FileSource({ path: 'x.jsonl', mapping: { timeUnit: 'minutes' as never } })).toThrow(/timeUnit/);
  });

  it('paces replay by event-time gaps ÷ speed on an injected clock; late events do not wait', async () => {
    const times = [0, 1000, 2000, 2000, 1500, 5000];
    const base = 1_700_000_000_000;
    const path = tmp('paced.jsonl', times.map((t, i) => JSON.stringify({ sensorId: 'a', timestamp: base + t, value: i })).join('\n'));
    let fake = 0;
    const sleeps: number[] = [];
    const emitted: Array<[number, number[]]> = [];
    const src = new FileSource({
      path,
      speed: 2,
      now: () => fake,
      sleep: async (ms) => {
        sleeps.push(ms);
        fake += ms;
      },
    });
    await src.run({ emit: (e) => void emitted.push([fake, e.map((x) => x.value)]), reject: () => {} });
    expect(sleeps).toEqual([500, 500, 1500]);
    expect(emitted).toEqual([
      [0, [0]],
      [500, [1]],
      [1000, [2, 3, 4]],
      [2500, [5]],
    ]);
  });

  it('stop() ends a slow paced replay', async () => {
    const path = tmp('slow.jsonl', [0, 60_000].map((t) => JSON.stringify({ sensorId: 'a', timestamp: t, value: 1 })).join('\n'));
    const src = new FileSource({ path, speed: 1 });
    let n = 0;
    const done = src.run({ emit: (e) => void (n += e.length), reject: () => {} });
    while (n === 0) await new Promise((r) => setTimeout(r, 5));
    await src.stop();
    await done;
    expect(n).toBe(1);
  });
});

describe('FileSource: checkpoint position and seek', () => {
  /** Reads everything (or stops after `stopAfterEmits` emits); notes the position and events handed over at each emit. */
  async function readAll(src: FileSource, stopAfterEmits = Infinity) {
    const events: StreamEvent[] = [];
    const rejects: DeadLetter[] = [];
    const atEmit: Array<{ position: unknown; events: number; rejects: number }> = [];
    await src.run({
      emit: (evs) => {
        events.push(...evs);
        atEmit.push({ position: src.position(), events: events.length, rejects: rejects.length });
        if (atEmit.length >= stopAfterEmits) void src.stop();
      },
      reject: (r) => rejects.push(...r),
    });
    return { events, rejects, atEmit };
  }

  for (const format of ['jsonl', 'csv', 'json'] as const) {
    it(`${format}: resuming at a clean position continues with exactly the records not handed over`, async () => {
      const rows = Array.from({ length: 20_000 }, (_, i) => ({ sensorId: `s${i % 13}`, timestamp: 1000 + i, value: i % 5 === 0 ? 'bad' : i }));
      const text =
        format === 'jsonl'
          ? rows.map((r, i) => (i % 500 === 7 ? 'not json' : JSON.stringify(r))).join('\n') + '\n'
          : format === 'csv'
            ? 'sensorId,timestamp,value\n' + rows.map((r) => `${r.sensorId},${r.timestamp},${r.value}`).join('\n') + '\n'
            : JSON.stringify(rows);
      const path = tmp(`resume.${format}`, text);
      const full = await readAll(new FileSource({ path, batchMaxEvents: 64 }));
      expect(full.rejects.length).toBeGreaterThan(0);
      let resumedMidFile = 0;
      for (const stopAfter of [1, 60, 150, 250]) {
        const first = await readAll(new FileSource({ path, batchMaxEvents: 64 }), stopAfter);
        // Before the first clean position nothing counts as handed over: a restart reads from the start.
        const last = first.atEmit.filter((a) => a.position !== undefined).at(-1) ?? { position: undefined, events: 0, rejects: 0 };
        const resumed = new FileSource({ path, batchMaxEvents: 64 });
        if (last.position !== undefined) {
          resumedMidFile++;
          await resumed.seek(last.position);
        }
        const rest = await readAll(resumed);
        expect([...first.events.slice(0, last.events), ...rest.events]).toEqual(full.events);
        expect([...first.rejects.slice(0, last.rejects), ...rest.rejects].map((r) => r.raw)).toEqual(full.rejects.map((r) => r.raw));
      }
      expect(resumedMidFile).toBeGreaterThanOrEqual(2);
    });
  }

  it('refuses to resume into a changed file, or another file', async () => {
    const path = tmp('changed.jsonl', Array.from({ length: 100 }, (_, i) => JSON.stringify({ sensorId: 'a', timestamp: i, value: i })).join('\n') + '\n');
    const first = await readAll(new FileSource({ path }));
    const pos = first.atEmit.at(-1)!.position;
    expect(pos).toBeDefined();
    writeFileSync(path, JSON.stringify({ sensorId: 'b', timestamp: 1, value: 1 }) + '\n');
    await expect(new FileSource({ path }).seek(pos)).rejects.toThrow(/changed since the checkpoint.*refusing/);
    await expect(new FileSource({ path: tmp('other.jsonl', '') }).seek(pos)).rejects.toThrow(/checkpoint is of input/);
  });
});

describe('FileSource: invalid UTF-8 (issue 10, the whole class: every file format)', () => {
  const bad = Buffer.from([0x62, 0xff, 0xfe]); // "b" then two bytes that are never UTF-8
  const good = (key: string, t: number) => `{"sensorId":"${key}","timestamp":${t},"value":1}\n`;

  it('jsonl: the record with invalid bytes is dead-lettered as invalid_utf8; the others, a real U+FFFD included, pass', async () => {
    const content = Buffer.concat([
      Buffer.from(good('a', 1)),
      Buffer.from('{"sensorId":"'), bad, Buffer.from('","timestamp":2,"value":1}\n'),
      Buffer.from(good('c', 3)),
    ]);
    const { events, rejects } = await collect({ path: tmp('bad-utf8.jsonl', content) });
    expect(events.map((e) => e.sensorId)).toEqual(['a', 'c']);
    expect(rejects.map((r: DeadLetter) => r.reason)).toEqual(['invalid_utf8']);
    const clean = await collect({ path: tmp('real-fffd.jsonl', good('x\uFFFD', 1)) });
    expect(clean.events.map((e) => e.sensorId)).toEqual(['x\uFFFD']);
  });

  it('csv and json documents: the same rule', async () => {
    const csv = Buffer.concat([Buffer.from('sensorId,timestamp,value\na,1,1\n'), bad, Buffer.from(',2,1\nc,3,1\n')]);
    const c = await collect({ path: tmp('bad-utf8.csv', csv) });
    expect(c.events.map((e) => e.sensorId)).toEqual(['a', 'c']);
    expect(c.rejects.map((r: DeadLetter) => r.reason)).toEqual(['invalid_utf8']);
    const json = Buffer.concat([Buffer.from('[{"sensorId":"a","timestamp":1,"value":1},{"sensorId":"'), bad, Buffer.from('","timestamp":2,"value":1}]')]);
    const j = await collect({ path: tmp('bad-utf8.json', json) });
    expect(j.events.map((e) => e.sensorId)).toEqual(['a']);
    expect(j.rejects.map((r: DeadLetter) => r.reason)).toEqual(['invalid_utf8']);
  });
});
