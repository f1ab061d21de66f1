/** Texts of the Checkpoints panel, from the host's `CheckpointStatus` (pure: tested without a DOM). */
import type { CheckpointStatus } from '../../src-shared/contract';
import { formatClock, formatDurationMs } from './format';

/** Local wall-clock time as HH:MM:SS. */
export function formatHms(ms: number): string {
  return formatClock(ms).slice(0, 8);
}

/** A size in bytes as "512 B", "12.3 KiB", "4.1 MiB", "1.2 GiB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** "Resumed from checkpoint N (taken HH:MM:SS)", or null when this run started fresh. */
export function resumedText(c: CheckpointStatus | undefined): string | null {
  const r = c?.resumedFrom;
  return r === undefined ? null : `Resumed from checkpoint ${r.epoch} (taken ${formatHms(r.takenAtMs)})`;
}

/** The panel's rows as label/value pairs, Flink's order: last completed, its duration and size, counts. */
export function checkpointRows(c: CheckpointStatus): Array<[string, string]> {
  const last = c.last;
  return [
    ['Last completed', last === undefined ? 'none yet' : `#${last.epoch} at ${formatHms(last.takenAtMs)}`],
    ['Duration', last === undefined ? '—' : formatDurationMs(last.durationMs)],
    ['Size', last === undefined ? '—' : formatBytes(last.bytes)],
    ['Completed', String(c.completed)],
    ['Failed', String(c.failed)],
    ['Interval', c.intervalMs > 0 ? formatDurationMs(c.intervalMs) : 'on demand and at shutdown'],
  ];
}
