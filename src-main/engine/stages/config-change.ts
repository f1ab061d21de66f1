/** What a `reconfigure` has to do, read off the configuration before and after the change. */
import type { PipelineConfig } from '../config';

/** The parts of a running pipeline a configuration change touches. */
export interface ConfigChange {
  /** The window spec, time mode, out-of-orderness or allowed lateness changed: fire the open windows and build a new operator. */
  operator: boolean;
  /** Only the alert threshold changed among the operator's settings (applies to events from now on). */
  alertThreshold: boolean;
  /** The simulated source's new rate, changed in place (nothing else about the source changed). */
  rateEventsPerSec?: number;
  /** Another source: stop the old one, restart event time, run the new one. */
  switchSource: boolean;
}

/**
 * Compares two validated configurations. `canSetRate` says whether the running source can change
 * its rate in place (otherwise a rate change is a source switch).
 */
export function planChange(prev: PipelineConfig, next: PipelineConfig, canSetRate: boolean): ConfigChange {
  const operator =
    JSON.stringify(prev.window) !== JSON.stringify(next.window) || prev.timeMode !== next.timeMode ||
    prev.maxOutOfOrdernessMs !== next.maxOutOfOrdernessMs || prev.allowedLatenessMs !== next.allowedLatenessMs;
  const sourceChanged = JSON.stringify(prev.source) !== JSON.stringify(next.source);
  const rateOnly =
    canSetRate && sourceChanged && prev.source.type === 'sim' && next.source.type === 'sim' &&
    JSON.stringify({ ...prev.source, rateEventsPerSec: 0 }) === JSON.stringify({ ...next.source, rateEventsPerSec: 0 });
  return {
    operator,
    alertThreshold: !operator && prev.alertThreshold !== next.alertThreshold,
    ...(rateOnly && next.source.type === 'sim' ? { rateEventsPerSec: next.source.rateEventsPerSec } : {}),
    switchSource: sourceChanged && !rateOnly,
  };
}
