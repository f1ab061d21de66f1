/** The pipeline's log: lines for the UI and the CLI's stderr, stamped with processing time. */
import type { LogLine } from '../../../src-shared/contract';
import type { Clock } from '../time/clock';

export type { LogLine };

/** Fans log lines out to listeners. */
export class LogBus {
  private readonly listeners = new Set<(line: LogLine) => void>();

  constructor(private readonly clock: Clock) {}

  /** Subscribes; returns the unsubscribe function. */
  subscribe(cb: (line: LogLine) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  log(level: LogLine['level'], msg: string): void {
    const line = { level, msg, at: this.clock.now() };
    for (const cb of this.listeners) cb(line);
  }
}
