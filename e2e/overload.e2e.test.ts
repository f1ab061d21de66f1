/**
 * The user's scenario, driven from the UI of the web host: drag the load up, watch backpressure
 * build, drag it down, watch it recover. "Overload" is read from the host's own metrics (as streamed
 * to the page): the source held back (ingress backpressured ≥ 500 ms/s) or ≥ 10 % of what it
 * delivered shed, and fewer events delivered than requested. The only timings asserted are the
 * issue's generous "within 5 s", by polling. Screenshots in test-results/.
 */
import { describe, expect, it } from 'vitest';
import type { Frame } from '../src-shared/contract';
import { dashboardSuite, type AppSession } from './support/app-page';

let app: AppSession | undefined;
/** Waiting for the host to confirm a command (not a measured time). */
const CONFIRM = { timeout: 60_000, interval: 200 };
/** The "within 5 s". */
const WITHIN_5_S = { timeout: 5_000, interval: 100 };
const T = 240_000;
const TOP_RATE = 100_000_000;

const suite = dashboardSuite();

/** The scenario's config: the app's defaults, with more keys so the engine has real work per event. */
const scenario = (policy: 'block' | 'drop-newest' = 'block'): Record<string, unknown> => ({
  source: { type: 'sim', sensors: 10_000, rateEventsPerSec: 1000, jitterMs: 0, malformedRate: 0 },
  window: { kind: 'tumbling', sizeMs: 5000 },
  queues: { ingress: { maxEvents: 100_000, policy } },
});

type Load = { requested: number; delivered: number; backpressuredMsPerSec: number; shedShare: number };

/** Requested vs delivered events/s, the source's backpressured ms/s and the share shed, from the last frame. */
function load(frames: Frame[]): Load | undefined {
  const status = frames.findLast((f) => f.status)?.status;
  const m = frames.at(-1)?.metrics;
  if (!status || !m) return undefined;
  const delivered = m.rates.receivedPerSec;
  return {
    requested: status.config.rateEventsPerSec ?? 0,
    delivered,
    backpressuredMsPerSec: m.queues.find((q) => q.name === 'ingress')?.backpressuredMsPerSec ?? 0,
    shedShare: delivered > 0 ? m.rates.droppedPerSec / delivered : 0,
  };
}

const overloaded = (l: Load | undefined): boolean =>
  !!l && (l.backpressuredMsPerSec >= 500 || l.shedShare >= 0.1) && l.requested > l.delivered;

const recovered = (l: Load | undefined): boolean =>
  !!l && l.backpressuredMsPerSec < 50 && l.shedShare === 0 && (l.requested < 100 || l.delivered >= 0.8 * l.requested);

async function dragSliderTo(s: AppSession, key: 'End' | 'Home'): Promise<void> {
  const slider = s.page.getByLabel('Events per second', { exact: true });
  await slider.focus();
  await slider.press(key);
}

describe('overload and recovery, as a user drives it', () => {
  it('slider to its top: overload visible within 5 s; slider down: recovered within 5 s', async () => {
    app = await suite.open({ config: scenario('block') });
    const { page } = app;
    await expect.poll(() => load(app!.frames)?.delivered ?? 0, CONFIRM).toBeGreaterThan(500);

    await dragSliderTo(app, 'End');
    await expect.poll(() => load(app!.frames)?.requested, CONFIRM).toBe(TOP_RATE);
    await expect.poll(() => overloaded(load(app!.frames)), WITHIN_5_S).toBe(true);
    // The page says so at a glance: asked vs got, and the source held back.
    const readout = page.getByTestId('load-readout');
    await expect.poll(async () => Number(await readout.getAttribute('data-backpressured')), CONFIRM).toBeGreaterThan(0);
    expect(await readout.textContent()).toMatch(/asked 100M\/s, got .*source backpressured \d+ ms\/s/);
    await app.screenshot('overload-top');

    // Down to 1,000 events/s with the exact-rate box.
    const exact = page.getByLabel('Exact rate', { exact: true });
    await exact.fill('1000');
    await exact.press('Enter');
    await expect.poll(() => load(app!.frames)?.requested, CONFIRM).toBe(1000);
    await expect.poll(() => recovered(load(app!.frames)), WITHIN_5_S).toBe(true);
    await app.screenshot('overload-recovered');
    expect(app.errors).toEqual([]);
  }, T);

  it('a shedding ingress queue at the top sheds ≥ 10 %, and stops shedding within 5 s once the slider comes down', async () => {
    app = await suite.open({ config: scenario('drop-newest') });
    await expect.poll(() => load(app!.frames)?.delivered ?? 0, CONFIRM).toBeGreaterThan(500);
    await dragSliderTo(app, 'End');
    await expect.poll(() => load(app!.frames)?.requested, CONFIRM).toBe(TOP_RATE);
    await expect.poll(() => overloaded(load(app!.frames)), WITHIN_5_S).toBe(true);
    await expect.poll(() => app!.lastMetrics()?.eventsDropped ?? 0, CONFIRM).toBeGreaterThan(0);

    await dragSliderTo(app, 'Home');
    await expect.poll(() => load(app!.frames)?.requested, CONFIRM).toBe(1);
    await expect.poll(() => recovered(load(app!.frames)), WITHIN_5_S).toBe(true);
  }, T);

  it('the slow demo sink at a low speed: its queue fills and the graph marks it; raised speed drains it within 5 s', async () => {
    app = await suite.open({
      config: {
        source: { type: 'sim', sensors: 10_000, rateEventsPerSec: 20_000, jitterMs: 0, malformedRate: 0 },
        window: { kind: 'tumbling', sizeMs: 1000 },
        maxOutOfOrdernessMs: 0,
        queues: { sink: { maxEvents: 2000, policy: 'drop-oldest' } },
      },
    });
    const { page } = app;
    const slowQueue = () => app!.lastMetrics()?.queues.find((q) => q.name === 'sink:throttled');
    const speed = page.getByLabel('Slow sink speed (results/s)', { exact: true });
    await speed.fill('50');
    await speed.press('Enter');
    const hostSlowSink = () => app!.frames.findLast((f) => f.status)?.status?.config.sinks.find((x) => x.name === 'throttled');
    // A controlled box: it shows the host's state once the host confirmed (check() would demand it at once).
    await page.getByLabel('Slow demo sink', { exact: true }).click();
    await expect.poll(() => hostSlowSink()?.enabled, CONFIRM).toBe(true);
    await expect.poll(() => slowQueue()?.peakDepthEvents ?? 0, CONFIRM).toBe(2000);
    const graph = page.getByTestId('pipeline-graph');
    await expect.poll(() => graph.getAttribute('data-bottleneck'), CONFIRM).toBe('sink-throttled');
    await expect.poll(() => page.getByTestId('graph-node-sink-throttled').getAttribute('data-bottleneck'), CONFIRM).toBe('true');
    expect(await page.getByTestId('graph-node-sink:throttled').getAttribute('data-level')).toBe('critical');
    expect(await page.getByTestId('graph-node-sink-file').getAttribute('data-bottleneck')).toBe('false');
    await app.screenshot('slow-sink-bottleneck');

    await speed.fill('10000000');
    await speed.press('Enter');
    await expect.poll(() => hostSlowSink()?.options.resultsPerSec, CONFIRM).toBe(10_000_000);
    await expect.poll(() => { const q = slowQueue(); return !!q && q.depthEvents < 2000 && q.busyMsPerSec < 500; }, WITHIN_5_S).toBe(true);
  }, T);
});
