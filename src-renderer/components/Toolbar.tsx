/** Pipeline lifecycle (Start, Stop), the view freeze toggle, and the export of output.jsonl. */
import { memo, useEffect, useState } from 'react';
import { silenceSeconds } from '../lib/staleness';
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
  const transport = useDashboard((s) => s.status?.transport);
  const metricsUrl = useDashboard((s) => s.status?.metricsUrl);
  const viewPaused = useDashboard((s) => s.viewPaused);
  const setViewPaused = useDashboard((s) => s.setViewPaused);
  const run = useDashboard((s) => s.run);
  const exportOutput = useDashboard((s) => s.exportOutput);
  const [exporting, setExporting] = useState(false);

  const lastFrameAt = useDashboard((s) => s.lastFrameAt);
  const silence = silenceSeconds(lastFrameAt, useNow());
  const running = state === 'running' || state === 'paused';
  return (
    <div className="toolbar" role="toolbar" aria-label="Pipeline">
      <span
        className={`state-badge state-${silence !== null ? 'disconnected' : (state ?? 'unknown')}`}
        data-testid="pipeline-state"
        aria-live="polite"
      >
        {silence !== null ? 'disconnected' : (state ?? 'connecting…')}
      </span>
      {silence !== null && (
        <span role="alert" className="connection-lost" data-testid="connection-lost">
          No data from the host for {silence} s: reconnecting…
        </span>
      )}
      <button type="button" onClick={() => void run({ type: 'start' })} disabled={silence !== null || running || state === 'stopping'}>
        Start
      </button>
      <button type="button" className="danger" onClick={() => void run({ type: 'stop' })} disabled={silence !== null || !running}>
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
