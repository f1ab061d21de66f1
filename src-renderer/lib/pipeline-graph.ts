/**
 * The pipeline graph's model: source → ingress queue → window operator → each sink queue → sink,
 * each node with its busy / backpressured ms per second and each edge with its rate, and where the
 * bottleneck is. The rule is Flink's: the bottleneck is the first stage downstream of a
 * backpressured (held back) one that is itself not held back; a queue that sheds counts as its
 * producer being held back (the load is lost instead of waited for).
 */
import type { MetricsSnapshot, QueueSnapshot } from '../../src-shared/types';
import { formatCompact as compact } from './format';
import { queueLevel } from './series';

/** ms/s from which a stage counts as held back (Flink's "high" backpressure starts at 100 ms/s). */
export const HELD_MS_PER_SEC = 100;

/** How a node is drawn: by its busy time, or held back by backpressure. */
export type NodeHeat = 'idle' | 'busy' | 'hot' | 'held';

/** One stage of the graph. */
export interface GraphNode {
  id: string;
  kind: 'source' | 'queue' | 'operator' | 'sink';
  label: string;
  /** A line of numbers under the label. */
  detail: string;
  /** Busy ms/s (0..1000), null when the stage does not report it. */
  busyMsPerSec: number | null;
  /** Backpressured ms/s (0..1000): time this stage spent blocked on the queue after it. */
  backpressuredMsPerSec: number;
  heat: NodeHeat;
  /** For queues: ok / warn / critical by fill, backpressure and drops. */
  level?: 'ok' | 'warn' | 'critical';
  bottleneck: boolean;
}

/** One branch after the operator: a sink's queue and the sink. */
export interface GraphBranch {
  queue: GraphNode;
  sink: GraphNode;
  /** Results/s into the queue and out of it to the sink. */
  inPerSec: number;
  outPerSec: number | null;
}

/** The whole graph. */
export interface GraphModel {
  source: GraphNode;
  ingress: GraphNode;
  operator: GraphNode;
  branches: GraphBranch[];
  /** Events/s source → ingress, ingress → operator. */
  deliveredPerSec: number;
  processedPerSec: number;
  /** Id of the bottleneck node, or null when nothing is held back. */
  bottleneck: string | null;
}

function heat(busy: number | null, held: number): NodeHeat {
  if (held >= HELD_MS_PER_SEC * 5) return 'held';
  if (busy !== null && busy >= 500) return 'hot';
  if (held >= HELD_MS_PER_SEC) return 'held';
  if (busy !== null && busy >= 100) return 'busy';
  return 'idle';
}

const round = (v: number): number => Math.round(v);

/**
 * Build the graph from a metrics snapshot, the per-queue drop rates (events/s) and the per-sink
 * delivery rates (results/s, computed by the caller from consecutive snapshots; missing → null).
 * Queues named `sink:<name>` are the sink queues; a snapshot without an ingress queue gives an
 * empty ingress node.
 */
export function buildGraph(m: MetricsSnapshot, dropRates: Record<string, number>, sinkSentPerSec: Record<string, number>): GraphModel {
  const ingressQ = m.queues.find((q) => q.name === 'ingress');
  const sinkQs = m.queues.filter((q) => q.name.startsWith('sink:'));
  const shedding = (q: QueueSnapshot | undefined): boolean => !!q && (dropRates[q.name] ?? 0) > 0;
  const held = (q: QueueSnapshot | undefined): boolean => !!q && (q.backpressuredMsPerSec >= HELD_MS_PER_SEC || shedding(q));

  const sourceName = m.sources[0]?.name ?? 'no source';
  const sourceBp = ingressQ?.backpressuredMsPerSec ?? 0;
  const operatorBusy = ingressQ?.busyMsPerSec ?? 0;
  const operatorBp = Math.max(0, ...sinkQs.map((q) => q.backpressuredMsPerSec));
  const queueNode = (q: QueueSnapshot | undefined, id: string, label: string): GraphNode => ({
    id,
    kind: 'queue',
    label,
    detail: q ? `${compact(q.peakDepthEvents)} / ${compact(q.capacityEvents)} · ${q.policy}${shedding(q) ? ` · shedding ${compact(dropRates[q.name] ?? 0)}/s` : ''}` : '—',
    busyMsPerSec: null,
    backpressuredMsPerSec: q?.backpressuredMsPerSec ?? 0,
    heat: 'idle',
    level: q ? queueLevel(q, shedding(q)) : 'ok',
    bottleneck: false,
  });

  const source: GraphNode = {
    id: 'source',
    kind: 'source',
    label: `source: ${sourceName}`,
    detail: `${compact(m.rates.receivedPerSec)} ev/s · backpressured ${round(sourceBp)} ms/s`,
    busyMsPerSec: null,
    backpressuredMsPerSec: sourceBp,
    heat: heat(null, shedding(ingressQ) ? HELD_MS_PER_SEC * 5 : sourceBp),
    bottleneck: false,
  };
  const ingress = queueNode(ingressQ, 'ingress', 'ingress queue');
  const operator: GraphNode = {
    id: 'operator',
    kind: 'operator',
    label: 'window operator',
    detail: `busy ${round(operatorBusy)} ms/s · backpressured ${round(operatorBp)} ms/s`,
    busyMsPerSec: operatorBusy,
    backpressuredMsPerSec: operatorBp,
    heat: heat(operatorBusy, operatorBp),
    bottleneck: false,
  };
  const branches: GraphBranch[] = sinkQs.map((q) => {
    const name = q.name.slice('sink:'.length);
    return {
      queue: queueNode(q, q.name, `${name} queue`),
      sink: {
        id: `sink-${name}`,
        kind: 'sink',
        label: `sink: ${name}`,
        detail: `busy ${round(q.busyMsPerSec)} ms/s`,
        busyMsPerSec: q.busyMsPerSec,
        backpressuredMsPerSec: 0,
        heat: heat(q.busyMsPerSec, 0),
        bottleneck: false,
      },
      inPerSec: m.rates.emittedPerSec,
      outPerSec: sinkSentPerSec[name] ?? null,
    };
  });

  // Flink's rule: walk downstream from the source; the first stage that is not held back behind a
  // held-back one is the bottleneck. A sink queue that is full, held or shedding points at its sink.
  const worstSink = branches
    .filter((b) => held(sinkQs.find((q) => q.name === b.queue.id)) || b.queue.level === 'critical')
    .sort((a, b) => (b.sink.busyMsPerSec ?? 0) - (a.sink.busyMsPerSec ?? 0))[0];
  let bottleneck: string | null = null;
  if (worstSink) {
    worstSink.sink.bottleneck = true;
    worstSink.queue.bottleneck = true;
    bottleneck = worstSink.sink.id;
  } else if (held(ingressQ) || ingress.level === 'critical') {
    operator.bottleneck = true;
    ingress.bottleneck = true;
    bottleneck = operator.id;
  }
  return { source, ingress, operator, branches, deliveredPerSec: m.rates.receivedPerSec, processedPerSec: m.rates.processedPerSec, bottleneck };
}
