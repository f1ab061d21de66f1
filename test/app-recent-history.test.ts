import { describe, expect, it } from 'vitest';
import { FrameBuilder } from '../src-main/app/frame-builder';
import { RecentHistory } from '../src-main/app/history/recent-history';
import type { AppStatus } from '../src-shared/contract';
import { StubPipeline, result } from './support/app-stub-pipeline';

const stub = new StubPipeline({ source: { type: 'sim' }, window: { kind: 'tumbling', sizeMs: 5000 }, alertThreshold: 80, sinks: [], metrics: false });
const status: AppStatus = {
  state: 'running',
  transport: 'web',
  config: { source: { type: 'sim' }, rateEventsPerSec: 1, window: { kind: 'tumbling', sizeMs: 5000 }, alertThreshold: 80, timing: { timeMode: 'event', maxOutOfOrdernessMs: 0, allowedLatenessMs: 0, idleTimeoutMs: 0 }, sinks: [], queues: stub.config.queues },
};
const metricsAt = (at: number) => ({ ...stub.metrics.snapshot(), at });

describe('recent history for a new subscriber', () => {
  it('is bounded, spaces chart samples, and seeds only the first frame of a new builder', () => {
    const h = new RecentHistory({ metricsSamples: 3, metricsSpacingMs: 500, results: 2, late: 2, deadLetters: 2, logs: 2 });
    for (let t = 0; t <= 3000; t += 100) h.addMetrics(metricsAt(t)); // 7 kept by spacing, 3 by the bound
    h.addResults([result(0), result(1), result(2)]);
    h.addLog({ level: 'info', msg: 'a', at: 1 });
    h.addLog({ level: 'warn', msg: 'b', at: 2 });
    h.addLog({ level: 'warn', msg: 'c', at: 3 });

    const b = new FrameBuilder();
    h.seed(b);
    const first = b.take(metricsAt(3100), status);
    expect(first.history?.map((m) => m.at)).toEqual([2000, 2500, 3000]);
    expect(first.results).toEqual([result(1), result(2)]);
    expect(first.logs.map((l) => l.msg)).toEqual(['b', 'c']);
    const second = b.take(metricsAt(3200), status);
    expect(second.history).toBeUndefined();
    expect(second.results).toEqual([]);
  });
});
