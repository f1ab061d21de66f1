/**
 * The real pipeline factory used by both hosts: validates a raw config with the engine's
 * `parseConfig` (throws ConfigError: field, value, rule) and builds a `Pipeline`.
 */
import { parseConfig, type PipelineConfig } from '../engine/config';
import { Pipeline, type PipelineOptions } from '../engine/pipeline';
import type { AppConfigShape } from './config-shape';
import type { PipelineHooks, PipelinePort } from './pipeline-port';

/** The engine's config; the compiler checks it offers every field the app reads (AppConfigShape). */
export type EngineConfig = PipelineConfig extends AppConfigShape ? PipelineConfig : never;

/**
 * Build an engine pipeline from raw config input. `hooks` are the app's taps (the retained
 * history) and its checkpoint options; `shutdownSignal` (optional) is the host's shutdown deadline (see PipelineOptions).
 * Throws on an invalid config.
 */
export function createEnginePipeline(
  input: unknown,
  hooks: PipelineHooks = {},
  opts: Pick<PipelineOptions, 'shutdownSignal'> = {},
): PipelinePort<EngineConfig> {
  const pipeline: PipelinePort<EngineConfig> = new Pipeline(parseConfig(input), { onSourceEnd: 'continue', onOperatorInput: hooks.onOperatorInput, checkpoints: hooks.checkpoints, ...opts });
  return pipeline;
}
