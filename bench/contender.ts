/**
 * Child process of the bench: runs ONE contender on ONE workload file and prints a
 * `BENCH_RESULT {json}` line (events/s, peak RSS). Loading the workload and building the event
 * objects is not timed; everything from the first event handed over to the last window fired is.
 * Usage: node --import tsx bench/contender.ts --contender NAME --workload FILE [--batch 4096]
 */
import { parseArgs } from 'node:util';
import { CONTENDERS } from './contenders/index';
import { maxRssMB, printResult, rssMB } from './lib/child-result';
import type { ContenderName } from './lib/contender-types';
import { operatorSettings, readWorkload, toEvents } from './lib/workload';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { contender: { type: 'string' }, workload: { type: 'string' }, batch: { type: 'string', default: '4096' } },
  });
  const name = values.contender as ContenderName;
  const contender = CONTENDERS[name];
  if (contender === undefined || values.workload === undefined) throw new Error(`usage: --contender ${Object.keys(CONTENDERS).join('|')} --workload FILE`);
  const w = readWorkload(values.workload);
  const events = toEvents(w);
  const job = { events, window: w.spec.window, ...operatorSettings(w.spec), batchEvents: Number(values.batch) };
  const rssBeforeMB = rssMB();
  let rows = 0;
  let countTotal = 0;
  const t0 = performance.now();
  try {
    await contender(job, (batch) => {
      rows += batch.length;
      for (let i = 0; i < batch.length; i++) countTotal += batch[i].count;
    });
  } catch (e) {
    printResult({ ok: false, error: `${(e as Error).name}: ${(e as Error).message}`, elapsedMs: performance.now() - t0, maxRssMB: maxRssMB(), rssBeforeMB, rows });
    return;
  }
  const elapsedMs = performance.now() - t0;
  printResult({
    ok: true,
    eventsPerSec: (events.length / elapsedMs) * 1000,
    elapsedMs,
    events: events.length,
    rows,
    countTotal,
    maxRssMB: maxRssMB(),
    rssBeforeMB,
  });
}

main().then(
  () => process.exit(0),
  (e) => {
    printResult({ ok: false, error: String((e as Error)?.stack ?? e) });
    process.exit(1);
  },
);
