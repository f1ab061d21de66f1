/**
 * JSONL files resume exactly: a writer rewound to a commit point and fed the same lines again ends
 * byte for byte as a writer that never stopped — with rotation, also when rotations happened after
 * the commit point.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonlWriter } from '../src-main/engine/sinks/jsonl-writer';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ss-jsonl-commit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ n: from + i, pad: 'x'.repeat((from + i) % 17) }));

async function filesOf(d: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(d)).sort()) out[name] = await readFile(join(d, name), 'utf8');
  return out;
}

describe('JSONL commit point and resume', () => {
  for (const opts of [{}, { maxBytes: 700, maxFiles: 3 }, { maxBytes: 300, maxFiles: 50 }]) {
    it(`ends as an uninterrupted writer (${JSON.stringify(opts)})`, async () => {
      const ref = join(dir, 'ref');
      const w0 = new JsonlWriter(join(ref, 'out.jsonl'), opts);
      for (let b = 0; b < 10; b++) await w0.write(lines(b * 10, 10));
      await w0.close();

      const path = join(dir, 'run', 'out.jsonl');
      const w1 = new JsonlWriter(path, opts);
      for (let b = 0; b < 4; b++) await w1.write(lines(b * 10, 10));
      const point = await w1.commitPoint();
      // Written after the checkpoint, then the process "dies": taken back on recovery.
      for (let b = 4; b < 8; b++) await w1.write(lines(b * 10, 10));
      await w1.close();

      const w2 = new JsonlWriter(path, opts);
      await w2.resumeFrom(point);
      for (let b = 4; b < 10; b++) await w2.write(lines(b * 10, 10));
      await w2.close();
      expect(await filesOf(join(dir, 'run'))).toEqual(await filesOf(ref));
    });
  }

  it('refuses to resume when the file was replaced', async () => {
    const path = join(dir, 'out.jsonl');
    const w1 = new JsonlWriter(path);
    await w1.write(lines(0, 3));
    const point = await w1.commitPoint();
    await w1.close();
    await rm(path);
    const w2 = new JsonlWriter(path);
    await expect(w2.resumeFrom(point)).rejects.toThrow(/gone.*--fresh/);
  });

  it('standard output has no commit point', async () => {
    await expect(new JsonlWriter('-').commitPoint()).rejects.toThrow(/standard output/);
  });
});
