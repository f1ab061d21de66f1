/**
 * The dashboard against the real web host and engine, in Debian's headless Chromium: loading, live
 * charts, the rate slider, window size, sink toggles, export, screenshots (test-results/).
 * Each test starts its own web host on port 0 with a temp data dir.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WindowResult } from '../src-shared/types';
import { dashboardSuite, lineCount, quickWindows, tileValue, type AppSession } from './support/app-page';
import { ARTIFACTS } from './support/browser';
import { ROOT } from './support/web-host-process';

let app: AppSession | undefined;

const suite = dashboardSuite();

const key = (r: WindowResult): string => `${r.sensorId}|${r.windowStart}|${r.windowEnd}|${r.emittedAt}`;
const POLL = { timeout: 90_000, interval: 250 };
/** Per-test budget: the host boots under tsx and CI machines are slow and shared. */
const T = 240_000;

/** ms between start and end cells ("HH:MM:SS.mmm") of the table's first row. */
async function firstRowSpanMs(s: AppSession): Promise<number | null> {
  const cells = await s.page.getByTestId('results-table').locator('tbody tr').first().locator('td').allTextContents();
  if (cells.length < 2) return null;
  const ms = (t: string): number => {
    const m = /(\d+):(\d+):(\d+)\.(\d+)/.exec(t);
    return m ? ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]) : NaN;
  };
  return (ms(cells[1]) - ms(cells[0]) + 86_400_000) % 86_400_000;
}

