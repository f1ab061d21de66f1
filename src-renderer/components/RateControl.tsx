/**
 * The events/s slider: positions 0..600 map to 1..1,000,000 events/s on a log scale (100 steps per
 * decade: position = 100·log10(rate)). The rate is shown next to it and committed with `setRate`
 * after a short debounce, so dragging sends a handful of commands, not hundreds.
 */
import { memo, useEffect, useId, useMemo, useRef, useState } from 'react';
import { debounce } from '../lib/debounce';
import { formatInteger } from '../lib/format';
import { nextDistinctPosition, rateToSlider, sliderToRate, SLIDER_STEPS } from '../lib/log-scale';
import { useDashboard } from '../store/store-context';

/** Debounce of the slider, ms. */
const COMMIT_DELAY_MS = 200;

export const RateControl = memo(function RateControl() {
  const id = useId();
  const committedRate = useDashboard((s) => s.status?.config.rateEventsPerSec ?? null);
  const sourceType = useDashboard((s) => s.status?.config.source.type);
  const run = useDashboard((s) => s.run);
  const [position, setPosition] = useState(() => rateToSlider(committedRate ?? 1000));
  const editing = useRef(false);

  useEffect(() => {
    if (!editing.current && committedRate !== null) setPosition(rateToSlider(committedRate));
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
    commit(sliderToRate(p));
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
          {formatInteger(rate)}
        </span>
      </div>
      <span className="hint">
        {noRate ? `The ${sourceType} source has no rate; the slider drives the simulator.` : 'Log scale, 1 to 1,000,000 events/s.'}
      </span>
    </div>
  );
});
