/**
 * Live capacity child: the app's pipeline (sim source asking far more than any machine sustains,
 * blocking ingress queue of 100,000, tumbling 5 s windows, no sinks) with `--keys N` distinct keys.
 * After a warm-up it measures the events the window operator processed per second of wall time:
 * the rate the live app sustains, with the source held back by backpressure. Prints one result line.
 */
import { parseArgs } from 'node:util';
import { Pipeline } from '../../src-main/engine/pipeline';
import { maxRssMB, printResult } from '../lib/child-result';

const { values } = parseArgs({ options: { keys: { type: 'string' }, 'warmup-ms': { type: 'string' }, 'measure-ms': { type: 'string' } } });
const keys = Number(values.keys ?? 10);
const warmupMs = Number(values['warmup-ms'] ?? 3000);
const measureMs = Number(values['measure-ms'] ?? 5000);

async function main(): Promise<void> {
  const p = new Pipeline({
    source: { type: 'sim', sensors: keys, rateEventsPerSec: 100_000_000, jitterMs: 0, malformedRate: 0 },
    window: 'tumbling:5s',
    maxOutOfOrdernessMs: 1000,
    sinks: [],
    queues: { ingress: { maxEvents: 100_000, policy: 'block' } },
    metrics: false,
  });
  await p.start();
  await new Promise((r) => setTimeout(r, warmupMs));
  const before = p.metrics.snapshot();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, measureMs));
  const after = p.metrics.snapshot();
  const elapsedMs = performance.now() - t0;
  const ingress = after.queues.find((q) => q.name === 'ingress');
  await p.stop();
  const events = after.eventsProcessed - before.eventsProcessed;
  printResult({
    ok: true,
    eventsPerSec: (events * 1000) / elapsedMs,
    elapsedMs,
    events,
    maxRssMB: maxRssMB(),
    note: `source backpressured ${Math.round(ingress?.backpressuredMsPerSec ?? 0)} ms/s, operator busy ${Math.round(ingress?.busyMsPerSec ?? 0)} ms/s`,
  });
}

main().catch((e: Error) => {
  printResult({ ok: false, error: e.message });
  process.exitCode = 1;
});
