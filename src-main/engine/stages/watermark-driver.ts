/**
 * The ticker that moves the watermark when events do not: every `tickMs` of processing time it asks
 * {@link tickWatermark} where the watermark should be and lets the operator loop fire what that
 * passes. Event-driven watermark advance stays in the window operator (window-operator.ts); this
 * file holds the two rules driven by processing time.
 */
import type { Clock, Cancel } from '../time/clock';

/** The configuration the ticker's rules read. All durations in ms. */
export interface TickConfig {
  timeMode: 'event' | 'processing';
  /** 0 disables the idle timeout. */
  idleTimeoutMs: number;
  maxOutOfOrdernessMs: number;
}

/** What the ticker's rules observe at a tick. Times in ms since epoch. */
export interface TickObservation {
  nowMs: number;
  /** Processing time the last batch reached the operator. */
  lastArrivalMs: number;
  /** Events waiting in the ingress queue. */
  ingressDepth: number;
  /** Greatest event time the operator has seen; −Infinity before the first event. */
  maxTimestamp: number;
}

/**
 * Where the watermark should be at a tick, or undefined to leave it:
 * - processing time: the watermark is processing time (`nowMs`);
 * - event time with an idle timeout: once no batch arrived for `idleMs >= idleTimeoutMs` and the
 *   ingress queue is empty, event time is assumed to pass with processing time:
 *   `maxTimestamp − maxOutOfOrdernessMs + idleMs` (Flink's `WatermarkStrategy.withIdleness` keeps
 *   an idle split from holding the watermark back; here the single stream itself moves on).
 */
export function tickWatermark(cfg: TickConfig, o: TickObservation): number | undefined {
  if (cfg.timeMode === 'processing') return o.nowMs;
  if (cfg.idleTimeoutMs <= 0 || o.ingressDepth !== 0 || !Number.isFinite(o.maxTimestamp)) return undefined;
  const idleMs = o.nowMs - o.lastArrivalMs;
  return idleMs >= cfg.idleTimeoutMs ? o.maxTimestamp - cfg.maxOutOfOrdernessMs + idleMs : undefined;
}

/** Calls `onTick` every `tickMs` of the clock's time until stop(). */
export class WatermarkDriver {
  private cancel?: Cancel;

  constructor(
    private readonly clock: Clock,
    private readonly tickMs: number,
    private readonly onTick: (nowMs: number) => void,
  ) {}

  start(): void {
    this.cancel ??= this.clock.setInterval(() => this.onTick(this.clock.now()), this.tickMs);
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }
}