describe('web dashboard', () => {
  it('loads: controls are labelled, the pipeline runs, no console or CSP errors', async () => {
    app = await suite.open();
    const { page } = app;
    await expect.poll(() => page.title(), POLL).toBe('Streamscope');
    await expect.poll(() => page.getByTestId('pipeline-state').textContent(), POLL).toBe('running');
    for (const label of ['Events per second', 'Window kind', 'Window size', 'Alert threshold', 'Console sink', 'File sink', 'Webhook sink', 'WebSocket sink']) {
      expect(await page.getByLabel(label, { exact: true }).count(), label).toBe(1);
    }
    for (const name of ['Start', 'Stop', 'Pause view', 'Export output.jsonl']) {
      expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(1);
    }
    await expect.poll(() => app!.frames.length, POLL).toBeGreaterThan(3);
    await app.screenshot('dashboard-loaded');
    expect(app.errors).toEqual([]);
  }, T);

  it('keeps working after a reload, also from the bare address once the secret was given', async () => {
    app = await suite.open();
    const { page } = app;
    await expect.poll(() => page.getByTestId('pipeline-state').textContent(), POLL).toBe('running');
    await page.reload();
    const before = app.frames.length;
    await expect.poll(() => app!.frames.length, POLL).toBeGreaterThan(before + 3);
    await page.goto(`${app.host.origin}/`);
    const again = app.frames.length;
    await expect.poll(() => app!.frames.length, POLL).toBeGreaterThan(again + 3);
    expect(app.errors).toEqual([]);
    // Another browser context (no cookie, no stored token) gets the page but not the control channel.
    const stranger = await app.context.browser()!.newContext();
    try {
      const res = await stranger.request.get(`${app.host.origin}/export/output.jsonl`);
      expect(res.status()).toBe(401);
    } finally {
      await stranger.close();
    }
  }, T);

  it('charts receive live data', async () => {
    app = await suite.open({ config: quickWindows(1000) });
    const { page } = app;
    await expect.poll(() => page.getByTestId('results-table').locator('tbody tr').count(), POLL).toBeGreaterThan(0);
    const chart = page.locator('[data-testid="chart-avg"], [data-testid="chart-sensor"]').first();
    await expect.poll(() => chart.locator('.recharts-line path, .recharts-line-curve').count(), POLL).toBeGreaterThan(0);
    await expect.poll(() => tileValue(page, 'metric-received-rate'), POLL).toBeGreaterThan(0);
    // the table shows what the host sent
    const sensors = new Set(app.results().map((r) => r.sensorId));
    const shown = await page.getByTestId('results-table').locator('tbody tr td:nth-child(3)').allTextContents();
    expect(shown.every((s) => sensors.has(s))).toBe(true);
    await app.screenshot('dashboard-live');
  }, T);

  it('moving the rate slider changes the measured rate', async () => {
    app = await suite.open({ config: quickWindows(1000) });
    const { page } = app;
    const slider = page.getByLabel('Events per second', { exact: true });
    await expect.poll(() => tileValue(page, 'metric-received-rate'), POLL).toBeGreaterThan(300);
    // position = 100·log10(rate): 400 → 10,000 events/s
    await slider.fill('400');
    await expect.poll(() => app!.frames.findLast((f) => f.status)?.status?.config.rateEventsPerSec, POLL).toBe(10_000);
    await expect.poll(() => tileValue(page, 'metric-received-rate'), POLL).toBeGreaterThan(5_000);
    await app.screenshot('rate-10k');
    // 200 → 100 events/s
    await slider.fill('200');
    await expect.poll(() => tileValue(page, 'metric-received-rate'), POLL).toBeLessThan(1_000);
  }, T);

  it('switching the window size changes the spacing of results', async () => {
    app = await suite.open({ config: quickWindows(2000) });
    const { page } = app;
    await expect.poll(() => app!.results().length, POLL).toBeGreaterThan(0);
    expect(new Set(app.results().map((r) => r.windowEnd - r.windowStart))).toEqual(new Set([2000]));
    await expect.poll(() => firstRowSpanMs(app!), POLL).toBe(2000);
    const size = page.getByLabel('Window size', { exact: true });
    await size.fill('1');
    await size.press('Enter');
    await expect.poll(() => app!.frames.findLast((f) => f.status)?.status?.config.window, POLL).toEqual({ kind: 'tumbling', sizeMs: 1000 });
    await expect.poll(() => app!.results().at(-1)?.windowEnd! - app!.results().at(-1)?.windowStart!, POLL).toBe(1000);
    await expect.poll(() => firstRowSpanMs(app!), POLL).toBe(1000);
    // windows of the new size are aligned to the new size
    const last = app.results().at(-1)!;
    expect(last.windowStart % 1000).toBe(0);
    await app.screenshot('window-1s');
  }, T);

  it('a sink toggled off stops receiving, and receives again when toggled on', async () => {
    app = await suite.open({ config: quickWindows(500) });
    const { page, host } = app;
    await expect.poll(() => lineCount(host.outputFile), POLL).toBeGreaterThan(10);
    const fileSink = page.getByLabel('File sink', { exact: true });
    await fileSink.uncheck();
    await expect.poll(() => app!.frames.findLast((f) => f.status)?.status?.config.sinks.find((s) => s.name === 'file')?.enabled, POLL).toBe(false);
    // let in-flight results settle: wait for two more windows seen by the UI
    const settle = app.results().length;
    await expect.poll(() => app!.results().length, POLL).toBeGreaterThan(settle + 20);
    const frozen = await lineCount(host.outputFile);
    const seen = app.results().length;
    await expect.poll(() => app!.results().length, POLL).toBeGreaterThan(seen + 40);
    expect(await lineCount(host.outputFile)).toBe(frozen);
    await app.screenshot('file-sink-off');
    await fileSink.check();
    await expect.poll(() => lineCount(host.outputFile), POLL).toBeGreaterThan(frozen);
  }, T);

  it('exports output.jsonl: a download whose lines parse and equal what the engine wrote', async () => {
    app = await suite.open({ config: quickWindows(500) });
    const { page, host } = app;
    await expect.poll(() => lineCount(host.outputFile), POLL).toBeGreaterThan(20);
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await expect.poll(() => page.getByTestId('pipeline-state').textContent(), POLL).toBe('stopped');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export output.jsonl', exact: true }).click()]);
    expect(download.suggestedFilename()).toBe('output.jsonl');
    await mkdir(ARTIFACTS, { recursive: true });
    const saved = join(ARTIFACTS, 'export-output.jsonl');
    await download.saveAs(saved);
    const exported = await readFile(saved, 'utf8');
    const written = await readFile(host.outputFile, 'utf8');
    expect(exported).toBe(written);
    const lines = exported.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(20);
    const parsed = lines.map((l) => JSON.parse(l) as WindowResult);
    for (const r of parsed) {
      expect(typeof r.sensorId).toBe('string');
      expect(r.windowEnd - r.windowStart).toBe(500);
      expect(r.count).toBeGreaterThan(0);
      expect(r.min).toBeLessThanOrEqual(r.avg);
      expect(r.avg).toBeLessThanOrEqual(r.max);
    }
    // every result the UI received is in the export (the engine emitted both from one stream)
    const exportedKeys = new Set(parsed.map(key));
    const uiResults = app.results();
    expect(uiResults.length).toBeGreaterThan(0);
    expect(uiResults.filter((r) => !exportedKeys.has(key(r)))).toEqual([]);
    await app.screenshot('exported');
  }, T);

  it('keeps an unapplied file-source form across other settings; daily windows show dates', async () => {
    app = await suite.open({ inputRoots: [join(ROOT, 'node_modules/vega-datasets/data')] });
    const { page } = app;
    const status = () => app!.frames.findLast((f) => f.status)?.status;
    await expect.poll(() => page.getByTestId('pipeline-state').textContent(), POLL).toBe('running');
    const source = page.getByLabel('Source', { exact: true });
    await source.selectOption('file');
    const csv = join(ROOT, 'node_modules/vega-datasets/data/seattle-weather-hourly-normals.csv');
    await page.getByLabel('File path', { exact: true }).fill(csv);
    await page.getByLabel('Key field', { exact: true }).fill('=seattle');
    await page.getByLabel('Time field', { exact: true }).fill('date');
    await page.getByLabel('Value field', { exact: true }).fill('temperature');
    // other settings change before "Apply source": each brings a new host status
    const threshold = page.getByLabel('Alert threshold', { exact: true });
    await threshold.fill('20');
    await threshold.press('Enter');
    await expect.poll(() => status()?.config.alertThreshold, POLL).toBe(20);
    const size = page.getByLabel('Window size', { exact: true });
    await size.fill('86400');
    await size.press('Enter');
    await expect.poll(() => status()?.config.window, POLL).toEqual({ kind: 'tumbling', sizeMs: 86_400_000 });
    expect(await source.inputValue()).toBe('file');
    expect(await page.getByLabel('File path', { exact: true }).inputValue()).toBe(csv);
    expect(await page.getByLabel('Time field', { exact: true }).inputValue()).toBe('date');
    await page.getByRole('button', { name: 'Apply source', exact: true }).click();
    await expect.poll(() => status()?.config.source.type, POLL).toBe('file');
    await expect.poll(() => app!.results().length, POLL).toBeGreaterThan(5);
    // the table dates daily windows: start and end differ (not "00:00:00.000" twice)
    const firstRow = page.getByTestId('results-table').locator('tbody tr').first().locator('td');
    await expect.poll(async () => (await firstRow.allTextContents()).slice(0, 2), POLL).toEqual([
      expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/),
      expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/),
    ]);
    const [start, end] = await firstRow.allTextContents();
    expect(start).not.toBe(end);
    // the sensor chart's x labels are dates, ascending
    const xLabels = page.getByTestId('chart-sensor').locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value');
    await expect.poll(() => xLabels.count(), POLL).toBeGreaterThan(1);
    const labels = await xLabels.allTextContents();
    expect(labels.every((l) => /^(\d{4}-)?\d{2}-\d{2}/.test(l)), labels.join(' | ')).toBe(true);
    expect([...labels].sort()).toEqual(labels);
    // the watermark lag (years behind now) is in long units, and its labels fit inside the chart
    const lagTicks = page.getByTestId('chart-watermark').locator('.recharts-yAxis-tick-labels').first().locator('.recharts-cartesian-axis-tick-value');
    await expect.poll(async () => (await lagTicks.allTextContents()).some((t) => / (d|y)$/.test(t)), POLL).toBe(true);
    const chartBox = (await page.getByTestId('chart-watermark').locator('.recharts-wrapper > svg').boundingBox())!;
    for (const tick of await lagTicks.all()) {
      const box = (await tick.boundingBox())!;
      expect(box.x, (await tick.textContent()) ?? '').toBeGreaterThanOrEqual(chartBox.x);
    }
    // alert windows have their own (right) axis
    await expect.poll(() => page.getByTestId('chart-alerts').locator('.recharts-yAxis').count(), POLL).toBe(2);
    await app.screenshot('file-source-daily-windows');
    expect(app.errors).toEqual([]);
  }, T);

  it('Stop and Start keep the keyboard focus on the control that now makes sense', async () => {
    app = await suite.open({ config: quickWindows(1000) });
    const { page } = app;
    const focused = () => page.evaluate(() => (document.activeElement?.tagName === 'BUTTON' ? document.activeElement.textContent : document.activeElement?.tagName));
    const state = page.getByTestId('pipeline-state');
    await expect.poll(() => state.textContent(), POLL).toBe('running');
    const startButton = page.getByRole('button', { name: 'Start', exact: true });
    const stopButton = page.getByRole('button', { name: 'Stop', exact: true });
    await stopButton.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => state.textContent(), POLL).toBe('stopped');
    await expect.poll(focused, POLL).toBe('Start');
    await expect.poll(() => startButton.getAttribute('aria-disabled'), POLL).toBe('false');
    expect(await stopButton.getAttribute('aria-disabled')).toBe('true');
    await page.keyboard.press('Enter');
    await expect.poll(() => state.textContent(), POLL).toBe('running');
    await expect.poll(focused, POLL).toBe('Stop');
    // the focused Stop works from the keyboard again
    await page.keyboard.press('Enter');
    await expect.poll(() => state.textContent(), POLL).toBe('stopped');
    expect(app.errors).toEqual([]);
  }, T);
});
