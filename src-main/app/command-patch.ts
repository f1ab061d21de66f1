/**
 * Maps a validated configuration command (`setRate`, `setWindow`, …) to the partial config that
 * `Pipeline.reconfigure` applies. Lifecycle commands (start/stop/pause/resume) are not handled here.
 */
import type { Command } from '../../src-shared/contract';
import type { AppConfigShape, SinkEntry } from './config-shape';

/** The patch for `reconfigure`, or the reason the command cannot apply to the current config. */
export type PatchResult = { ok: true; patch: Record<string, unknown> } | { ok: false; error: string };

/** Source types whose rate the events/s slider controls. */
const RATED_SOURCES = new Set(['sim']);

/**
 * Build the reconfigure patch for a config command. Sinks are replaced as a whole array (the
 * engine replaces arrays), with the named sink toggled and its options merged.
 */
export function commandToPatch(cmd: Command, config: AppConfigShape): PatchResult {
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
      const sinks: SinkEntry[] = config.sinks.map((s) => ({ ...s }));
      const i = sinks.findIndex((s) => s.type === cmd.sink);
      const { type: _t, enabled: _e, ...options } = cmd.options ?? {};
      if (i >= 0) sinks[i] = { ...sinks[i], ...options, type: cmd.sink, enabled: cmd.enabled };
      else sinks.push({ ...options, type: cmd.sink, enabled: cmd.enabled });
      return { ok: true, patch: { sinks } };
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
