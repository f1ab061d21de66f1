/**
 * Whether the pipeline runs without a source: none reported, or every reported source stopped (a
 * replayed file that ended, or a source that failed, while the app keeps running).
 */
import type { MetricsSnapshot } from '../../src-shared/types';

/** True when metrics exist and no source is delivering. */
export function hasNoSource(m: Pick<MetricsSnapshot, 'sources'> | null | undefined): boolean {
  if (!m) return false;
  return m.sources.length === 0 || m.sources.every((s) => s.state === 'stopped');
}
