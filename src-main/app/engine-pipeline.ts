/**
 * The real pipeline factory used by both hosts: validates a raw config with the engine's
 * `parseConfig` (throws ConfigError: field, value, rule) and builds a `Pipeline`.
 */
import { parseConfig, type PipelineConfig } from '../engine/config';
import { Pipeline } from '../engine/pipeline';
import type { AppConfigShape } from './config-shape';
import type { PipelineHooks, PipelinePort } from './pipeline-port';

/** The engine's config, seen through the fields the app reads. */
export type EngineConfig = PipelineConfig & AppConfigShape;

/** Build an engine pipeline from raw config input. Throws on an invalid config. */
export function createEnginePipeline(input: unknown, hooks: PipelineHooks = {}): PipelinePort<EngineConfig> {
  return new Pipeline(parseConfig(input), { onSourceEnd: 'continue', onOperatorInput: hooks.onOperatorInput }) as unknown as PipelinePort<EngineConfig>;
}
