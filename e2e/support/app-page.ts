/**
 * One dashboard session for an e2e spec: its own web host (port 0, temp data dir), a fresh browser
 * context, the page, the frames the page received over `/ws`, and console errors.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Frame } from '../../src-shared/contract';
import type { WindowResult } from '../../src-shared/types';
import { ARTIFACTS, ensureRendererBuilt, launchChromium } from './browser';
import { startWebHostProcess, type StartOptions, type WebHostProcess } from './web-host-process';

/** A running dashboard. */
export interface AppSession {
  host: WebHostProcess;
  context: BrowserContext;
  page: Page;
  /** Every frame the page received, in order. */
  frames: Frame[];
  /** Console errors and uncaught exceptions of the page. */
  errors: string[];
  /** Results the page received. */
  results(): WindowResult[];
  /** Latest metrics the page received (undefined before the first frame). */
  lastMetrics(): Frame['metrics'] | undefined;
  /** Save a full-page screenshot under test-results/. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Registers a spec's hooks: one Chromium for the file (after making sure the renderer is built), and
 * the app of each test closed after it. Call at the top level of the spec; `open` starts a test's app.
 */
export function dashboardSuite(): { open: (opts?: StartOptions) => Promise<AppSession> } {
  let browser: Browser | undefined;
  let app: AppSession | undefined;
  beforeAll(async () => {
    await ensureRendererBuilt();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  return { open: async (opts) => (app = await openApp(browser!, opts)) };
}

/** Start a host and open the dashboard in a new context. */
export async function openApp(browser: Browser, opts: StartOptions = {}): Promise<AppSession> {
  const host = await startWebHostProcess(opts);
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const frames: Frame[] = [];
  const errors: string[] = [];
  page.on('websocket', (ws) =>
    ws.on('framereceived', ({ payload }) => {
      try {
        const msg = JSON.parse(String(payload)) as { frame?: Frame };
        if (msg.frame) frames.push(msg.frame);
      } catch {
        /* not ours */
      }
    }),
  );
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(host.url);
  return {
    host,
    context,
    page,
    frames,
    errors,
    results: () => frames.flatMap((f) => f.results),
    lastMetrics: () => frames.at(-1)?.metrics,
    async screenshot(name) {
      await mkdir(ARTIFACTS, { recursive: true });
      const path = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await context.close().catch(() => undefined);
      await host.stop();
    },
  };
}

/** Lines of a JSONL file (0 when missing). */
export async function lineCount(path: string): Promise<number> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l.length > 0).length;
}

/** Numeric `data-value` of a metric tile, or null when empty. */
export async function tileValue(page: Page, testId: string): Promise<number | null> {
  const v = await page.getByTestId(testId).getAttribute('data-value');
  return v === null || v === '' ? null : Number(v);
}

/**
 * A partial pipeline config for quick results: tumbling windows of `sizeMs`, a short watermark
 * delay, little jitter, no malformed input.
 */
export function quickWindows(sizeMs = 1000): Record<string, unknown> {
  return {
    source: { type: 'sim', sensors: 10, rateEventsPerSec: 1000, jitterMs: 100, malformedRate: 0 },
    window: { kind: 'tumbling', sizeMs },
    maxOutOfOrdernessMs: 200,
  };
}
