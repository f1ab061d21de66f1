/**
 * Runs a {@link Pipeline} on a source built by the bench instead of one named by the config.
 *
 * The engine's public API has no option for a host-provided source yet (it has `hostSinks`), so this
 * replaces the pipeline's private `startSource` step on one instance, doing what the original does:
 * run the source into the pipeline's own `SourceOutput` (same metrics, same ingress queue, same
 * backpressure) and stop the pipeline when the finite source ends. Everything after the source is
 * the engine exactly as the CLI runs it. Remove this file once `PipelineOptions` accepts a source.
 */
import type { Source, SourceOutput } from '../../src-main/engine/component';
import type { Pipeline } from '../../src-main/engine/pipeline';

interface PipelineInternals {
  source?: Source;
  sourceRun?: Promise<void>;
  sourceOutput(name: string): SourceOutput;
  startSource(): void;
  stop(): Promise<void>;
  readonly state: string;
}

/**
 * Makes `pipeline.start()` run `source`. Call before start().
 * @throws Error if the engine's internals no longer match (the bench then reports the row as failed).
 */
export function useHostSource(pipeline: Pipeline, source: Source): void {
  const p = pipeline as unknown as PipelineInternals;
  if (typeof p.startSource !== 'function' || typeof p.sourceOutput !== 'function') {
    throw new Error('Pipeline internals changed: startSource/sourceOutput not found (add a source option to PipelineOptions)');
  }
  p.startSource = function startHostSource(this: PipelineInternals): void {
    this.source = source;
    this.sourceRun = source.run(this.sourceOutput(source.name)).then(
      () => {
        if (this.state !== 'stopping' && this.state !== 'stopped') void this.stop();
      },
      () => {
        if (this.state !== 'stopping' && this.state !== 'stopped') void this.stop();
      },
    );
  };
}
