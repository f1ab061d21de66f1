/**
 * A reload mid-run gets the host's recent history at once (chart samples, latest results, log); an
 * app restart keeps earlier output; the Window kind and Source selects do not apply while the user
 * arrows through them (only on Enter, click or blur).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dashboardSuite, lineCount, quickWindows, type AppSession } from './support/app-page';
import { startWebHostProcess } from './support/web-host-process';

let app: AppSession | undefined;
const POLL = { timeout: 60_000, interval: 200 };
const T = 240_000;
const suite = dashboardSuite();

/** Wait until the page has received `n` more frames (a span of host time, not a wall-clock assertion). */
async function framesPass(s: AppSession, n: number): Promise<void> {
  const from = s.frames.length;
  await expect.poll(() => s.frames.length - from, POLL).toBeGreaterThanOrEqual(n);
}

const hostConfig = (s: AppSession) => s.frames.findLast((f) => f.status)?.status?.config;

describe('reload and keyboard', () => {
  it('a reload mid-run restores chart samples, the latest results and the log at once', async () => {
    app = await suite.open({ config: quickWindows(500) });
    const { page } = app;
    await expect.poll(() => app!.results().length, POLL).toBeGreaterThan(0);
    await framesPass(app, 15);
    const before = app.frames.length;
    await page.reload();
    // The new page's first frame (seq 1 of its own subscription; the old page may still get one in flight).
    const firstAfterReload = () => app!.frames.slice(before).find((f) => f.seq === 1);
    await expect.poll(() => firstAfterReload() !== undefined, POLL).toBe(true);
    const first = firstAfterReload()!;
    expect(first.history?.length ?? 0).toBeGreaterThanOrEqual(3);
    expect(first.results.length).toBeGreaterThan(0);
    // The page shows them without waiting for new windows: rows in the table, points on the charts.
    await expect.poll(() => page.getByTestId('results-table').locator('tbody tr td').count(), POLL).toBeGreaterThan(1);
    await expect.poll(() => page.locator('[data-testid="chart-throughput"] .recharts-line-curve').count(), POLL).toBeGreaterThan(0);
    // Charts are not empty tab stops.
    expect(await page.locator('[data-testid^="chart-"] [tabindex]:not([tabindex="-1"])').count()).toBe(0);
  }, T);

  it('arrowing through Window kind and Source does not apply; Enter does', async () => {
    app = await suite.open({ config: quickWindows(1000) });
    const { page } = app;
    await expect.poll(() => hostConfig(app!)?.window.kind, POLL).toBe('tumbling');

    const kind = page.getByLabel('Window kind', { exact: true });
    await kind.focus();
    await kind.press('ArrowDown');
    await kind.press('ArrowDown');
    expect(await kind.inputValue()).not.toBe('tumbling'); // the select shows the choice…
    await framesPass(app, 10);
    expect(hostConfig(app)?.window.kind).toBe('tumbling'); // …but nothing was applied
    const chosen = await kind.inputValue();
    await kind.press('Enter');
    await expect.poll(() => hostConfig(app!)?.window.kind, POLL).toBe(chosen);

    const source = page.getByLabel('Source', { exact: true });
    await source.focus();
    await source.press('ArrowDown'); // sim → system
    await framesPass(app, 10);
    expect(hostConfig(app)?.source.type).toBe('sim');
    await source.press('Enter');
    await expect.poll(() => hostConfig(app!)?.source.type, POLL).toBe('system');
    expect(app.errors).toEqual([]);
  }, T);

  it('an app restart keeps the output of the earlier run', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'streamscope-e2e-restart-'));
    try {
      const first = await startWebHostProcess({ config: quickWindows(500), dataDir });
      await expect.poll(() => lineCount(first.outputFile), POLL).toBeGreaterThan(5);
      await first.stop();
      const before = await lineCount(first.outputFile);
      const earlier = await readFile(first.outputFile, 'utf8');
      const second = await startWebHostProcess({ config: quickWindows(500), dataDir });
      try {
        await expect.poll(() => lineCount(second.outputFile), POLL).toBeGreaterThan(before);
        // Appended, not restarted: the earlier run's lines are still the file's first lines, byte for byte.
        expect((await readFile(second.outputFile, 'utf8')).startsWith(earlier)).toBe(true);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, T);
});
