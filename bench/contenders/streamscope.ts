/**
 * The streamscope contenders: (1) the whole engine through its public API, as the CLI runs it — a
 * `Pipeline` from a validated config, ingress queue, window operator, sink queue, a counting host
 * sink, metrics registry (no metrics server); (2) the bare window operator, to show what the pipeline
 * around it costs.
 */
import type { Sink } from '../../src-main/engine/component';
import { parseConfig } from '../../src-main/engine/config';
import { Pipeline } from '../../src-main/engine/pipeline';
import { createWindowOperator } from '../../src-main/engine/windows/create-operator';
import { emptyOutput } from '../../src-main/engine/windows/window-operator';
import type { WindowResult } from '../../src-shared/types';
import type { BenchRow, Contender, ContenderJob, RowSink } from '../lib/contender-types';
import { ArraySource } from './array-source';

/** A sink that hands results to the bench's row sink (counting or collecting). */
export class RowCountingSink implements Sink {
  readonly name = 'bench';
  constructor(private readonly rows: RowSink) {}
  async write(results: WindowResult[]): Promise<void> {
    this.rows(results as readonly BenchRow[]);
  }
  async close(): Promise<void> {}
}

/** The pipeline config the bench uses: the CLI's `process` settings, no sinks of its own, no metrics server. */
export function benchPipelineConfig(job: Pick<ContenderJob, 'window' | 'maxOutOfOrdernessMs' | 'allowedLatenessMs' | 'alertThreshold'>) {
  return parseConfig({
    source: { type: 'sim' }, // replaced by the bench's own source (PipelineOptions.source); never started
    window: job.window,
    timeMode: 'event',
    maxOutOfOrdernessMs: job.maxOutOfOrdernessMs,
    allowedLatenessMs: job.allowedLatenessMs,
    alertThreshold: job.alertThreshold,
    queues: { ingress: { maxEvents: 8192, policy: 'block' }, sink: { maxEvents: 8192, policy: 'block' } },
    sinks: [],
    metrics: false,
  });
}

/** The engine through `new Pipeline(config)`; rejects if late events appear (the workload has none). */
export const streamscope: Contender = async (job, sink) => {
  const pipeline = new Pipeline(benchPipelineConfig(job), {
    hostSinks: [new RowCountingSink(sink)],
    source: new ArraySource(job.events, job.batchEvents),
  });
  const errors: string[] = [];
  pipeline.onLog((l) => {
    if (l.level === 'error') errors.push(l.msg);
  });
  await pipeline.start();
  await pipeline.done;
  if (errors.length > 0) throw new Error(`pipeline errors: ${errors.join('; ')}`);
  const late = pipeline.metrics.snapshot().lateEvents;
  if (late > 0) throw new Error(`${late} events were late (the bench workload should have none)`);
};

/** The bare window operator (`createWindowOperator`), fed the same batches, no queues or metrics. */
export const streamscopeOperator: Contender = async (job, sink) => {
  const op = createWindowOperator({
    window: job.window,
    maxOutOfOrdernessMs: job.maxOutOfOrdernessMs,
    allowedLatenessMs: job.allowedLatenessMs,
    alertThreshold: job.alertThreshold,
  });
  const out = emptyOutput();
  const ev = job.events;
  const drain = (): void => {
    if (out.results.length > 0) sink(out.results);
    if (out.late.length > 0) throw new Error(`${out.late.length} events were late (the bench workload should have none)`);
    out.results = [];
    out.latenciesMs.length = 0;
  };
  for (let i = 0; i < ev.length; i += job.batchEvents) {
    op.process(ev.slice(i, i + job.batchEvents), Date.now(), out);
    drain();
  }
  op.advanceWatermark(Infinity, out);
  drain();
};
