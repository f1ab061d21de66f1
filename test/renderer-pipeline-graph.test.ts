import { describe, expect, it } from 'vitest';
import type { MetricsSnapshot, QueueSnapshot } from '../src-shared/types';
import { buildGraph } from '../src-renderer/lib/pipeline-graph';

function queue(name: string, over: Partial<QueueSnapshot> = {}): QueueSnapshot {
  return { name, depthEvents: 0, peakDepthEvents: 0, capacityEvents: 1000, policy: 'block', backpressuredMsPerSec: 0, busyMsPerSec: 0, idleMsPerSec: 1000, droppedEvents: 0, ...over };
}

function metrics(queues: QueueSnapshot[]): MetricsSnapshot {
  return {
    at: 1, uptimeMs: 1, eventsReceived: 0, eventsProcessed: 0, eventsDropped: 0, eventsRejected: 0, lateEvents: 0, windowsEmitted: 0,
    backpressureEvents: 0, sinkErrors: 0,
    rates: { receivedPerSec: 5000, processedPerSec: 4000, droppedPerSec: 0, rejectedPerSec: 0, latePerSec: 0, emittedPerSec: 300 },
    watermark: null, watermarkLagMs: null, rejectedByReason: {}, queues,
    sources: [{ name: 'sim', receivedEvents: 0, bytesIn: 0, parseErrors: 0, state: 'connected', reconnects: 0 }],
    sinks: [], latencySeconds: { p50: null, p99: null },
  };
}

describe('pipeline graph model', () => {
  it('nothing held back: no bottleneck, rates on the edges', () => {
    const g = buildGraph(metrics([queue('ingress', { busyMsPerSec: 200 }), queue('sink:file')]), {}, { file: 300 });
    expect(g.bottleneck).toBeNull();
    expect(g.deliveredPerSec).toBe(5000);
    expect(g.processedPerSec).toBe(4000);
    expect(g.operator.heat).toBe('busy');
    expect(g.branches.map((b) => [b.queue.id, b.sink.id, b.inPerSec, b.outPerSec])).toEqual([['sink:file', 'sink-file', 300, 300]]);
  });

  it('source held back behind a busy operator: the operator is the bottleneck', () => {
    const g = buildGraph(metrics([queue('ingress', { backpressuredMsPerSec: 900, busyMsPerSec: 950, peakDepthEvents: 1000 }), queue('sink:file')]), {}, {});
    expect(g.bottleneck).toBe('operator');
    expect(g.source.heat).toBe('held');
    expect(g.operator.heat).toBe('hot');
    expect(g.operator.bottleneck).toBe(true);
    expect(g.ingress.level).toBe('critical');
  });

  it('a shedding ingress queue counts as the source held back', () => {
    const g = buildGraph(metrics([queue('ingress', { policy: 'drop-newest' }), queue('sink:file')]), { ingress: 100 }, {});
    expect(g.bottleneck).toBe('operator');
    expect(g.source.heat).toBe('held');
  });

  it('a slow sink whose queue fills or sheds is the bottleneck, even when the operator is held back too', () => {
    const g = buildGraph(
      metrics([
        queue('ingress', { backpressuredMsPerSec: 800, busyMsPerSec: 100 }),
        queue('sink:file', { busyMsPerSec: 10 }),
        queue('sink:throttled', { peakDepthEvents: 1000, backpressuredMsPerSec: 900, busyMsPerSec: 1000 }),
      ]),
      {},
      {},
    );
    expect(g.bottleneck).toBe('sink-throttled');
    expect(g.operator.heat).toBe('held');
    const slow = g.branches.find((b) => b.sink.id === 'sink-throttled')!;
    expect(slow.queue.bottleneck && slow.sink.bottleneck).toBe(true);
    expect(slow.sink.heat).toBe('hot');
    expect(g.branches.find((b) => b.sink.id === 'sink-file')!.sink.bottleneck).toBe(false);
  });
});
