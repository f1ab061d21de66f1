/**
 * The four streams the dashboard shows — results, late events, dead letters and log lines — each in
 * a bounded ring (newest kept, overflow counted), so memory is fixed whatever the rate. Shared by a
 * subscriber's frame builder (what piles up between two frames) and the host's recent history (what
 * a reloaded page starts with).
 */
import type { LogLine } from '../../src-shared/contract';
import { RingBuffer } from '../../src-shared/ring-buffer';
import type { DeadLetter, LateEvent, WindowResult } from '../../src-shared/types';

/** Capacity of each ring, in items. */
export interface StreamCaps {
  results: number;
  late: number;
  deadLetters: number;
  logs: number;
}

/** Bounded rings of the dashboard's streams; subclasses decide how they are read. */
export class StreamRings {
  protected readonly results: RingBuffer<WindowResult>;
  protected readonly late: RingBuffer<LateEvent>;
  protected readonly deadLetters: RingBuffer<DeadLetter>;
  protected readonly logs: RingBuffer<LogLine>;

  constructor(caps: StreamCaps) {
    this.results = new RingBuffer(caps.results);
    this.late = new RingBuffer(caps.late);
    this.deadLetters = new RingBuffer(caps.deadLetters);
    this.logs = new RingBuffer(caps.logs);
  }

  addResults(batch: readonly WindowResult[]): void {
    this.results.pushAll(batch);
  }
  addLate(batch: readonly LateEvent[]): void {
    this.late.pushAll(batch);
  }
  addDeadLetters(batch: readonly DeadLetter[]): void {
    this.deadLetters.pushAll(batch);
  }
  addLog(line: LogLine): void {
    this.logs.pushAll([line]);
  }
}
