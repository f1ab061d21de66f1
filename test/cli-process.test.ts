import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { WindowResult } from '../src-shared/types';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'streamscope.mjs');
const dataDir = join(import.meta.dirname, '..', 'node_modules', 'vega-datasets', 'data');

async function cli(args: string[], input?: string) {
  try {
    const p = run(process.execPath, [BIN, ...args], { maxBuffer: 64 * 1024 * 1024 });
    if (input !== undefined) {
      p.child.stdin!.end(input);
    }
    const { stdout, stderr } = await p;
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

describe('streamscope process', () => {
  it('replays the real Seattle hourly normals into exact daily windows', async () => {
    const csv = readFileSync(join(dataDir, 'seattle-weather-hourly-normals.csv'), 'utf8');
    // Independent expectation: group rows by UTC day with plain string handling.
    const expected = new Map<string, { count: number; sum: number; min: number; max: number; alerts: number }>();
    for (const row of lines(csv).slice(1)) {
      const [date, , temperature] = row.split(',');
      const day = date.slice(0, 10);
      const v = Number(temperature);
      const e = expected.get(day) ?? { count: 0, sum: 0, min: Infinity, max: -Infinity, alerts: 0 };
      e.count++;
      e.sum += v;
      e.min = Math.min(e.min, v);
      e.max = Math.max(e.max, v);
      if (v > 20) e.alerts++;
      expected.set(day, e);
    }
    const { code, stdout, stderr } = await cli([
      'process', '--input', join(dataDir, 'seattle-weather-hourly-normals.csv'),
      '--key', '=seattle', '--time', 'date', '--value', 'temperature',
      '--window', 'tumbling:1d', '--alert-threshold', '20',
    ]);
    expect(code).toBe(0);
    const results = lines(stdout).map((l) => JSON.parse(l) as WindowResult);
    expect(results.length).toBe(expected.size);
    for (const r of results) {
      const day = new Date(r.windowStart).toISOString().slice(0, 10);
      const e = expected.get(day)!;
      expect(r.sensorId).toBe('seattle');
      expect(r.windowEnd - r.windowStart).toBe(86_400_000);
      expect(r.count).toBe(e.count);
      expect(r.sum).toBeCloseTo(e.sum, 6);
      expect(r.min).toBe(e.min);
      expect(r.max).toBe(e.max);
      expect(r.alertCount).toBe(e.alerts);
    }
    expect(stderr).toMatch(/windows emitted: 365/);
  });

  it('replays real earthquakes (GeoJSON) keyed by network, every event counted once', async () => {
    const doc = JSON.parse(readFileSync(join(dataDir, 'earthquakes.json'), 'utf8')) as {
      features: Array<{ properties: { net: string; mag: number | null } }>;
    };
    const perNet = new Map<string, number>();
    for (const f of doc.features) if (typeof f.properties.mag === 'number') perNet.set(f.properties.net, (perNet.get(f.properties.net) ?? 0) + 1);
    const { code, stdout } = await cli([
      'process', '--input', join(dataDir, 'earthquakes.json'),
      '--key', 'properties.net', '--time', 'properties.time', '--value', 'properties.mag',
      '--window', 'tumbling:1h', '--max-out-of-orderness', '7d',
    ]);
    expect(code).toBe(0);
    const got = new Map<string, number>();
    for (const r of lines(stdout).map((l) => JSON.parse(l) as WindowResult)) got.set(r.sensorId, (got.get(r.sensorId) ?? 0) + r.count);
    expect(got).toEqual(perNet);
  });

  it('writes late events and dead letters to their files, and never loses an input line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-cli-'));
    const input = [
      '{"sensorId":"k","timestamp":1000,"value":1}',
      'garbage',
      '{"sensorId":"k","timestamp":"yesterday","value":1}',
      '{"sensorId":"k","timestamp":20000,"value":2}',
      '{"sensorId":"k","timestamp":2000,"value":3}',
      '',
      '{"sensorId":"k","value":3}',
    ].join('\n');
    writeFileSync(join(dir, 'in.jsonl'), input);
    const { code, stdout, stderr } = await cli([
      'process', '--input', join(dir, 'in.jsonl'), '--window', 'tumbling:5s',
      '--late-output', join(dir, 'late.jsonl'), '--dead-letter', join(dir, 'dl.jsonl'), '--output', join(dir, 'out.jsonl'),
    ]);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    const late = lines(readFileSync(join(dir, 'late.jsonl'), 'utf8')).map((l) => JSON.parse(l));
    expect(late.map((l) => l.event.timestamp)).toEqual([2000]);
    const dl = lines(readFileSync(join(dir, 'dl.jsonl'), 'utf8')).map((l) => JSON.parse(l));
    expect(dl.map((d) => d.reason).sort()).toEqual(['bad_timestamp', 'invalid_json', 'missing_field']);
    const out = lines(readFileSync(join(dir, 'out.jsonl'), 'utf8')).map((l) => JSON.parse(l) as WindowResult);
    expect(out.map((r) => [r.windowStart, r.count])).toEqual([[0, 1], [20000, 1]]);
    expect(stderr).toMatch(/late: 1/);
    expect(stderr).toMatch(/rejected: 3/);
  });

  it('skips a UTF-8 byte-order mark at the start of JSON Lines and JSON files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-bom-'));
    writeFileSync(join(dir, 'a.jsonl'), '\uFEFF{"sensorId":"a","timestamp":1000,"value":1}\n');
    writeFileSync(join(dir, 'a.json'), '\uFEFF[{"sensorId":"a","timestamp":1000,"value":1}]');
    for (const file of ['a.jsonl', 'a.json']) {
      const { code, stdout, stderr } = await cli(['process', '--input', join(dir, file), '--window', 'tumbling:1s']);
      expect(code).toBe(0);
      expect(lines(stdout)).toHaveLength(1);
      expect(stderr).toMatch(/rejected: 0/);
    }
  });

  it('prints its usage with --help and exits 0', async () => {
    const { code, stdout } = await cli(['process', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/--window tumbling:5s/);
  });

  it('without a command, says what is missing on stderr and exits 2', async () => {
    const { code, stderr } = await cli([]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/missing command/);
  });

  it('reads stdin with --input -', async () => {
    const { code, stdout } = await cli(['process', '--input', '-', '--window', 'session:10s'],
      '{"sensorId":"s","timestamp":0,"value":1}\n{"sensorId":"s","timestamp":5000,"value":2}\n{"sensorId":"s","timestamp":30000,"value":3}\n');
    expect(code).toBe(0);
    const rs = lines(stdout).map((l) => JSON.parse(l) as WindowResult);
    expect(rs.map((r) => [r.windowStart, r.windowEnd, r.count])).toEqual([[0, 15000, 2], [30000, 40000, 1]]);
  });

  it.each([
    [['process', '--window', 'tumbling:5s'], /--input is required/],
    [['process', '--input', 'x.jsonl', '--window', 'weekly:5s'], /--window/],
    [['process', '--input', 'x.jsonl', '--window', 'hopping:5s:10s'], /slide must be <= size/],
    [['process', '--input', 'x.jsonl', '--window', 'hopping:1d:1ms'], /too fine/],
    [['process', '--input', 'x.jsonl', '--window', 'tumbling:5s', '--allowed-lateness', 'soon'], /--allowed-lateness/],
    [['process', '--input', 'x.jsonl', '--window', 'tumbling:5s', '--bogus'], /bogus/],
    [['frobnicate'], /unknown command/],
  ])('bad flags give one clear line and exit code 2: %j', async (args, message) => {
    const { code, stderr } = await cli(args as string[]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(lines(stderr).length).toBe(1);
  });

  it('exits 1 and says why when every record was rejected (a wrong format or mapping is not a success)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamscope-rejected-'));
    const input = join(dir, 'bad.jsonl');
    writeFileSync(input, 'not json\n{"a":1}\n');
    const { code, stderr } = await cli(['process', '--input', input, '--output', join(dir, 'out.jsonl'), '--window', 'tumbling:1s', '--dead-letter', join(dir, 'dead.jsonl')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/every record was rejected \(2\)/);
  });

  it('a negative --rate says what is wrong with it, not "ambiguous"', async () => {
    const { code, stderr } = await cli(['run', '--rate', '-5']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/rateEventsPerSec.*-5/);
    expect(stderr).not.toMatch(/ambiguous/);
  });

  it('partition: one JSON line per key with its FNV-1a partition and subject, for publishers in any language', async () => {
    // Reference values: FNV-1a 32-bit, "a" = 0xe40c292c, "foobar" = 0xbf9cf968 (the published test vectors).
    const { code, stdout } = await cli(['partition', '--count', '3', '--subjects', 'sensors.>', 'a', 'foobar']);
    expect(code).toBe(0);
    expect(lines(stdout).map((l) => JSON.parse(l))).toEqual([
      { key: 'a', partition: 0xe40c292c % 3, subject: `sensors.${0xe40c292c % 3}` },
      { key: 'foobar', partition: 0xbf9cf968 % 3, subject: `sensors.${0xbf9cf968 % 3}` },
    ]);
    expect((await cli(['partition', '--count', '0', 'a'])).code).toBe(2);
  });

  it('a missing input file is one clear line and exit code 2', async () => {
    const { code, stderr } = await cli(['process', '--input', '/nonexistent/file.jsonl', '--window', 'tumbling:5s']);
    expect(code).toBe(2);
    expect(lines(stderr)).toEqual(['streamscope: --input /nonexistent/file.jsonl: no such file']);
  });

  it('--checkpoint-dir with an output that is not a regular file (/dev/null) is one clear line and exit 2, not an fsync error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-ck-devnull-'));
    const input = join(dir, 'in.jsonl');
    writeFileSync(input, '{"sensorId":"a","timestamp":1,"value":1}\n');
    const { code, stderr } = await cli(['process', '--input', input, '--window', 'tumbling:5s', '--output', '/dev/null', '--checkpoint-dir', join(dir, 'ck')]);
    expect(code).toBe(2);
    expect(lines(stderr)).toEqual([expect.stringMatching(/--output to be a regular file \(\/dev\/null is not\)/)]);
  });
});
