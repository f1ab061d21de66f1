/**
 * Child process of the bench's memory row: N events of ONE key in ONE tumbling window (1 h; the
 * events span 50 min), generated batch by batch so the input itself is never held. Reports the peak
 * RSS growth over the idle process (after loading and building the pipeline, before the first event).
 * Usage: node --expose-gc bench/memory-child.ts --contender streamscope|naive --events 10000000
 */
import { parseArgs } from 'node:util';
import type { StreamEvent } from '../src-shared/types';
import { GeneratedSource } from './contenders/array-source';
import { naivePipeline } from './contenders/naive';
import { RowCountingSink, benchPipelineConfig } from './contenders/streamscope';
import { Pipeline } from '../src-main/engine/pipeline';
import { maxRssMB, printResult, rssMB } from './lib/child-result';
import type { ContenderJob } from './lib/contender-types';

const HOUR = 3_600_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % HOUR);

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { contender: { type: 'string' }, events: { type: 'string', default: '10000000' } } });
  const total = Number(values.events);
  const spanMs = 50 * 60_000;
  const make = (i: number): StreamEvent => ({ sensorId: 'sensor-00000', timestamp: T0 + Math.floor((i * spanMs) / total), value: i % 101 });
  const job: ContenderJob = { events: [], window: { kind: 'tumbling', sizeMs: HOUR }, maxOutOfOrdernessMs: 2000, allowedLatenessMs: 0, alertThreshold: 80, batchEvents: 4096 };
  let rows = 0;
  let count = 0;
  const sink = (b: readonly { count: number }[]): void => {
    rows += b.length;
    for (const r of b) count += r.count;
  };
  let seen = 0;
  const progress = setInterval(() => process.stdout.write(`BENCH_PROGRESS ${JSON.stringify({ seen, rssMB: Math.round(rssMB()) })}\n`), 500);
  progress.unref();
  let run: () => Promise<void>;
  if (values.contender === 'streamscope') {
    const pipeline = new Pipeline(benchPipelineConfig(job), {
      hostSinks: [new RowCountingSink(sink)],
      source: new GeneratedSource(total, 4096, (i) => (seen++, make(i))),
    });
    run = async () => {
      await pipeline.start();
      await pipeline.done;
    };
  } else if (values.contender === 'naive') {
    function* gen(): Generator<StreamEvent> {
      for (let i = 0; i < total; i++) {
        seen++;
        yield make(i);
      }
    }
    run = () => naivePipeline(gen(), job, sink);
  } else throw new Error('--contender streamscope|naive');

  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 50));
  const idleMB = rssMB();
  const t0 = performance.now();
  try {
    await run();
  } catch (e) {
    printResult({ ok: false, error: `${(e as Error).name}: ${(e as Error).message}`, elapsedMs: performance.now() - t0, maxRssMB: maxRssMB(), rssBeforeMB: idleMB, note: `after ${seen} events` });
    return;
  }
  const elapsedMs = performance.now() - t0;
  const ok = rows === 1 && count === total;
  printResult({
    ok,
    error: ok ? undefined : `expected one result of ${total} events, got ${rows} rows / ${count} events`,
    eventsPerSec: (total / elapsedMs) * 1000,
    elapsedMs,
    events: total,
    rows,
    countTotal: count,
    maxRssMB: maxRssMB(),
    rssBeforeMB: idleMB,
  });
}

main().then(
  () => process.exit(0),
  (e) => {
    printResult({ ok: false, error: String((e as Error)?.stack ?? e) });
    process.exit(1);
  },
);
