/**
 * Maps a validated configuration command (`setRate`, `setWindow`, …) to the partial config that
 * `Pipeline.reconfigure` applies. Lifecycle commands (start/stop/pause/resume) are not handled here.
 */
import type { Command } from '../../src-shared/contract';
import type { AppConfigShape, SinkEntry } from './config-shape';

/** The patch for `reconfigure`, or the reason the command cannot apply to the current config. */
export type PatchResult =
  | { ok: true; patch: Record<string, unknown>; sinkSettings?: SinkEntry[] }
  | { ok: false; error: string };

/** The engine's `sinks` for a set of sink settings: the enabled ones, without `enabled`. */
export function engineSinks(settings: readonly SinkEntry[]): Array<{ type: string; [option: string]: unknown }> {
  return settings.filter((s) => s.enabled !== false).map(({ enabled: _e, ...rest }) => rest);
}

/** Sink settings from a raw `sinks` array (entries without `enabled` count as enabled). */
export function sinkSettingsOf(sinks: unknown): SinkEntry[] {
  if (!Array.isArray(sinks)) return [];
  return sinks
    .filter((s): s is SinkEntry => !!s && typeof s === 'object' && typeof (s as SinkEntry).type === 'string')
    .map((s) => ({ ...s, enabled: s.enabled !== false }));
}

/** Source types whose rate the events/s slider controls. */
const RATED_SOURCES = new Set(['sim']);

/**
 * Build the reconfigure patch for a config command. For `setSink` the named sink's setting is
 * toggled and its options merged, and the patch carries the engine's whole new `sinks` array
 * (the engine replaces arrays, and runs exactly the sinks listed).
 */
export function commandToPatch(cmd: Command, config: AppConfigShape, sinkSettings: readonly SinkEntry[]): PatchResult {
  switch (cmd.type) {
    case 'setRate':
      if (!RATED_SOURCES.has(config.source.type)) {
        return { ok: false, error: `setRate: the ${config.source.type} source has no rate; choose the sim source first` };
      }
      return { ok: true, patch: { source: { ...config.source, rateEventsPerSec: cmd.rateEventsPerSec } } };
    case 'setWindow':
      return { ok: true, patch: { window: cmd.window } };
    case 'setAlertThreshold':
      return { ok: true, patch: { alertThreshold: cmd.alertThreshold } };
    case 'setSource':
      return { ok: true, patch: { source: cmd.source } };
    case 'setSink': {
      const settings: SinkEntry[] = sinkSettings.map((s) => ({ ...s }));
      const i = settings.findIndex((s) => s.type === cmd.sink);
      const { type: _t, enabled: _e, ...options } = cmd.options ?? {};
      if (i >= 0) settings[i] = { ...settings[i], ...options, type: cmd.sink, enabled: cmd.enabled };
      else settings.push({ ...options, type: cmd.sink, enabled: cmd.enabled });
      return { ok: true, patch: { sinks: engineSinks(settings) }, sinkSettings: settings };
    }
    case 'setTiming': {
      const { type: _t, ...timing } = cmd;
      if (Object.keys(timing).length === 0) return { ok: false, error: 'setTiming: give at least one of timeMode, maxOutOfOrdernessMs, allowedLatenessMs, idleTimeoutMs' };
      return { ok: true, patch: timing };
    }
    case 'setQueue': {
      if (cmd.policy === undefined && cmd.maxEvents === undefined) {
        return { ok: false, error: 'setQueue: give policy and/or maxEvents' };
      }
      const q = { ...config.queues[cmd.queue] };
      if (cmd.policy !== undefined) q.policy = cmd.policy;
      if (cmd.maxEvents !== undefined) q.maxEvents = cmd.maxEvents;
      return { ok: true, patch: { queues: { [cmd.queue]: q } } };
    }
    default:
      return { ok: false, error: `${cmd.type}: not a configuration command` };
  }
}
