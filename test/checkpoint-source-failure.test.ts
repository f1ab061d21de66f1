/**
 * Bug: a checkpoint requested while a just-switched source had no position yet waited for that
 * source's next clean position; when the source failed instead (a file that is not records), the
 * barrier waited forever — and with it "checkpoint now", every later checkpoint and the shutdown.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { LocalDirStore } from '../src-main/engine/checkpoint/local-dir-store';
import { Pipeline } from '../src-main/engine/pipeline';

let dir: string;
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('a checkpoint taken while the new source fails completes instead of waiting forever', async () => {
  dir = await mkdtemp(join(tmpdir(), 'streamscope-ckpt-fail-'));
  const ck = join(dir, 'ck');
  const bad = join(dir, 'not-records.json');
  await writeFile(bad, 'null');
  const p = new Pipeline(
    { source: { type: 'sim', sensors: 2, rateEventsPerSec: 200 }, window: { kind: 'tumbling', sizeMs: 1000 }, sinks: [], metrics: false },
    { onSourceEnd: 'continue', checkpoints: { store: new LocalDirStore(ck), where: ck, intervalMs: 0 } },
  );
  await p.start();
  try {
    await p.reconfigure({ source: { type: 'file', path: bad } });
    const bounded = <T>(x: Promise<T>): Promise<T | 'timeout'> =>
      Promise.race([x, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000).unref())]);
    expect(await bounded(p.checkpoints!.checkpoint().then(() => 'done'))).toBe('done');
    expect(p.sourceFailure).toMatch(/not-records\.json/);
    expect(await bounded(p.checkpoints!.checkpoint().then((i) => i?.epoch))).toBeGreaterThanOrEqual(1);
  } finally {
    await p.stop();
  }
}, 30_000);
