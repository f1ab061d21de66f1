/**
 * The pipeline graph: source → ingress queue → window operator → each sink queue → sink, live.
 * Stages are coloured by their busy time (amber, red when busy most of the second) or drawn dark
 * when held back by backpressure; queues by fill and drops; each edge carries its rate. The
 * bottleneck (Flink's rule, see lib/pipeline-graph) gets a thick red outline and a label, so it is
 * seen without reading numbers.
 */
import { memo, useRef } from 'react';
import type { MetricsSnapshot } from '../../src-shared/types';
import { formatCompact } from '../lib/format';
import { buildGraph, type GraphNode } from '../lib/pipeline-graph';
import { useDashboard } from '../store/store-context';

const Node = memo(function Node({ n }: { n: GraphNode }) {
  const cls = `graph-node graph-${n.kind} heat-${n.heat}${n.level ? ` level-${n.level}` : ''}${n.bottleneck ? ' graph-bottleneck' : ''}`;
  return (
    <div className={cls} data-testid={`graph-node-${n.id}`} data-heat={n.heat} data-level={n.level ?? ''} data-bottleneck={n.bottleneck ? 'true' : 'false'} title={n.detail}>
      <span className="graph-label">{n.label}</span>
      <span className="graph-detail">{n.detail}</span>
      {n.bottleneck && n.kind !== 'queue' ? <span className="graph-flag">bottleneck</span> : null}
    </div>
  );
});

function Edge({ rate, unit }: { rate: number | null; unit: string }) {
  return (
    <div className="graph-edge" aria-hidden="true">
      <span className="graph-rate">{rate === null ? '…' : `${formatCompact(rate)} ${unit}`}</span>
      <span className="graph-arrow">→</span>
    </div>
  );
}

/** Per-sink results/s from consecutive snapshots' sent totals. */
function useSinkRates(m: MetricsSnapshot | null | undefined): Record<string, number> {
  const prev = useRef<{ at: number; sent: Record<string, number>; rates: Record<string, number> } | null>(null);
  if (!m) return {};
  const p = prev.current;
  if (p && p.at === m.at) return p.rates;
  const sent = Object.fromEntries(m.sinks.map((s) => [s.name, s.sentResults]));
  const rates: Record<string, number> = {};
  if (p && m.at > p.at) for (const [k, v] of Object.entries(sent)) if (p.sent[k] !== undefined) rates[k] = Math.max(0, ((v - p.sent[k]) * 1000) / (m.at - p.at));
  prev.current = { at: m.at, sent, rates };
  return rates;
}

export const PipelineGraph = memo(function PipelineGraph() {
  const m = useDashboard((s) => s.view.metrics);
  const dropRates = useDashboard((s) => s.view.queueDropRates);
  const sinkRates = useSinkRates(m);
  const g = m ? buildGraph(m, dropRates, sinkRates) : null;
  return (
    <section className="card" aria-labelledby="graph-heading" data-testid="pipeline-graph" data-bottleneck={g?.bottleneck ?? ''}>
      <header className="card-header">
        <h2 id="graph-heading">Pipeline</h2>
      </header>
      <p className="card-description" data-testid="graph-summary">
          {g?.bottleneck ? `Bottleneck: ${[g.operator, ...g.branches.map((b) => b.sink)].find((n) => n.id === g.bottleneck)?.label}.` : 'Nothing held back.'}{' '}
          Red: busy most of the second; dark: held back by backpressure.
      </p>
      {!g ? (
        <p className="empty">No metrics yet.</p>
      ) : (
        <div className="graph">
          <Node n={g.source} />
          <Edge rate={g.deliveredPerSec} unit="ev/s" />
          <Node n={g.ingress} />
          <Edge rate={g.processedPerSec} unit="ev/s" />
          <Node n={g.operator} />
          <div className="graph-branches">
            {g.branches.map((b) => (
              <div className="graph-branch" key={b.queue.id}>
                <Edge rate={b.inPerSec} unit="res/s" />
                <Node n={b.queue} />
                <Edge rate={b.outPerSec} unit="res/s" />
                <Node n={b.sink} />
              </div>
            ))}
          </div>
        </div>
      )}
    </section>
  );
});
