/** Pipeline lifecycle (Start, Stop), the view freeze toggle, and the export of output.jsonl. */
import { memo, useState } from 'react';
import { useDashboard } from '../store/store-context';

export const Toolbar = memo(function Toolbar() {
  const state = useDashboard((s) => s.status?.state);
  const transport = useDashboard((s) => s.status?.transport);
  const metricsUrl = useDashboard((s) => s.status?.metricsUrl);
  const viewPaused = useDashboard((s) => s.viewPaused);
  const setViewPaused = useDashboard((s) => s.setViewPaused);
  const run = useDashboard((s) => s.run);
  const exportOutput = useDashboard((s) => s.exportOutput);
  const [exporting, setExporting] = useState(false);

  const running = state === 'running' || state === 'paused';
  return (
    <div className="toolbar" role="toolbar" aria-label="Pipeline">
      <span className={`state-badge state-${state ?? 'unknown'}`} data-testid="pipeline-state" aria-live="polite">
        {state ?? 'connecting…'}
      </span>
      <button type="button" onClick={() => void run({ type: 'start' })} disabled={running || state === 'stopping'}>
        Start
      </button>
      <button type="button" className="danger" onClick={() => void run({ type: 'stop' })} disabled={!running}>
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
