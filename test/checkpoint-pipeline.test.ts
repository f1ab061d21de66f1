/**
 * The coordinator wired into a pipeline, in process: a finished replay stores a final checkpoint and
 * reports it in /metrics; the same pipeline started again resumes it, reads nothing again and leaves
 * the output as it was (not truncated); "checkpoint now" works on a running pipeline.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalDirStore } from '../src-main/engine/checkpoint/local-dir-store';
import { Pipeline } from '../src-main/engine/pipeline';

const dir = mkdtempSync(join(tmpdir(), 'ss-ckpt-pipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const input = join(dir, 'in.jsonl');
writeFileSync(input, Array.from({ length: 5000 }, (_, i) => JSON.stringify({ sensorId: `k${i % 7}`, timestamp: 1000 * i, value: i })).join('\n') + '\n');

function pipeline(ck: string, out: string, source: Record<string, unknown> = { type: 'file', path: input }) {
  const logs: string[] = [];
  const p = new Pipeline(
    { source, window: 'tumbling:10s', sinks: [{ type: 'file', path: out }], metrics: false },
    { checkpoints: { store: new LocalDirStore(ck), where: ck, intervalMs: 0 } },
  );
  p.onLog((l) => logs.push(l.msg));
  return { p, logs };
}

describe('checkpoints in a pipeline', () => {
  it('a finished replay stores a final checkpoint; started again it resumes it and reads nothing again', async () => {
    const ck = join(dir, 'ck1');
    const out = join(dir, 'out1.jsonl');
    const first = pipeline(ck, out);
    await first.p.start();
    await first.p.done;
    const text = readFileSync(out, 'utf8');
    expect(text.split('\n').filter(Boolean)).toHaveLength(7 * 500);
    const metrics = await first.p.metrics.registry.metrics();
    expect(metrics).toMatch(/streamscope_checkpoints_total\{result="completed"\} 1/);
    expect(metrics).toMatch(/streamscope_checkpoint_size_bytes [1-9]/);
    expect(metrics).toMatch(/streamscope_checkpoint_duration_seconds_count 1/);

    const second = pipeline(ck, out);
    await second.p.start();
    await second.p.done;
    expect(second.p.resumedFrom).toMatchObject({ epoch: 1, finished: true });
    expect(second.logs.join('\n')).toMatch(/processed all of its input/);
    expect(readFileSync(out, 'utf8')).toBe(text);
  });

  it('"checkpoint now" on a running simulation, restored by the next start', async () => {
    const ck = join(dir, 'ck2');
    const out = join(dir, 'out2.jsonl');
    const sim = { type: 'sim', sensors: 20, rateEventsPerSec: 20_000, seed: 3 };
    const first = pipeline(ck, out, sim);
    await first.p.start();
    await new Promise((r) => setTimeout(r, 300));
    const info = await first.p.checkpoints!.checkpoint();
    expect(info?.epoch).toBe(1);
    expect(info!.bytes).toBeGreaterThan(0);
    await first.p.suspend();
    const second = pipeline(ck, out, sim);
    await second.p.start();
    expect(second.p.resumedFrom?.epoch).toBe(2);
    expect(second.p.resumedFrom?.position).toMatch(/simulated record \d+/);
    await second.p.stop();
  });
});
