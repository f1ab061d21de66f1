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

/** Result of the renderer row. */
export interface RendererRun {
  skipped?: string;
  ok: boolean;
  error?: string;
  medianFps?: number;
  maxFrameMs?: number;
  frames?: number;
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
    // The same command the rate slider sends, over the app's WebSocket contract.
    const reply = await page.evaluate(async (r) => {
      const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws`);
      const rates: number[] = [];
      (window as unknown as { __benchRates: number[] }).__benchRates = rates;
      return await new Promise<string>((resolve) => {
        ws.onmessage = (m) => {
          const msg = JSON.parse(String(m.data)) as { id?: number; reply?: { ok: boolean; error?: string }; frame?: { metrics?: { rates?: { processedPerSec?: number } } } };
          if (msg.frame?.metrics?.rates?.processedPerSec !== undefined) rates.push(msg.frame.metrics.rates.processedPerSec);
          if (msg.id === 1) resolve(msg.reply?.ok ? 'ok' : `setRate refused: ${msg.reply?.error}`);
        };
        ws.onopen = () => ws.send(JSON.stringify({ id: 1, cmd: { type: 'setRate', rateEventsPerSec: r } }));
        ws.onerror = () => resolve('WebSocket error');
      });
    }, rate);
    if (reply !== 'ok') return { ok: false, error: reply };
    await page.waitForTimeout(1500); // let the rate ramp up and the charts fill
    await page.evaluate(() => ((window as unknown as { __benchRates: number[] }).__benchRates.length = 0));
    const stamps = await page.evaluate(
      (ms) =>
        new Promise<number[]>((resolve) => {
          const ts: number[] = [];
          const step = (t: number): void => {
            ts.push(t);
            if (t - ts[0] < ms) requestAnimationFrame(step);
            else resolve(ts);
          };
          requestAnimationFrame(step);
        }),
      measureMs,
    );
    const rates = await page.evaluate(() => (window as unknown as { __benchRates: number[] }).__benchRates);
    const intervals = stamps.slice(1).map((t, i) => t - stamps[i]);
    if (intervals.length === 0) return { ok: false, error: 'no animation frames' };
    return {
      ok: true,
      medianFps: 1000 / median(intervals),
      maxFrameMs: Math.max(...intervals),
      frames: intervals.length,
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
