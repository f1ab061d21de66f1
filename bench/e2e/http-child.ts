/**
 * Child process of the bench's HTTP ingest row: a pipeline with the `http` source (POST /ingest on
 * its metrics server, 127.0.0.1, random port) and a counting host sink. Prints
 * `BENCH_READY {"url": ...}`, then on a line `stop` on stdin stops the pipeline (firing every window)
 * and prints `BENCH_RESULT` with the events processed and its peak RSS.
 * Usage: node bench/e2e/http-child.ts --window tumbling:1s --max-out-of-orderness 2000
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { parseConfig } from '../../src-main/engine/config';
import { Pipeline } from '../../src-main/engine/pipeline';
import { RowCountingSink } from '../contenders/streamscope';
import { maxRssMB, printResult } from '../lib/child-result';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { window: { type: 'string' }, 'max-out-of-orderness': { type: 'string', default: '2000' } } });
  let rows = 0;
  let count = 0;
  const config = parseConfig({
    source: { type: 'http', maxBodyBytes: 64 * 1024 * 1024 },
    window: values.window,
    timeMode: 'event',
    maxOutOfOrdernessMs: Number(values['max-out-of-orderness']),
    queues: { ingress: { maxEvents: 65_536, policy: 'block' }, sink: { maxEvents: 65_536, policy: 'block' } },
    sinks: [],
    metrics: { host: '127.0.0.1', port: 0 },
  });
  const pipeline = new Pipeline(config, {
    hostSinks: [
      new RowCountingSink((b) => {
        rows += b.length;
        for (const r of b) count += r.count;
      }),
    ],
  });
  await pipeline.start();
  process.stdout.write(`BENCH_READY ${JSON.stringify({ url: pipeline.metricsServer!.url })}\n`);
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    if (line.trim() !== 'stop') continue;
    await pipeline.stop();
    const s = pipeline.metrics.snapshot();
    printResult({ ok: s.eventsRejected === 0, events: s.eventsProcessed, rows, countTotal: count, maxRssMB: maxRssMB(), note: `rejected ${s.eventsRejected}, late ${s.lateEvents}` });
    break;
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    printResult({ ok: false, error: String((e as Error)?.stack ?? e) });
    process.exit(1);
  },
);
