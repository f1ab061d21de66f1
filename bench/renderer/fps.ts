/**
 * Renderer row: starts the web host (engine in Node, dashboard over HTTP + WebSocket), opens the
 * dashboard in headless Chromium (Playwright), sets the simulated source to the top rate through
 * the UI's WebSocket API (`setRate`, as the slider does), then records requestAnimationFrame
 * timestamps for `measureMs`: median frames/s and the longest frame. Skips (with the reason) when
 * out/renderer or /usr/bin/chromium is missing.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../lib/bundle';
import { median } from '../lib/spawn';

const CHROMIUM = '/usr/bin/chromium';

/** In the page: open the app's WebSocket, send setRate, keep the engine's processed rate per frame. */
const SET_RATE_JS = `new Promise((resolve) => {
  const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/ws');
  window.__benchRates = [];
  ws.onmessage = (m) => {
    const msg = JSON.parse(String(m.data));
    const r = msg.frame && msg.frame.metrics && msg.frame.metrics.rates && msg.frame.metrics.rates.processedPerSec;
    if (typeof r === 'number') window.__benchRates.push(r);
    if (msg.id === 1) resolve(msg.reply && msg.reply.ok ? 'ok' : 'setRate refused: ' + (msg.reply && msg.reply.error));
  };
  ws.onopen = () => ws.send(JSON.stringify({ id: 1, cmd: { type: 'setRate', rateEventsPerSec: __RATE__ } }));
  ws.onerror = () => resolve('WebSocket error');
})`;

/**
 * In the page: requestAnimationFrame timestamps for __MS__ ms, and the main-thread tasks over 50 ms
 * meanwhile (PerformanceObserver 'longtask', durations in ms; empty where unsupported).
 */
const RAF_JS = `new Promise((resolve) => {
  const ts = [];
  const longTasks = [];
  let observer = null;
  try {
    observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) longTasks.push(e.duration); });
    observer.observe({ type: 'longtask' });
  } catch (e) { observer = null; }
  const step = (t) => {
    ts.push(t);
    if (t - ts[0] < __MS__) requestAnimationFrame(step);
    else {
      if (observer) { for (const e of observer.takeRecords()) longTasks.push(e.duration); observer.disconnect(); }
      resolve({ ts, longTasks });
    }
  };
  requestAnimationFrame(step);
})`;

/** Result of the renderer row. */
export interface RendererRun {
  skipped?: string;
  ok: boolean;
  error?: string;
  medianFps?: number;
  maxFrameMs?: number;
  frames?: number;
  /** Frames divided by the measured time (long frames pull it below the median). */
  meanFps?: number;
  /** Main-thread tasks over 50 ms during the measurement: how many, the longest and their total (ms). */
  longTasks?: { count: number; maxMs: number; totalMs: number };
  /** Median processed events/s the engine reported in its frames during the measurement. */
  engineEventsPerSec?: number;
  rateSet?: number;
}

/** Measures the dashboard's frame rate with the engine at `rate` events/s. */
export async function measureRenderer(rate: number, measureMs: number): Promise<RendererRun> {
  const rendererDir = join(ROOT, 'out/renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) return { ok: false, skipped: 'out/renderer/index.html missing (run the renderer build)' };
  if (!existsSync(CHROMIUM)) return { ok: false, skipped: `${CHROMIUM} not found` };
  let chromium: typeof import('playwright').chromium;
  try {
    ({ chromium } = await import('playwright'));
  } catch (e) {
    return { ok: false, skipped: `playwright not loadable: ${(e as Error).message}` };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'streamscope-bench-web-'));
  const host = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src-main/web-host/main.ts'), '--port', '0', '--no-metrics', '--data-dir', dataDir, '--renderer-dir', rendererDir],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web host did not start in 30 s: ${log.slice(-300)}`)), 30_000);
    host.stdout.setEncoding('utf8').on('data', (c: string) => {
      log += c;
      const m = /Streamscope web host: (\S+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    host.stderr.setEncoding('utf8').on('data', (c: string) => (log += c));
    host.on('exit', (code) => reject(new Error(`web host exited with ${code}: ${log.slice(-300)}`)));
  }).catch((e: Error) => e);
  if (url instanceof Error) {
    host.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    return { ok: false, error: url.message };
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url, { waitUntil: 'load' });
    // The same command the rate slider sends, over the app's WebSocket contract. Page scripts are
    // passed as text: the bench runs under tsx, whose transpiled functions would not run in the page.
    const reply = (await page.evaluate(SET_RATE_JS.replace('__RATE__', String(rate)))) as string;
    if (reply !== 'ok') return { ok: false, error: reply };
    await page.waitForTimeout(1500); // let the rate ramp up and the charts fill
    await page.evaluate('window.__benchRates.length = 0');
    const { ts: stamps, longTasks } = (await page.evaluate(RAF_JS.replace('__MS__', String(measureMs)))) as { ts: number[]; longTasks: number[] };
    const rates = (await page.evaluate('window.__benchRates.slice()')) as number[];
    const intervals = stamps.slice(1).map((t, i) => t - stamps[i]);
    if (intervals.length === 0) return { ok: false, error: 'no animation frames' };
    return {
      ok: true,
      medianFps: 1000 / median(intervals),
      maxFrameMs: Math.max(...intervals),
      frames: intervals.length,
      meanFps: (intervals.length / (stamps[stamps.length - 1] - stamps[0])) * 1000,
      longTasks: {
        count: longTasks.length,
        maxMs: longTasks.length > 0 ? Math.max(...longTasks) : 0,
        totalMs: longTasks.reduce((a, b) => a + b, 0),
      },
      engineEventsPerSec: rates.length > 0 ? median(rates) : undefined,
      rateSet: rate,
    };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  } finally {
    await browser.close();
    host.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    if (host.exitCode === null) host.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}
