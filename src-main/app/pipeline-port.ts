/**
 * The slice of the engine's `Pipeline` that the app controller uses. The controller depends on this
 * port, not on the class, so transports can be tested with a stub and the engine can evolve freely.
 */
import type { DeadLetter, LateEvent, MetricsSnapshot, StreamEvent, WindowResult } from '../../src-shared/types';
import type { CheckpointCoordinator, CheckpointOptions, RecoveryInfo } from '../engine/checkpoint/coordinator';
import type { ReconfigureOptions } from '../engine/pipeline';
import type { AppState, LogLine } from '../../src-shared/contract';

/** Recursive partial, as `Pipeline.reconfigure` accepts it (arrays are replaced whole). */
export type DeepPartial<T> = T extends Array<unknown>
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** What the controller needs of a pipeline. `C` is the engine's `PipelineConfig`. */
export interface PipelinePort<C> {
  readonly config: C;
  readonly state: AppState;
  readonly metrics: { snapshot(): MetricsSnapshot };
  readonly metricsServer?: { url: string; port: number };
  start(): Promise<void>;
  pause(): void;
  resume(): void;
  /** Stop the source, fire every open window, flush sinks. */
  stop(): Promise<void>;
  /**
   * Apply a partial config without a restart; throws (one clear line) when the patch is invalid.
   * `opts.seedOperator` seeds the new windows (an applied what-if).
   */
  reconfigure(patch: DeepPartial<C>, opts?: ReconfigureOptions): Promise<void>;
  onResults(cb: (batch: WindowResult[]) => void): () => void;
  onLate(cb: (batch: LateEvent[]) => void): () => void;
  onDeadLetter(cb: (batch: DeadLetter[]) => void): () => void;
  onLog(cb: (line: LogLine) => void): () => void;
  /** The checkpoint coordinator ("checkpoint now", stats), when checkpoints are on. */
  readonly checkpoints?: Pick<CheckpointCoordinator, 'checkpoint' | 'stats'>;
  /** What start() restored from a checkpoint, if it resumed one. */
  readonly resumedFrom?: RecoveryInfo;
  /** Stop with a final checkpoint that keeps the open windows (a clean app shutdown); absent = stop(). */
  suspend?(): Promise<void>;
}

/** What the host hands a pipeline it builds: the retained history's tap at the operator input. */
export interface PipelineHooks {
  onOperatorInput?: (batch: readonly StreamEvent[]) => void;
  /** Checkpoints of the pipeline (store, interval, fresh or resume); absent = none. */
  checkpoints?: CheckpointOptions;
}
