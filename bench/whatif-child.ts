/**
 * Child process of the bench's what-if rows (issue 14). Two modes, one `BENCH_RESULT` line each:
 * - `--mode recompute --events N --workload-label "tumbling 1s" --keys K`: generates the bench
 *   workload, records it into the retained-history ring (untimed; memory per retained event measured
 *   as the growth of array buffers + heap after GC), then times one what-if replay over all of it
 *   (no yielding, windows flushed at the end).
 * - `--mode live --workload FILE --retain on|off`: the whole pipeline on a workload file, as the
 *   streamscope contender runs it, with or without the history tap.
 * Usage: node --expose-gc --import tsx bench/whatif-child.ts --mode …
 */
import { parseArgs } from 'node:util';
import type { StreamEvent } from '../src-shared/types';
import { EventHistory } from '../src-main/engine/history/event-history';
import { Pipeline } from '../src-main/engine/pipeline';
import { replayHistory } from '../src-main/engine/whatif/replay';
import { ArraySource } from './contenders/array-source';
import { benchPipelineConfig, RowCountingSink } from './contenders/streamscope';
import { maxRssMB, printResult, rssMB } from './lib/child-result';
import { benchWorkloads, generateWorkload, keyName, operatorSettings, readWorkload, toEvents } from './lib/workload';

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const memBytes = (): number => {
  const m = process.memoryUsage();
  return m.arrayBuffers + m.heapUsed;
};

async function recompute(events: number, label: string, keys: number): Promise<void> {
  const spec = benchWorkloads(events, [keys]).find((s) => s.label === label);
  if (spec === undefined) throw new Error(`no workload labelled ${label}`);
  let w: ReturnType<typeof generateWorkload> | undefined = generateWorkload(spec);
  const names = Array.from({ length: keys }, (_, i) => keyName(i));
  gc();
  const before = memBytes();
  const history = new EventHistory({ maxEvents: events });
  const batch: StreamEvent[] = Array.from({ length: 4096 }, () => ({ sensorId: '', timestamp: 0, value: 0 }));
  for (let i = 0; i < events; i += batch.length) {
    const n = Math.min(batch.length, events - i);
    for (let j = 0; j < n; j++) {
      const e = batch[j];
      e.sensorId = names[w.keyIndex[i + j]];
      e.timestamp = w.timestamps[i + j];
      e.value = w.values[i + j];
    }
    history.record(n === batch.length ? batch : batch.slice(0, n));
  }
  gc();
  const bytesPerEvent = (memBytes() - before) / events;
  w = undefined;
  gc();
  const rssBeforeMB = rssMB();
  let rows = 0;
  let countTotal = 0;
  const t0 = performance.now();
  const run = await replayHistory(history, { window: spec.window, ...operatorSettings(spec) }, {
    sliceMs: Infinity,
    onResults: (b) => {
      rows += b.length;
      for (const r of b) if (!r.isUpdate) countTotal += r.count;
    },
  });
  const elapsedMs = performance.now() - t0;
  // Each event counts once per window it belongs to: size / slide windows when hopping.
  const perEvent = spec.window.kind === 'hopping' ? spec.window.sizeMs / spec.window.slideMs : 1;
  const ok = run.lateEvents === 0 && countTotal === events * perEvent;
  printResult({
    ok,
    error: ok ? undefined : `expected ${events * perEvent} counted, got ${countTotal} (${run.lateEvents} late)`,
    eventsPerSec: (events / elapsedMs) * 1000,
    elapsedMs,
    events,
    rows,
    countTotal,
    maxRssMB: maxRssMB(),
    rssBeforeMB,
    note: JSON.stringify({ bytesPerEvent, historyBytes: history.summary().bytes }),
  });
}

async function live(file: string, retain: boolean): Promise<void> {
  const w = readWorkload(file);
  const events = toEvents(w);
  const job = { window: w.spec.window, ...operatorSettings(w.spec) };
  const history = retain ? new EventHistory() : undefined;
  let rows = 0;
  let tapMs = 0;
  const pipeline = new Pipeline(benchPipelineConfig(job), {
    hostSinks: [new RowCountingSink((b) => (rows += b.length))],
    source: new ArraySource(events, 4096),
    onOperatorInput:
      history === undefined
        ? undefined
        : (b) => {
            const t = performance.now();
            history.record(b);
            tapMs += performance.now() - t;
          },
  });
  const rssBeforeMB = rssMB();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await pipeline.start();
  await pipeline.done;
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  // CPU time (user + system, all threads): less sensitive than wall time to other work on the machine.
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const ok = history === undefined || history.size === Math.min(events.length, history.maxEvents);
  printResult({
    ok,
    error: ok ? undefined : `history holds ${history?.size} events, expected ${events.length}`,
    eventsPerSec: (events.length / elapsedMs) * 1000,
    elapsedMs,
    events: events.length,
    rows,
    maxRssMB: maxRssMB(),
    rssBeforeMB,
    note: JSON.stringify({ cpuMs, tapMs }),
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      mode: { type: 'string' },
      events: { type: 'string', default: '10000000' },
      'workload-label': { type: 'string', default: 'tumbling 1s' },
      keys: { type: 'string', default: '10000' },
      workload: { type: 'string' },
      retain: { type: 'string', default: 'on' },
    },
  });
  if (values.mode === 'recompute') await recompute(Number(values.events), values['workload-label']!, Number(values.keys));
  else if (values.mode === 'live' && values.workload !== undefined) await live(values.workload, values.retain === 'on');
  else throw new Error('usage: --mode recompute --events N --workload-label L --keys K | --mode live --workload FILE --retain on|off');
}

main().then(
  () => process.exit(0),
  (e) => {
    printResult({ ok: false, error: String((e as Error)?.stack ?? e) });
    process.exit(1);
  },
);
