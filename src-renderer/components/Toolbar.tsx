/**
 * Pipeline lifecycle (Start, Stop), the view freeze toggle, and the export of output.jsonl.
 * Start and Stop are never natively `disabled` (a disabled button drops the keyboard focus to the
 * page body): they are `aria-disabled` and ignore activation, and after a command went through the
 * focus moves to the counterpart that now makes sense (Stop → Start, Start → Stop).
 */
import { memo, useEffect, useRef, useState } from 'react';
import { focusAfter, lifecycleActions } from '../lib/lifecycle';
import { silenceSeconds } from '../lib/staleness';
import { hasNoSource } from '../lib/source-state';
import { useDashboard } from '../store/store-context';

/** The wall clock, re-read every second (for the connection watchdog). */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return now;
}

export const Toolbar = memo(function Toolbar() {
  const state = useDashboard((s) => s.status?.state);
  const noSource = useDashboard((s) => hasNoSource(s.view.metrics));
  const transport = useDashboard((s) => s.status?.transport);
  const metricsUrl = useDashboard((s) => s.status?.metricsUrl);
  const viewPaused = useDashboard((s) => s.viewPaused);
  const setViewPaused = useDashboard((s) => s.setViewPaused);
  const run = useDashboard((s) => s.run);
  const exportOutput = useDashboard((s) => s.exportOutput);
  const [exporting, setExporting] = useState(false);

  const lastFrameAt = useDashboard((s) => s.lastFrameAt);
  const silence = silenceSeconds(lastFrameAt, useNow());
  const { canStart, canStop } = lifecycleActions(state, silence === null);
  const buttons = { start: useRef<HTMLButtonElement>(null), stop: useRef<HTMLButtonElement>(null) };
  const lifecycle = async (command: 'start' | 'stop') => {
    const reply = await run({ type: command });
    // Move the focus only if it is still on the button used (the user did not go elsewhere).
    const from = buttons[command].current;
    if (reply.ok && from && document.activeElement === from) buttons[focusAfter(command)].current?.focus();
  };
  return (
    <div className="toolbar" role="toolbar" aria-label="Pipeline">
      <span
        className={`state-badge state-${silence !== null ? 'disconnected' : (state ?? 'unknown')}`}
        data-testid="pipeline-state"
        aria-live="polite"
      >
        {silence !== null ? 'disconnected' : (state ?? 'connecting…')}
        {silence === null && state === 'running' && noSource ? ' · no source' : ''}
      </span>
      {silence !== null && (
        <span role="alert" className="connection-lost" data-testid="connection-lost">
          No data from the host for {silence} s: reconnecting…
        </span>
      )}
      <button
        ref={buttons.start}
        type="button"
        aria-disabled={!canStart}
        onClick={() => {
          if (canStart) void lifecycle('start');
        }}
      >
        Start
      </button>
      <button
        ref={buttons.stop}
        type="button"
        className="danger"
        aria-disabled={!canStop}
        onClick={() => {
          if (canStop) void lifecycle('stop');
        }}
      >
        Stop
      </button>
      <button
        type="button"
        className={viewPaused ? 'toggle-on' : 'secondary'}
        aria-pressed={viewPaused}
        onClick={() => setViewPaused(!viewPaused)}
        title="Freeze the charts; the pipeline keeps running"
      >
        {viewPaused ? 'Resume view' : 'Pause view'}
      </button>
      <button
        type="button"
        className="secondary"
        disabled={exporting}
        onClick={async () => {
          setExporting(true);
          try {
            await exportOutput();
          } finally {
            setExporting(false);
          }
        }}
      >
        Export output.jsonl
      </button>
      <span className="toolbar-meta">
        {transport ? `${transport} transport` : null}
        {metricsUrl ? (
          <>
            {' · '}
            <a href={metricsUrl} target="_blank" rel="noreferrer">
              metrics
            </a>
          </>
        ) : null}
      </span>
    </div>
  );
});
