/**
 * The what-if panel: the retained history's summary; a form (window kind, size/slide/gap, alert
 * threshold, max out-of-orderness, allowed lateness) that replays the history under those settings
 * beside the running pipeline; progress and cancel; the comparison with the settings in force;
 * export as JSON Lines; and "Apply", which switches the live pipeline with its new windows seeded
 * from the history. Plain form controls: every action is reachable with the keyboard.
 */
import { memo, useId, useState, type FormEvent } from 'react';
import { WEB_PATHS } from '../../../src-shared/contract';
import type { WhatIfApplied, WindowKind } from '../../../src-shared/types';
import { formatClock, formatInteger } from '../../lib/format';
import { useDashboard } from '../../store/store-context';
import { WhatIfResults } from './WhatIfResults';
import { describeHistory, describeWindow, draftOf, settingsOf, type WhatIfDraft } from './whatif-form';

function Field({ label, value, onChange, unit }: { label: string; value: string; onChange: (v: string) => void; unit?: string }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="input-unit">
        <input id={id} type="number" inputMode="decimal" step="any" value={value} onChange={(e) => onChange(e.target.value)} />
        {unit ? <span className="unit" aria-hidden="true">{unit}</span> : null}
      </div>
    </div>
  );
}

function AppliedNote({ applied }: { applied: WhatIfApplied }) {
  const c = applied.coverage;
  return (
    <p className="whatif-applied" role="status" data-testid="whatif-applied">
      Applied at {formatClock(applied.at)}: {describeWindow(applied.settings)}, threshold {applied.settings.alertThreshold}. The new windows were seeded from{' '}
      {formatInteger(c.seededEvents)} retained events{c.covered ? ', so the windows open at the switch are complete.' : `. Missing: ${c.missing}.`} Results already
      emitted under the old settings stay as they were (output.jsonl keeps them); the old settings' windows still open at the switch were fired then with what they
      held. The switch is marked on the live charts.
    </p>
  );
}

export const WhatIfPanel = memo(function WhatIfPanel() {
  const headingId = useId();
  const bodyId = useId();
  const kindId = useId();
  const ctx = useDashboard((s) => s.whatIfContext);
  const state = useDashboard((s) => s.whatIf);
  const selected = useDashboard((s) => s.view.selectedSensor);
  const transport = useDashboard((s) => s.status?.transport);
  const run = useDashboard((s) => s.run);
  const showError = useDashboard((s) => s.showError);
  const [draft, setDraft] = useState<WhatIfDraft | null>(null);
  const open = draft !== null;
  const set = (patch: Partial<WhatIfDraft>) => setDraft((d) => (d === null ? d : { ...d, ...patch }));

  const toggle = () => setDraft(open ? null : ctx ? draftOf(ctx.current) : null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (draft === null) return;
    const parsed = settingsOf(draft);
    if (!parsed.ok) return showError(`What-if: ${parsed.error}`);
    void run({ type: 'whatIf', action: 'run', settings: parsed.settings, ...(selected ? { sensorId: selected } : {}) });
  };
  const token = new URLSearchParams(window.location.search).get('token');
  const exportHref = `${WEB_PATHS.whatIfExport}${token ? `?token=${encodeURIComponent(token)}` : ''}`;

  return (
    <section className="card whatif" aria-labelledby={headingId} data-testid="whatif-panel">
      <header className="card-header">
        <h2 id={headingId}>What-if</h2>
        <span className="card-meta" data-testid="whatif-history">
          {ctx && ctx.history.events > 0 ? `History: ${describeHistory(ctx.history)}` : 'History: no events retained yet'}
        </span>
        <button type="button" aria-expanded={open} aria-controls={bodyId} disabled={!ctx} onClick={toggle}>
          {open ? 'Close what-if' : 'Open what-if'}
        </button>
      </header>
      {open ? (
        <div id={bodyId}>
          <p className="card-description">
            Replays the retained events under other settings through the same window operators, beside the running pipeline; nothing live changes until you apply.
          </p>
          <form className="whatif-form" onSubmit={submit} aria-label="What-if settings">
            <div className="field">
              <label htmlFor={kindId}>What-if window kind</label>
              <select id={kindId} value={draft.kind} onChange={(e) => set({ kind: e.target.value as WindowKind })}>
                <option value="tumbling">tumbling</option>
                <option value="hopping">hopping</option>
                <option value="session">session</option>
              </select>
            </div>
            {draft.kind !== 'session' ? <Field label="What-if window size" unit="s" value={draft.sizeS} onChange={(v) => set({ sizeS: v })} /> : null}
            {draft.kind === 'hopping' ? <Field label="What-if window slide" unit="s" value={draft.slideS} onChange={(v) => set({ slideS: v })} /> : null}
            {draft.kind === 'session' ? <Field label="What-if session gap" unit="s" value={draft.gapS} onChange={(v) => set({ gapS: v })} /> : null}
            <Field label="What-if alert threshold" value={draft.threshold} onChange={(v) => set({ threshold: v })} />
            <Field label="What-if max out-of-orderness" unit="s" value={draft.oooS} onChange={(v) => set({ oooS: v })} />
            <Field label="What-if allowed lateness" unit="s" value={draft.latenessS} onChange={(v) => set({ latenessS: v })} />
            <div className="whatif-actions">
              <button type="submit" disabled={state?.running}>Run what-if</button>
              {state?.running ? (
                <button type="button" onClick={() => void run({ type: 'whatIf', action: 'cancel' })}>
                  Cancel what-if
                </button>
              ) : null}
            </div>
          </form>
          {state?.running ? (
            <p>
              <progress max={1} value={state.progress} aria-label="What-if progress" data-testid="whatif-progress" /> replaying…
            </p>
          ) : null}
          {state?.error && !state.running ? <p role="status">What-if: {state.error}</p> : null}
          {state?.outcome ? (
            <>
              <div className="whatif-actions">
                <button type="button" disabled={state.running} onClick={() => void run({ type: 'applyWhatIf' })}>
                  Apply what-if to the live pipeline
                </button>
                {transport === 'web' ? (
                  <a className="button" href={exportHref} download="whatif.jsonl">
                    Export what-if results (JSONL)
                  </a>
                ) : null}
              </div>
              <WhatIfResults outcome={state.outcome} />
            </>
          ) : null}
          {state?.applied ? <AppliedNote applied={state.applied} /> : null}
        </div>
      ) : null}
    </section>
  );
});
