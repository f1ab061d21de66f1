/** What a `reconfigure` has to do, read off the configuration before and after the change. */
import type { PipelineConfig } from '../config';
import type { SimLoad } from '../component';

/** The simulated source's settings that apply while it runs (the load a user turns). */
const SIM_LOAD_FIELDS = ['rateEventsPerSec', 'sensors', 'jitterMs', 'malformedRate'] as const;

/** The parts of a running pipeline a configuration change touches. */
export interface ConfigChange {
  /** The window spec, time mode, out-of-orderness or allowed lateness changed: fire the open windows and build a new operator. */
  operator: boolean;
  /** Only the alert threshold changed among the operator's settings (applies to events from now on). */
  alertThreshold: boolean;
  /** The simulated source's new load, applied in place (nothing else about the source changed). */
  simLoad?: SimLoad;
  /** Another source: stop the old one, restart event time, run the new one. */
  switchSource: boolean;
}

/**
 * Compares two validated configurations. `canSetLoad` says whether the running source can change
 * its load (rate, keys, jitter, malformed fraction) in place; otherwise such a change is a source switch.
 */
export function planChange(prev: PipelineConfig, next: PipelineConfig, canSetLoad: boolean): ConfigChange {
  const operator =
    JSON.stringify(prev.window) !== JSON.stringify(next.window) || prev.timeMode !== next.timeMode ||
    prev.maxOutOfOrdernessMs !== next.maxOutOfOrdernessMs || prev.allowedLatenessMs !== next.allowedLatenessMs;
  const sourceChanged = JSON.stringify(prev.source) !== JSON.stringify(next.source);
  const src = next.source;
  const loadOnly =
    canSetLoad && sourceChanged && prev.source.type === 'sim' && src.type === 'sim' &&
    JSON.stringify(withoutLoad(prev.source)) === JSON.stringify(withoutLoad(src));
  return {
    operator,
    alertThreshold: !operator && prev.alertThreshold !== next.alertThreshold,
    ...(loadOnly && src.type === 'sim'
      ? { simLoad: { rateEventsPerSec: src.rateEventsPerSec, sensors: src.sensors, jitterMs: src.jitterMs, malformedRate: src.malformedRate } }
      : {}),
    switchSource: sourceChanged && !loadOnly,
  };
}

function withoutLoad(source: object): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...source };
  for (const f of SIM_LOAD_FIELDS) delete rest[f];
  return rest;
}
