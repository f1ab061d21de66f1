/**
 * End-to-end row: HTTP ingest. A pipeline with the `http` source runs in a child process; this
 * process is the loopback client, POSTing pre-built NDJSON bodies (`Content-Type: application/x-ndjson`)
 * over a keep-alive connection, one request in flight by default (parallel requests interleave
 * event times beyond the out-of-orderness bound and make events late). Timed from the first request to
 * the pipeline's stop (every window fired), so queued events are included.
 */
import { Agent, request } from 'node:http';
import type { Launcher } from '../lib/bundle';
import { ROOT } from '../lib/bundle';
import { startChild } from '../lib/spawn';
import { toNdjsonLines, type Workload } from '../lib/workload';

/** Result of the HTTP ingest row. Rates in events/s, memory in MB. */
export interface HttpRun {
  ok: boolean;
  error?: string;
  eventsPerSec: number;
  wallMs: number;
  maxRssMB?: number;
  processed: number;
}

function post(url: string, body: Buffer, agent: Agent): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/ingest`,
      { method: 'POST', agent, headers: { 'content-type': 'application/x-ndjson', 'content-length': body.length } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs the row on `w` (tumbling window flag `windowFlag`), bodies of `eventsPerBody` lines. */
export async function runHttpIngest(w: Workload, windowFlag: string, launch: Launcher, timeoutMs: number, eventsPerBody = 20_000, concurrency = 1): Promise<HttpRun> {
  const bodies: Buffer[] = [];
  for (let i = 0; i < w.spec.events; i += eventsPerBody) bodies.push(Buffer.from(toNdjsonLines(w, i, Math.min(w.spec.events, i + eventsPerBody)), 'utf8'));
  let ready!: (url: string) => void;
  const urlP = new Promise<string>((r) => (ready = r));
  const child = startChild([...launch('bench/e2e/http-child.ts'), '--window', windowFlag, '--max-out-of-orderness', String(w.spec.jitterMs)], {
    timeoutMs,
    cwd: ROOT,
    stdin: true,
    onLine: (line) => {
      if (line.startsWith('BENCH_READY ')) ready((JSON.parse(line.slice(12)) as { url: string }).url);
    },
  });
  const url = await Promise.race([urlP, child.result.then((r) => Promise.reject(new Error(r.error ?? 'http child exited')))]);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const t0 = performance.now();
  let next = 0;
  let failure: string | undefined;
  const worker = async (): Promise<void> => {
    while (next < bodies.length && failure === undefined) {
      const body = bodies[next++];
      const r = await post(url, body, agent);
      if (r.status !== 200) failure = `HTTP ${r.status}: ${r.text.slice(0, 200)}`;
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } catch (e) {
    failure = (e as Error).message;
  }
  child.write('stop\n');
  const res = await child.result;
  const wallMs = performance.now() - t0;
  agent.destroy();
  const processed = res.events ?? 0;
  const ok = failure === undefined && res.ok && processed === w.spec.events;
  return {
    ok,
    error: ok ? undefined : failure ?? res.error ?? `processed ${processed} of ${w.spec.events} events (${res.note ?? ''})`,
    eventsPerSec: (processed / wallMs) * 1000,
    wallMs,
    maxRssMB: res.maxRssMB,
    processed,
  };
}
