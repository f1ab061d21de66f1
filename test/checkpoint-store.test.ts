import { mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeState, encodeState } from '../src-main/engine/checkpoint/codec';
import { LocalDirStore } from '../src-main/engine/checkpoint/local-dir-store';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ss-ckpt-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const bytes = (s: string) => new Uint8Array(Buffer.from(s));
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString());

describe('local directory checkpoint store', () => {
  it('keeps epochs per partition and returns the newest', async () => {
    const store = new LocalDirStore(dir);
    await store.put('p0', 1, bytes('one'));
    await store.put('p0', 2, bytes('two'));
    await store.put('p1', 7, bytes('other'));
    expect(await store.list('p0')).toEqual([1, 2]);
    const latest = await store.latest('p0');
    expect(latest?.epoch).toBe(2);
    expect(text(latest?.bytes)).toBe('two');
    expect(text((await store.latest('p1'))?.bytes)).toBe('other');
    expect(await store.latest('none')).toBeUndefined();
    expect((await readdir(join(dir, 'p0'))).filter((n) => n.startsWith('.tmp'))).toEqual([]);
  });

  it('prunes to the newest N and clears a partition', async () => {
    const store = new LocalDirStore(dir);
    for (let e = 1; e <= 5; e++) await store.put('p', e, bytes(`e${e}`));
    await store.prune('p', 3);
    expect(await store.list('p')).toEqual([3, 4, 5]);
    await store.clear('p');
    expect(await store.list('p')).toEqual([]);
  });

  it('skips a corrupt newest checkpoint for the previous one, and says so', async () => {
    const warnings: string[] = [];
    const store = new LocalDirStore(dir, { onWarn: (m) => warnings.push(m) });
    await store.put('p', 1, bytes('good'));
    await store.put('p', 2, bytes('flipped'));
    const path = join(dir, 'p', 'ckpt-000000000002.bin');
    const file = await readFile(path);
    file[30] ^= 0xff;
    await writeFile(path, file);
    const latest = await store.latest('p');
    expect(latest?.epoch).toBe(1);
    expect(text(latest?.bytes)).toBe('good');
    expect(warnings.join('\n')).toMatch(/ckpt-000000000002\.bin skipped: checksum mismatch.*previous one \(epoch 1\)/);
  });

  it('skips a partial (truncated) newest checkpoint', async () => {
    const warnings: string[] = [];
    const store = new LocalDirStore(dir, { onWarn: (m) => warnings.push(m) });
    await store.put('p', 1, bytes('good'));
    await store.put('p', 2, bytes('x'.repeat(1000)));
    await truncate(join(dir, 'p', 'ckpt-000000000002.bin'), 500);
    expect((await store.latest('p'))?.epoch).toBe(1);
    expect(warnings[0]).toMatch(/partial write/);
  });

  it('refuses partition names that are not plain file names', async () => {
    const store = new LocalDirStore(dir);
    await expect(store.put('../x', 1, bytes('a'))).rejects.toThrow(/partition name/);
  });

  it('round-trips encoded state with typed arrays and non-finite numbers', async () => {
    const store = new LocalDirStore(dir);
    const state = { wm: -Infinity, keys: Array.from({ length: 100 }, (_, i) => `k${i}`), data: Float64Array.from([1, Infinity, -0.5]), ids: Int32Array.from([3, -1]) };
    await store.put('p', 1, encodeState(state));
    expect(decodeState((await store.latest('p'))!.bytes)).toEqual(state);
  });
});
