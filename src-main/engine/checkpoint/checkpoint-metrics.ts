/**
 * Checkpoint metrics, in the pipeline's prom-client registry (names per Prometheus conventions):
 * - `streamscope_checkpoint_duration_seconds` (histogram): request to stored checkpoint;
 * - `streamscope_checkpoint_size_bytes`: size of the last stored checkpoint;
 * - `streamscope_checkpoint_last_completed_timestamp_seconds`: when the last one's cut was taken;
 * - `streamscope_checkpoints_total{result="completed"|"failed"}`;
 * - `streamscope_checkpoint_pause_seconds`: how long the last one held the source (drain + commit);
 * - `streamscope_checkpoint_recovery_seconds`: time to restore the checkpoint this run resumed from.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CheckpointCoordinator } from './coordinator';

/** Buckets of checkpoint durations, seconds (10 ms .. 2 min). */
const DURATION_BUCKETS_SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120];

/** Registers the checkpoint metrics of `ckpt` in `registry` and keeps them current. */
export function registerCheckpointMetrics(registry: Registry, ckpt: CheckpointCoordinator): void {
  const registers = [registry];
  const duration = new Histogram({ name: 'streamscope_checkpoint_duration_seconds', help: 'Time from a checkpoint request until it is stored.', buckets: DURATION_BUCKETS_SECONDS, registers });
  const size = new Gauge({ name: 'streamscope_checkpoint_size_bytes', help: 'Size of the last stored checkpoint.', registers });
  const last = new Gauge({ name: 'streamscope_checkpoint_last_completed_timestamp_seconds', help: 'Processing time of the last completed checkpoint (seconds since epoch).', registers });
  const total = new Counter({ name: 'streamscope_checkpoints_total', help: 'Checkpoints by result.', labelNames: ['result'], registers });
  const pause = new Gauge({ name: 'streamscope_checkpoint_pause_seconds', help: 'How long the last checkpoint held the source (drain to the barrier, snapshot, sink commits).', registers });
  const recovery = new Gauge({
    name: 'streamscope_checkpoint_recovery_seconds',
    help: 'Time to restore the checkpoint this run resumed from (0 when it started fresh).',
    registers,
    collect() {
      this.set((ckpt.resumed?.restoreMs ?? 0) / 1000);
    },
  });
  void recovery;
  total.inc({ result: 'completed' }, 0);
  total.inc({ result: 'failed' }, 0);
  ckpt.onCheckpoint((info) => {
    if (info === undefined) {
      total.inc({ result: 'failed' });
      return;
    }
    total.inc({ result: 'completed' });
    duration.observe(info.durationMs / 1000);
    size.set(info.bytes);
    last.set(info.takenAtMs / 1000);
    pause.set(info.pauseMs / 1000);
  });
}
