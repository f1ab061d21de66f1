/**
 * Window kind and its durations (entered in seconds, sent in ms): tumbling size; hopping size and
 * slide (slide ≤ size); session gap. Every change sends one `setWindow` with the full spec.
 */
import { memo, useId } from 'react';
import type { WindowKind, WindowSpec } from '../../src-shared/types';
import { useDashboard } from '../store/store-context';
import { msToSecondsText, parseSecondsToMs, useDraftField } from './use-draft-field';
import { useSelectCommit } from './use-select-commit';

const DEFAULT_SIZE_MS = 10_000;
const DEFAULT_GAP_MS = 5_000;

const parseSize = parseSecondsToMs('Window size');
const parseSlide = parseSecondsToMs('Window slide');
const parseGap = parseSecondsToMs('Session gap');

export const WindowControls = memo(function WindowControls() {
  const kindId = useId();
  const sizeId = useId();
  const slideId = useId();
  const gapId = useId();
  const window = useDashboard((s) => s.status?.config.window);
  const run = useDashboard((s) => s.run);
  const showError = useDashboard((s) => s.showError);

  const kind: WindowKind = window?.kind ?? 'tumbling';
  const sizeMs = window && window.kind !== 'session' ? window.sizeMs : undefined;
  const slideMs = window?.kind === 'hopping' ? window.slideMs : undefined;
  const gapMs = window?.kind === 'session' ? window.gapMs : undefined;

  const send = (spec: WindowSpec) => {
    if (spec.kind === 'hopping' && spec.slideMs > spec.sizeMs) {
      showError(`Window slide (${spec.slideMs / 1000} s) must be ≤ window size (${spec.sizeMs / 1000} s).`);
      return;
    }
    void run({ type: 'setWindow', window: spec });
  };

  const size = useDraftField(msToSecondsText(sizeMs ?? DEFAULT_SIZE_MS), parseSize, (ms) =>
    send(kind === 'hopping' ? { kind, sizeMs: ms, slideMs: Math.min(slideMs ?? ms / 2, ms) } : { kind: 'tumbling', sizeMs: ms }),
  );
  const slide = useDraftField(msToSecondsText(slideMs ?? (sizeMs ?? DEFAULT_SIZE_MS) / 2), parseSlide, (ms) =>
    send({ kind: 'hopping', sizeMs: sizeMs ?? DEFAULT_SIZE_MS, slideMs: ms }),
  );
  const gap = useDraftField(msToSecondsText(gapMs ?? DEFAULT_GAP_MS), parseGap, (ms) => send({ kind: 'session', gapMs: ms }));

  const changeKind = (next: WindowKind) => {
    const draftSize = parseSize(size.text);
    const s = draftSize.ok ? draftSize.value : (sizeMs ?? DEFAULT_SIZE_MS);
    if (next === 'tumbling') send({ kind: 'tumbling', sizeMs: s });
    else if (next === 'hopping') {
      const draftSlide = parseSlide(slide.text);
      const sl = draftSlide.ok && draftSlide.value <= s ? draftSlide.value : Math.max(1, Math.round(s / 2));
      send({ kind: 'hopping', sizeMs: s, slideMs: sl });
    } else {
      const draftGap = parseGap(gap.text);
      send({ kind: 'session', gapMs: draftGap.ok ? draftGap.value : DEFAULT_GAP_MS });
    }
  };

  const kindSelect = useSelectCommit<WindowKind>(kind, changeKind);

  return (
    <fieldset className="control-group">
      <legend>Window</legend>
      <div className="field">
        <label htmlFor={kindId}>Window kind</label>
        <select id={kindId} {...kindSelect}>
          <option value="tumbling">tumbling</option>
          <option value="hopping">hopping</option>
          <option value="session">session</option>
        </select>
      </div>
      {kind !== 'session' ? (
        <NumberField id={sizeId} label="Window size" unit="s" field={size} />
      ) : null}
      {kind === 'hopping' ? <NumberField id={slideId} label="Window slide" unit="s" field={slide} /> : null}
      {kind === 'session' ? <NumberField id={gapId} label="Session gap" unit="s" field={gap} /> : null}
    </fieldset>
  );
});

/** A labelled number input bound to a draft field, with its error announced. */
export function NumberField({
  id,
  label,
  unit,
  field,
  min = 0,
  step = 'any',
}: {
  id: string;
  label: string;
  unit?: string;
  field: ReturnType<typeof useDraftField>;
  min?: number;
  step?: number | 'any';
}) {
  const errorId = `${id}-error`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="input-unit">
        <input
          id={id}
          type="number"
          inputMode="decimal"
          min={min}
          step={step}
          value={field.text}
          aria-invalid={field.error ? true : undefined}
          aria-describedby={field.error ? errorId : undefined}
          onChange={field.onChange}
          onBlur={field.onBlur}
          onKeyDown={field.onKeyDown}
        />
        {unit ? <span className="unit" aria-hidden="true">{unit}</span> : null}
      </div>
      {field.error ? (
        <span id={errorId} className="field-error">
          {field.error}
        </span>
      ) : null}
    </div>
  );
}
