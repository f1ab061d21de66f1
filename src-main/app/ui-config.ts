/**
 * Projection of the engine's config onto what the renderer shows (`UiConfig`): no file paths of
 * side outputs, no internals, sinks in a fixed order.
 */
import type { SinkName, SourceType, UiConfig, UiSink } from '../../src-shared/contract';
import type { AppConfigShape, SinkEntry } from './config-shape';

/** The sinks the UI lists, in display order. */
export const UI_SINKS: readonly SinkName[] = ['console', 'file', 'webhook', 'websocket', 'throttled'];

/**
 * Build the renderer-facing config from the engine's config and the app's sink settings (every
 * sink the UI knows, enabled or not). Sinks absent from both are listed as disabled.
 */
export function toUiConfig(config: AppConfigShape, sinkSettings: readonly SinkEntry[]): UiConfig {
  const sinks: UiSink[] = UI_SINKS.map((name) => {
    const entry = sinkSettings.find((s) => s.type === name);
    if (!entry) return { name, enabled: false, options: {} };
    // The host's secret stays in the host (a WebSocket sink carries it).
    const { type: _type, enabled, token: _token, ...options } = entry;
    return { name, enabled: enabled !== false, options };
  });
  const rate = config.source.rateEventsPerSec;
  return {
    source: { ...config.source, type: config.source.type as SourceType },
    rateEventsPerSec: typeof rate === 'number' ? rate : null,
    window: config.window,
    alertThreshold: config.alertThreshold,
    timing: {
      timeMode: config.timeMode,
      maxOutOfOrdernessMs: config.maxOutOfOrdernessMs,
      allowedLatenessMs: config.allowedLatenessMs,
      idleTimeoutMs: config.idleTimeoutMs,
    },
    sinks,
    queues: {
      ingress: { ...config.queues.ingress },
      sink: { ...config.queues.sink },
    },
  };
}
