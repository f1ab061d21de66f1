/**
 * The events/s control: a log slider (100 steps per decade, 1..100,000,000 events/s, far beyond what
 * one engine process sustains) and a number box for an exact rate. The slider commits with `setRate`
 * after a short debounce, so dragging sends a handful of commands; the number box on Enter or blur.
 * Below them, what was asked against what the source delivered, and how long the source was held
 * back (ingress backpressured ms/s) or how much the ingress queue shed: overload at a glance.
 */
import { memo, useEffect, useId, useMemo, useRef, useState } from 'react';
import { debounce } from '../lib/debounce';
import { formatCompact, formatInteger } from '../lib/format';
import { MAX_RATE, MIN_RATE, nextDistinctPosition, rateToSlider, sliderToRate, SLIDER_STEPS } from '../lib/log-scale';
import { useDashboard } from '../store/store-context';

/** Debounce of the slider, ms. */
const COMMIT_DELAY_MS = 200;

export const RateControl = memo(function RateControl() {
  const id = useId();
  const exactId = useId();
  const committedRate = useDashboard((s) => s.status?.config.rateEventsPerSec ?? null);
  const sourceType = useDashboard((s) => s.status?.config.source.type);
  const run = useDashboard((s) => s.run);
  const showError = useDashboard((s) => s.showError);
  const [position, setPosition] = useState(() => rateToSlider(committedRate ?? 1000));
  const [exact, setExact] = useState(() => String(committedRate ?? 1000));
  const editing = useRef(false);

  useEffect(() => {
    if (!editing.current && committedRate !== null) {
      setPosition(rateToSlider(committedRate));
      setExact(String(committedRate));
    }
  }, [committedRate]);

  const commit = useMemo(
    () =>
      debounce((rate: number) => {
        editing.current = false;
        void run({ type: 'setRate', rateEventsPerSec: rate });
      }, COMMIT_DELAY_MS),
    [run],
  );
  useEffect(() => () => commit.flush(), [commit]);

  const move = (p: number) => {
    editing.current = true;
    setPosition(p);
    setExact(String(sliderToRate(p)));
    commit(sliderToRate(p));
  };
  const commitExact = () => {
    const rate = Number(exact);
    if (!(Number.isFinite(rate) && rate >= MIN_RATE && rate <= MAX_RATE)) {
      showError(`Events per second: give a number from ${formatInteger(MIN_RATE)} to ${formatInteger(MAX_RATE)}`);
      return;
    }
    if (rate === committedRate) return;
    setPosition(rateToSlider(rate));
    void run({ type: 'setRate', rateEventsPerSec: rate });
  };
  const rate = sliderToRate(position);
  const noRate = committedRate === null && sourceType !== undefined && sourceType !== 'sim';
  return (
    <div className="field field-rate">
      <label htmlFor={id}>Events per second</label>
      <div className="rate-row">
        <input
          id={id}
          type="range"
          min={0}
          max={SLIDER_STEPS}
          step={1}
          value={position}
          aria-valuetext={`${formatInteger(rate)} events per second`}
          onChange={(e) => move(Number(e.target.value))}
          onKeyDown={(e) => {
            // Arrow keys step to the next different rate (the native step can land on the same one).
            const dir = e.key === 'ArrowRight' || e.key === 'ArrowUp' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowDown' ? -1 : 0;
            if (dir === 0) return;
            e.preventDefault();
            move(nextDistinctPosition(position, dir));
          }}
          onBlur={() => commit.flush()}
        />
        {/* Screen readers get the rate from aria-valuetext; this is the visible copy. */}
        <span className="rate-value" data-testid="rate-value" data-value={rate} aria-hidden="true">
          {formatCompact(rate)}
        </span>
      </div>
      <div className="rate-row">
        <label htmlFor={exactId} className="hint">
          Exact rate
        </label>
        <input
          id={exactId}
          className="rate-exact"
          type="number"
          min={MIN_RATE}
          max={MAX_RATE}
          step={1}
          value={exact}
          onChange={(e) => {
            editing.current = true;
            setExact(e.target.value);
          }}
          onBlur={() => {
            editing.current = false;
            commitExact();
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commitExact();
          }}
        />
        <span className="hint">ev/s</span>
      </div>
      <LoadReadout />
      <span className="hint">
        {noRate ? `The ${sourceType} source has no rate; the slider drives the simulator.` : 'Log scale, 1 to 100,000,000 events/s.'}
      </span>
    </div>
  );
});

/** Requested vs delivered events/s, and the source's backpressured ms/s or the share shed. */
const LoadReadout = memo(function LoadReadout() {
  const requested = useDashboard((s) => s.status?.config.rateEventsPerSec ?? null);
  const m = useDashboard((s) => s.view.metrics);
  if (!m) return null;
  const delivered = m.rates.receivedPerSec;
  const ingress = m.queues.find((q) => q.name === 'ingress');
  const bp = ingress?.backpressuredMsPerSec ?? 0;
  const shedPct = delivered > 0 ? (100 * m.rates.droppedPerSec) / delivered : 0;
  const short = requested !== null && delivered < requested * 0.9;
  return (
    <p className={`load-readout${short || bp >= 500 || shedPct >= 10 ? ' load-over' : ''}`} data-testid="load-readout" data-requested={requested ?? ''} data-delivered={delivered} data-backpressured={bp} data-shed-pct={shedPct}>
      {requested !== null ? <>asked {formatCompact(requested)}/s, </> : null}
      got {formatCompact(delivered)}/s · source backpressured {Math.round(bp)} ms/s
      {shedPct > 0 ? <> · shed {shedPct.toFixed(shedPct < 10 ? 1 : 0)}%</> : null}
    </p>
  );
});
