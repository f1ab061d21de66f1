/**
 * The pipeline's lifecycle (idle → running ⇄ paused → stopping → stopped) and its pause gate: while
 * paused, a source's `emit` waits on the gate, so pausing stops reading the way backpressure does.
 */

/** Lifecycle of a pipeline. */
export type PipelineState = 'idle' | 'running' | 'paused' | 'stopping' | 'stopped';

interface Gate {
  promise: Promise<void>;
  open: () => void;
}

function closedGate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

/** State machine plus pause gate; `done` resolves once stopped. */
export class Lifecycle {
  private st: PipelineState = 'idle';
  private gate?: Gate;
  private finishFn!: () => void;
  /** Resolves once the state is `stopped`. */
  readonly done = new Promise<void>((resolve) => (this.finishFn = resolve));

  get state(): PipelineState {
    return this.st;
  }

  /** Running or paused: the stages are up. */
  get live(): boolean {
    return this.st === 'running' || this.st === 'paused';
  }

  /** Stopping or stopped. */
  get ending(): boolean {
    return this.st === 'stopping' || this.st === 'stopped';
  }

  /** What a source's emit must wait on while paused; undefined when not paused. */
  get pauseGate(): Promise<void> | undefined {
    return this.gate?.promise;
  }

  /** idle → running. @throws Error from any other state. */
  begin(): void {
    if (this.st !== 'idle') throw new Error(`pipeline cannot start from state ${this.st}`);
    this.st = 'running';
  }

  /** running → paused (closes the gate); ignored in other states. */
  pause(): void {
    if (this.st !== 'running') return;
    this.gate = closedGate();
    this.st = 'paused';
  }

  /** paused → running (opens the gate); ignored in other states. */
  resume(): void {
    if (this.st !== 'paused') return;
    this.gate?.open();
    this.gate = undefined;
    this.st = 'running';
  }

  /**
   * Runs `fn` with the gate open (a paused source waits on it inside emit() and must pass its last
   * batch to stop), then closes it again if the pipeline is still paused by the same pause.
   */
  async withGateOpen(fn: () => Promise<void>): Promise<void> {
    const gate = this.gate;
    gate?.open();
    await fn();
    if (gate !== undefined && this.gate === gate) this.gate = closedGate();
  }

  /** → stopping (opens the gate for good). */
  beginStop(): void {
    this.gate?.open();
    this.gate = undefined;
    this.st = 'stopping';
  }

  /** → stopped; resolves `done`. */
  finish(): void {
    this.st = 'stopped';
    this.finishFn();
  }
}
