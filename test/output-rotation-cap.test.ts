/**
 * Rotation with a total cap (issue 10, decision 3): one mechanism (JsonlWriter) bounds every JSONL
 * file; what the cap deletes is counted (bytes and lines) in the writer and in /metrics; the app's
 * late and dead-letter files are appended across Stop/Start, never emptied.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppController } from '../src-main/app/app-controller';
import { createEnginePipeline, type EngineConfig } from '../src-main/app/engine-pipeline';
import { EngineMetrics } from '../src-main/engine/metrics/engine-metrics';
import { Pipeline } from '../src-main/engine/pipeline';
import { JsonlWriter } from '../src-main/engine/sinks/jsonl-writer';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rotation-cap-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Sum of the sizes of every file in `dir` whose name starts with `prefix`. */
async function totalBytes(prefix: string): Promise<number> {
  let n = 0;
  for (const f of await readdir(dir)) if (f.startsWith(prefix)) n += (await stat(join(dir, f))).size;
  return n;
}

describe('JsonlWriter total cap', () => {
  it('keeps at most (maxFiles + 1) × maxBytes and counts exactly what it deleted', async () => {
    const discards: Array<[number, number]> = [];
    const w = new JsonlWriter(join(dir, 'late.jsonl'), { maxBytes: 1000, maxFiles: 2, onDiscard: (b, l) => discards.push([b, l]) });
    const line = { pad: 'x'.repeat(80) }; // 93 bytes as a line
    const lineBytes = JSON.stringify(line).length + 1;
    const n = 500;
    for (let i = 0; i < n; i += 10) await w.write(Array.from({ length: 10 }, () => line));
    await w.close();
    const kept = await totalBytes('late');
    expect(kept).toBeLessThanOrEqual(3 * 1000);
    const s = w.stats();
    expect(s.discardedBytes + kept).toBe(n * lineBytes);
    expect(s.discardedLines + kept / lineBytes).toBe(n);
    expect(discards.reduce((a, [b]) => a + b, 0)).toBe(s.discardedBytes);
    expect(existsSync(join(dir, 'late.3.jsonl'))).toBe(false);
  });

  it('counts a file left by an earlier run when the cap deletes it', async () => {
    await writeFile(join(dir, 'dl.1.jsonl'), '{"old":1}\n{"old":2}\n');
    const w = new JsonlWriter(join(dir, 'dl.jsonl'), { maxBytes: 30, maxFiles: 1, append: true });
    await w.write([{ a: 'aaaaaaaaaaaaaaaaaaaa' }, { a: 'bbbbbbbbbbbbbbbbbbbb' }]);
    await w.close();
    expect(w.stats()).toMatchObject({ discardedLines: 2, discardedBytes: 20 });
  });
});

describe('side outputs', () => {
  it('rotate by default in a CLI-built pipeline, and the cap shows in /metrics', async () => {
    const input = join(dir, 'in.jsonl');
    // Events far behind the first one are late: 2000 late events of ~100 bytes each.
    const lines = [JSON.stringify({ sensorId: 's', timestamp: 10_000_000, value: 1 })];
    for (let i = 0; i < 2000; i++) lines.push(JSON.stringify({ sensorId: 's', timestamp: i, value: i, pad: 'p'.repeat(40) }));
    await writeFile(input, lines.join('\n') + '\n');
    const metrics = new EngineMetrics();
    const p = new Pipeline(
      {
        source: { type: 'file', path: input },
        window: 'tumbling:1s',
        sinks: [{ type: 'file', path: join(dir, 'out.jsonl') }],
        lateOutput: join(dir, 'late.jsonl'),
        sideOutputs: { maxBytes: 20_000, maxFiles: 2 },
        metrics: false,
      },
      { metrics },
    );
    await p.start();
    await p.done;
    expect(metrics.snapshot().lateEvents).toBe(2000);
    expect(await totalBytes('late')).toBeLessThanOrEqual(3 * 20_000 + 300);
    const text = await metrics.registry.metrics();
    const lostLines = Number(/streamscope_output_discarded_lines_total\{output="late"\} (\d+)/.exec(text)?.[1]);
    let keptLines = 0;
    for (const f of await readdir(dir)) if (f.startsWith('late')) keptLines += (await readFile(join(dir, f), 'utf8')).split('\n').filter(Boolean).length;
    expect(lostLines).toBeGreaterThan(0);
    expect(lostLines + keptLines).toBe(2000);
  }, 30_000);

  it('in the app, Stop/Start appends to late.jsonl and dead-letter.jsonl instead of emptying them', async () => {
    const dataDir = join(dir, 'data');
    const controller = new AppController<EngineConfig>({ transport: 'web', dataDir, metrics: false, createPipeline: createEnginePipeline });
    try {
      await controller.init();
      await controller.command({ type: 'setSource', source: { type: 'sim', rateEventsPerSec: 5000, jitterMs: 3000, malformedRate: 0.05 } });
      const sizes = async () => [(await stat(join(dataDir, 'late.jsonl')).catch(() => ({ size: 0 }))).size, (await stat(join(dataDir, 'dead-letter.jsonl')).catch(() => ({ size: 0 }))).size];
      await vi.waitFor(async () => expect(Math.min(...(await sizes()))).toBeGreaterThan(0), { timeout: 20_000 });
      await controller.command({ type: 'stop' });
      const before = await sizes();
      await controller.command({ type: 'start' });
      await new Promise((r) => setTimeout(r, 200));
      const after = await sizes();
      expect(after[0]).toBeGreaterThanOrEqual(before[0]);
      expect(after[1]).toBeGreaterThanOrEqual(before[1]);
    } finally {
      await controller.close();
    }
  }, 40_000);
});
