/**
 * SystemSource on this machine: real, live samples (no mocks).
 */
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../src-shared/types';
import type { SourceOutput } from '../src-main/engine/component';
import { EngineMetrics } from '../src-main/engine/metrics/engine-metrics';
import { SystemSource } from '../src-main/engine/sources/system-source';
import os from 'node:os';

describe('SystemSource', () => {
  it('emits finite CPU, memory, network and disk samples with units, then stops cleanly', async () => {
    const metrics = new EngineMetrics();
    const src = new SystemSource({ intervalMs: 200, keyPrefix: 'h1.' }, { metrics });
    const batches: StreamEvent[][] = [];
    const out: SourceOutput = {
      emit(b) {
        batches.push(b);
      },
      reject() {
        throw new Error('system source must not reject');
      },
    };
    const before = Date.now();
    const running = src.run(out);
    const t0 = Date.now();
    while (batches.length < 3) {
      if (Date.now() - t0 > 20_000) throw new Error(`only ${batches.length} samples`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await Promise.all([src.stop(), src.stop()]);
    await expect(running).resolves.toBeUndefined();
    const n = batches.length;
    await new Promise((r) => setTimeout(r, 400));
    expect(batches.length).toBe(n); // nothing after stop

    const last = batches[batches.length - 1];
    const keys = new Set(last.map((e) => e.sensorId));
    const cores = os.cpus().length;
    for (let i = 0; i < cores; i++) expect(keys).toContain(`h1.cpu.core${i}`);
    for (const k of ['h1.cpu.total', 'h1.mem.used_pct', 'h1.mem.used_bytes']) expect(keys).toContain(k);
    expect([...keys].some((k) => /^h1\.net\..+\.rx_bytes_per_s$/.test(k))).toBe(true);
    for (const e of batches.flat()) {
      expect(Number.isFinite(e.value)).toBe(true);
      expect(e.value).toBeGreaterThanOrEqual(0);
      expect(e.timestamp).toBeGreaterThanOrEqual(before);
      expect(e.unit).toMatch(/^(%|bytes|bytes\/s)$/);
      if (e.unit === '%') expect(e.value).toBeLessThanOrEqual(100);
    }
    const mem = last.find((e) => e.sensorId === 'h1.mem.used_bytes')!;
    expect(mem.value).toBeGreaterThan(0);
    expect(mem.value).toBeLessThanOrEqual(os.totalmem());
    // Timestamps advance between samples.
    expect(batches[2][0].timestamp).toBeGreaterThan(batches[0][0].timestamp);
    expect(metrics.snapshot().sources.find((s) => s.name === 'system')!.state).toBe('stopped');
    expect(src.position().samples).toBe(n);
  });

  it('validates options', () => {
    expect(() => new SystemSource({ intervalMs: 5 })).toThrow(/intervalMs|100/);
  });
});
