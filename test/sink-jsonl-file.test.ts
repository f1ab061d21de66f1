import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WindowResult } from '../src-shared/types';
import { JsonlFileSink, JsonlWriter, rotatedPath } from '../src-main/engine/sinks/jsonl-file-sink';
import { windowResult } from './support/window-result';

const result = (i: number): WindowResult =>
  windowResult(`sensor-${i % 7}`, i * 1000, { count: i + 1, sum: i * 2, avg: 2, min: 0, max: i, alertCount: i % 3, emittedAt: 1_700_000_000_000 + i });

async function readLines(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8');
  if (text.length > 0) expect(text.endsWith('\n')).toBe(true);
  return text.split('\n').filter((l) => l.length > 0);
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sink-jsonl-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('rotatedPath', () => {
  it('puts the index before the extension', () => {
    expect(rotatedPath('/a/output.jsonl', 1)).toBe('/a/output.1.jsonl');
    expect(rotatedPath('/a/output', 3)).toBe('/a/output.3');
  });
});

describe('JsonlFileSink', { timeout: 20_000 }, () => {
  it('writes one parseable line per result and creates parent dirs', async () => {
    const path = join(dir, 'deep', 'er', 'output.jsonl');
    const sink = new JsonlFileSink({ path });
    await sink.write([result(0), result(1)]);
    await sink.write([result(2)]);
    await sink.close();
    const lines = await readLines(path);
    expect(lines.map((l) => JSON.parse(l))).toEqual([result(0), result(1), result(2)]);
    expect(sink.name).toBe('file');
  });

  it('close() flushes everything written without awaiting each write', async () => {
    const path = join(dir, 'output.jsonl');
    const sink = new JsonlFileSink({ path });
    const n = 20_000;
    const writes: Promise<void>[] = [];
    for (let i = 0; i < n; i += 100) writes.push(sink.write(Array.from({ length: 100 }, (_, j) => result(i + j))));
    await sink.close();
    await Promise.all(writes);
    const lines = await readLines(path);
    expect(lines).toHaveLength(n);
    expect(JSON.parse(lines[n - 1]).count).toBe(n);
    expect(sink.stats().lines).toBe(n);
  });

  it('rotates by size without losing or splitting a line, oldest data in the highest index', async () => {
    const path = join(dir, 'output.jsonl');
    const maxBytes = 2000;
    const sink = new JsonlFileSink({ path, maxBytes, maxFiles: 1000 });
    const n = 1000;
    for (let i = 0; i < n; i += 37) {
      await sink.write(Array.from({ length: Math.min(37, n - i) }, (_, j) => result(i + j)));
    }
    await sink.close();
    const files = (await readdir(dir)).sort();
    expect(files.length).toBeGreaterThan(5);
    const rotations = sink.stats().rotations;
    expect(files.length).toBe(rotations + 1);
    const all: WindowResult[] = [];
    for (let k = rotations; k >= 1; k--) {
      const p = rotatedPath(path, k);
      expect((await stat(p)).size).toBeLessThanOrEqual(maxBytes);
      for (const line of await readLines(p)) all.push(JSON.parse(line));
    }
    for (const line of await readLines(path)) all.push(JSON.parse(line));
    expect(all).toHaveLength(n);
    expect(all.map((r) => r.count)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  });

  it('keeps only maxFiles rotated files', async () => {
    const path = join(dir, 'output.jsonl');
    const sink = new JsonlFileSink({ path, maxBytes: 500, maxFiles: 2 });
    for (let i = 0; i < 200; i++) await sink.write([result(i)]);
    await sink.close();
    expect(sink.stats().rotations).toBeGreaterThan(3);
    expect((await readdir(dir)).sort()).toEqual(['output.1.jsonl', 'output.2.jsonl', 'output.jsonl']);
    // The newest file ends with the last result.
    const last = (await readLines(path)).at(-1)!;
    expect(JSON.parse(last).count).toBe(200);
  });

  it('truncates at start by default, keeps content with append', async () => {
    const path = join(dir, 'output.jsonl');
    await writeFile(path, '{"old":true}\n');
    const appending = new JsonlFileSink({ path, append: true });
    await appending.write([result(1)]);
    await appending.close();
    expect(await readLines(path)).toHaveLength(2);

    const truncating = new JsonlFileSink({ path });
    await truncating.close();
    expect(await readFile(path, 'utf8')).toBe('');
  });

  it('rejects invalid options with the field named', () => {
    expect(() => new JsonlFileSink({ path: '' })).toThrow(/path/);
    expect(() => new JsonlFileSink({ path: 'x', maxBytes: -1 })).toThrow(/maxBytes/);
  });

  it('rejects an unwritable path instead of losing data silently', async () => {
    const blocker = join(dir, 'file');
    await writeFile(blocker, 'x');
    const sink = new JsonlFileSink({ path: join(blocker, 'out.jsonl') });
    await expect(sink.write([result(1)])).rejects.toThrow(/EEXIST|ENOTDIR/);
    await expect(sink.close()).rejects.toThrow(/EEXIST|ENOTDIR/);
  });
});

describe('JsonlWriter', () => {
  it('rejects values JSON cannot encode and writes nothing of that call', async () => {
    const path = join(dir, 'dead.jsonl');
    const w = new JsonlWriter(path);
    await w.write([{ a: 1 }]);
    await expect(w.write([{ b: 2 }, { big: 1n }])).rejects.toThrow(/BigInt/);
    await w.write([{ c: 3 }]);
    await w.close();
    expect((await readLines(path)).map((l) => JSON.parse(l))).toEqual([{ a: 1 }, { c: 3 }]);
  });

  it('rejects writes after close and does not create a file it never wrote', async () => {
    const path = join(dir, 'never.jsonl');
    const w = new JsonlWriter(path);
    await w.close();
    await expect(w.write([{ a: 1 }])).rejects.toThrow(/after close/);
    expect(existsSync(path)).toBe(false);
  });
});
