/**
 * The what-if panel against the real web host and engine, in headless Chromium: run the sim, open
 * the panel, change the window size and the threshold, see the recomputed series and the alert
 * comparison, apply, and see the live windows continue without a gap.
 */
import { describe, expect, it } from 'vitest';
import type { WindowResult } from '../src-shared/types';
import { dashboardSuite } from './support/app-page';

const suite = dashboardSuite();
const POLL = { timeout: 90_000, interval: 100 };
const RATE = 5000;
const KEYS = 10;

describe('what-if panel', () => {
  it('recomputes the recent past under another window and threshold, then applies it without a gap', async () => {
    const app = await suite.open({
      config: { source: { type: 'sim', sensors: KEYS, rateEventsPerSec: RATE, jitterMs: 100, malformedRate: 0 }, window: { kind: 'tumbling', sizeMs: 1000 }, maxOutOfOrdernessMs: 200 },
    });
    const { page } = app;
    // Let the history span a few seconds.
    await expect.poll(() => app.frames.at(-1)?.whatIfContext?.history.spanMs ?? 0, POLL).toBeGreaterThan(6000);
    await expect.poll(() => page.getByTestId('whatif-history').textContent(), POLL).toMatch(/^History: last [\d.]+ k events, [\d.]+ s, \d+ MB$/);

    await page.getByRole('button', { name: 'Open what-if' }).click();
    await page.getByLabel('What-if window size', { exact: true }).fill('2');
    await page.getByLabel('What-if alert threshold', { exact: true }).fill('60');
    const asked = Date.now();
    await page.getByRole('button', { name: 'Run what-if' }).press('Enter');

    const summary = page.getByTestId('whatif-summary');
    await expect.poll(() => summary.locator('thead').textContent(), POLL).toContain('what-if (tumbling 2 s, threshold 60)');
    const shownAfterMs = Date.now() - asked;
    expect(await summary.locator('thead').textContent()).toContain('current (tumbling 1 s, threshold 80)');
    const outcome = app.frames.findLast((f) => f.whatIf?.outcome)!.whatIf!.outcome!;
    // The alert comparison: a lower threshold over the same events alerts more.
    expect(outcome.whatIf.summary.alerts).toBeGreaterThan(outcome.current.summary.alerts);
    const alertsRow = summary.locator('tbody tr', { hasText: 'Alerts (events above threshold)' });
    expect(await alertsRow.locator('td').nth(1).textContent()).toBe(String(outcome.whatIf.summary.alerts).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f'));
    // Both series are drawn, labelled.
    await expect.poll(() => page.getByTestId('whatif-chart-sensor').locator('.recharts-line').count(), POLL).toBe(2);
    await expect.poll(() => page.getByTestId('whatif-chart-alerts').locator('.recharts-legend-item').allTextContents(), POLL).toEqual([
      'current (tumbling 1 s, threshold 80)',
      'what-if (tumbling 2 s, threshold 60)',
    ]);
    await app.screenshot('whatif-compared');
    console.log(`what-if over ${outcome.history.events} events: replay ${Math.round(outcome.elapsedMs)} ms, shown ${shownAfterMs} ms after asking`);

    // Apply: the live pipeline switches to 2 s windows, seeded from the history.
    const framesBefore = app.frames.length;
    await page.getByRole('button', { name: 'Apply what-if to the live pipeline' }).click();
    await expect.poll(() => page.getByTestId('whatif-applied').textContent(), POLL).toMatch(/windows open at the switch are complete/);
    await expect.poll(() => app.frames.findLast((f) => f.status)?.status?.config.window, POLL).toEqual({ kind: 'tumbling', sizeMs: 2000 });
    const live = (): WindowResult[] => app.frames.slice(framesBefore).flatMap((f) => f.results).filter((r) => r.windowEnd - r.windowStart === 2000);
    await expect.poll(() => new Set(live().map((r) => r.windowStart)).size, POLL).toBeGreaterThanOrEqual(3);
    // No gap: consecutive 2 s windows, and the first one after the switch is as full as the next ones.
    const perWindow = new Map<number, number>();
    for (const r of live()) perWindow.set(r.windowStart, (perWindow.get(r.windowStart) ?? 0) + r.count);
    const starts = [...perWindow.keys()].sort((a, b) => a - b);
    for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBe(2000);
    // A window seeded only from the switch on would hold a fraction of its events; compare with the next one.
    expect(perWindow.get(starts[0])!).toBeGreaterThan(perWindow.get(starts[1])! * 0.8);
    expect(perWindow.get(starts[0])!).toBeGreaterThan(RATE * 2 * 0.3);
    await app.screenshot('whatif-applied');
    expect(app.errors).toEqual([]);
  }, 240_000);
});
