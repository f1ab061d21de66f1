/**
 * The real pipeline factory used by both hosts: validates a raw config with the engine's
 * `parseConfig` (throws ConfigError: field, value, rule) and builds a `Pipeline`.
 */
import { parseConfig, type PipelineConfig } from '../engine/config';
import { Pipeline, type PipelineOptions } from '../engine/pipeline';
import type { AppConfigShape } from './config-shape';
import type { PipelinePort } from './pipeline-port';

/** The engine's config, seen through the fields the app reads. */
export type EngineConfig = PipelineConfig & AppConfigShape;

/**
 * Build an engine pipeline from raw config input. `shutdownSignal` (optional) is the host's
 * shutdown deadline (see PipelineOptions). Throws on an invalid config.
 */
export function createEnginePipeline(input: unknown, opts: Pick<PipelineOptions, 'shutdownSignal'> = {}): PipelinePort<EngineConfig> {
  return new Pipeline(parseConfig(input), { onSourceEnd: 'continue', ...opts }) as unknown as PipelinePort<EngineConfig>;
}
