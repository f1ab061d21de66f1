/**
 * Overload, driven from the UI: a small ingress queue that sheds load (drop-newest) and the rate
 * slider at 1,000,000 events/s must show drops in the metrics and in the UI; lowering the rate must
 * show them stop. A blocking queue must show backpressure instead. Screenshots in test-results/.
 */
import { describe, expect, it } from 'vitest';
import { dashboardSuite, quickWindows, tileValue, type AppSession } from './support/app-page';

let app: AppSession | undefined;
const POLL = { timeout: 90_000, interval: 250 };
/** Per-test budget: the host boots under tsx and CI machines are slow and shared. */
const T = 240_000;

const suite = dashboardSuite();

/** Set the ingress queue from the UI and wait until the host confirms it. */
async function setIngressQueue(s: AppSession, policy: string, capacity: number): Promise<void> {
  await s.page.getByLabel('Ingress queue policy', { exact: true }).selectOption(policy);
  const cap = s.page.getByLabel('Ingress queue capacity', { exact: true });
  await cap.fill(String(capacity));
  await cap.press('Enter');
  await expect
    .poll(() => s.frames.findLast((f) => f.status)?.status?.config.queues.ingress, POLL)
    .toEqual({ policy, maxEvents: capacity });
}

describe('overload', () => {
  it('a shedding queue at 1,000,000 events/s shows drops, and they stop when the rate comes down', async () => {
    app = await suite.open({ config: quickWindows(1000) });
    const { page } = app;
    await expect.poll(() => app!.frames.length, POLL).toBeGreaterThan(0);
    await setIngressQueue(app, 'drop-newest', 100);
    await page.getByLabel('Events per second', { exact: true }).fill('600');
    await expect.poll(() => app!.frames.findLast((f) => f.status)?.status?.config.rateEventsPerSec, POLL).toBe(1_000_000);
    // engine metrics (as streamed) and the UI tile both show the drops
    await expect.poll(() => app!.lastMetrics()?.eventsDropped ?? 0, POLL).toBeGreaterThan(0);
    await expect.poll(() => tileValue(page, 'metric-dropped'), POLL).toBeGreaterThan(0);
    const ingress = app.lastMetrics()?.queues.find((q) => q.name === 'ingress');
    expect(ingress?.droppedEvents).toBeGreaterThan(0);
    await app.screenshot('overload-drops');
    // recovery: back to 10 events/s, the drop rate falls to zero
    await page.getByLabel('Events per second', { exact: true }).fill('100');
    await expect.poll(() => app!.lastMetrics()?.rates.droppedPerSec, POLL).toBe(0);
    await app.screenshot('overload-recovered');
  }, T);

  it('a blocking queue at 1,000,000 events/s shows backpressure instead of drops', async () => {
    app = await suite.open({ config: quickWindows(1000) });
    const { page } = app;
    await expect.poll(() => app!.frames.length, POLL).toBeGreaterThan(0);
    await setIngressQueue(app, 'block', 100);
    await page.getByLabel('Events per second', { exact: true }).fill('600');
    const bp = (): number => Math.max(0, ...(app!.lastMetrics()?.queues ?? []).map((q) => q.backpressuredMsPerSec));
    await expect.poll(bp, POLL).toBeGreaterThan(0);
    await expect.poll(() => tileValue(page, 'metric-backpressure'), POLL).toBeGreaterThan(0);
    expect(app.lastMetrics()?.queues.find((q) => q.name === 'ingress')?.droppedEvents ?? 0).toBe(0);
    await app.screenshot('overload-backpressure');
  }, T);
});
