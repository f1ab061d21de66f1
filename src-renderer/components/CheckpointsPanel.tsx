/**
 * Checkpoints, as Flink's UI shows them: the last completed one (time, duration, size), counts of
 * completed and failed ones, a "Checkpoint now" button, and after a restart the checkpoint resumed.
 */
import { memo, useState } from 'react';
import type { CheckpointStatus } from '../../src-shared/contract';
import { checkpointRows, resumedText } from '../lib/checkpoint-view';
import { useDashboard } from '../store/store-context';

/** Props of {@link CheckpointsView}: the host's checkpoint status (undefined = checkpoints off). */
export interface CheckpointsViewProps {
  checkpoints: CheckpointStatus | undefined;
  /** True while a "Checkpoint now" request runs. */
  busy: boolean;
  /** False when the pipeline is not running (a checkpoint is taken while it runs). */
  canCheckpoint: boolean;
  onCheckpointNow: () => void;
}

/** The panel itself, without the store (rendered by tests as static markup). */
export function CheckpointsView({ checkpoints, busy, canCheckpoint, onCheckpointNow }: CheckpointsViewProps) {
  const resumed = resumedText(checkpoints);
  return (
    <section className="card checkpoints" aria-labelledby="checkpoints-heading" data-testid="checkpoints">
      <header className="card-header">
        <h2 id="checkpoints-heading">Checkpoints</h2>
        {checkpoints !== undefined && (
          <button type="button" onClick={onCheckpointNow} disabled={busy || !canCheckpoint} aria-busy={busy}>
            {busy ? 'Checkpointing…' : 'Checkpoint now'}
          </button>
        )}
      </header>
      {checkpoints === undefined ? (
        <p className="empty">Off (the host was started with --no-checkpoints).</p>
      ) : (
        <>
          {resumed !== null && (
            <p role="status" data-testid="checkpoint-resumed">
              {resumed}
            </p>
          )}
          <dl className="checkpoint-stats">
            {checkpointRows(checkpoints).map(([label, value]) => (
              <div key={label}>
                <dt>{label}</dt>
                <dd data-testid={`checkpoint-${label.toLowerCase().replace(/\s+/g, '-')}`}>{value}</dd>
              </div>
            ))}
          </dl>
          <p className="hint">Stored in {checkpoints.dir}</p>
        </>
      )}
    </section>
  );
}

/** The panel, connected to the dashboard store. */
export const CheckpointsPanel = memo(function CheckpointsPanel() {
  const checkpoints = useDashboard((s) => s.status?.checkpoints);
  const running = useDashboard((s) => s.status?.state === 'running');
  const run = useDashboard((s) => s.run);
  const [busy, setBusy] = useState(false);
  const onCheckpointNow = () => {
    setBusy(true);
    void run({ type: 'checkpointNow' }).finally(() => setBusy(false));
  };
  return <CheckpointsView checkpoints={checkpoints} busy={busy} canCheckpoint={running} onCheckpointNow={onCheckpointNow} />;
});
