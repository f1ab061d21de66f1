/**
 * A bounded FIFO of batches between two pipeline stages. It counts events (batch elements), not
 * batches, and the depth (events queued) never exceeds the capacity. A batch handed to `put` is
 * given whole to a consumer that waits on an empty queue; otherwise it is admitted up to the room
 * left (split if needed), and only what does not fit meets the policy:
 * - `block`: the producer keeps the rest; `put` returns a promise the producer must await. The rest
 *   is admitted as the consumer makes room, and the promise resolves once all of it is queued and
 *   the depth is below capacity. Memory bound: capacity + what each blocked producer still holds.
 * - `drop-newest`: the rest is dropped and counted.
 * - `drop-oldest`: the oldest queued events are evicted (the head batch may be trimmed) to make
 *   room for the rest; of a rest larger than the queue only the newest `capacity` events stay.
 * So a drop policy sheds only when the queue is really full, never a batch whole while the consumer
 * idles, and a batch larger than the queue is never a reason to drop by itself.
 * It also measures, as Flink does, how long the producer was backpressured and how long the
 * consumer reported being busy, in ms per second of processing time.
 */
import { QUEUE_POLICIES, type QueuePolicy, type QueueSnapshot } from '../../../src-shared/types';
import { systemClock } from '../time/clock';
import { LoadMeter, clamp } from './load-meter';

/** Why events were dropped by a queue (a metric label value). */
export type QueueDropReason = 'queue_full';

/** Options of a {@link BoundedQueue}. */
export interface BoundedQueueOptions {
  /** Stage name, used in metrics labels (for example "ingress", "sink:webhook"). */
  name: string;
  /** Capacity in events (>= 1). */
  maxEvents: number;
  policy: QueuePolicy;
  /** Processing-time clock, ms since epoch (default the system Clock's `now`); pipelines pass their Clock's. */
  now?: () => number;
  /** Called after events were dropped by a drop policy, with the number of events dropped. */
  onDrop?: (n: number, reason: QueueDropReason) => void;
}

/** Busy / backpressured / idle time, ms per second (each 0..1000), over the last ~2 s. */
export interface QueueLoad {
  backpressuredMsPerSec: number;
  busyMsPerSec: number;
  idleMsPerSec: number;
}

/** The read-only view of a queue that metrics need (independent of the element type). */
export interface MeteredQueue {
  readonly name: string;
  readonly depth: number;
  /** Largest depth seen in the current and the previous second (see BoundedQueue.peakDepth). */
  readonly peakDepth: number;
  readonly capacity: number;
  readonly backpressureEvents: number;
  readonly backpressuredMsTotal: number;
  readonly busyMsTotal: number;
  snapshot(): QueueSnapshot;
}

/** Bounded, event-counting FIFO of batches with a backpressure policy. See the module comment. */
export class BoundedQueue<T> implements MeteredQueue {
  readonly name: string;
  private readonly now: () => number;
  private readonly onDrop?: (n: number, reason: QueueDropReason) => void;
  private _policy: QueuePolicy;
  private _capacity: number;

  // Deque of batches: live entries are buf[head .. buf.length).
  private buf: (T[] | undefined)[] = [];
  private head = 0;
  private _depth = 0;
  /** Largest depth left queued after a put, per second of processing time: this second's and the last one's. */
  private peakSecond = Number.NEGATIVE_INFINITY;
  private peakThisSecond = 0;
  private peakLastSecond = 0;
  private closed = false;

  /** Blocked producers, FIFO: what each still holds (admitted as room appears) and its wake-up. */
  private producers: Array<{ rest: T[]; resolve: () => void }> = [];
  /** Re-entrancy guard: admitting a producer's rest may hand batches to consumers, which take. */
  private pumping = false;
  private consumers: Array<(batch: T[] | null) => void> = [];

  private _dropped = 0;
  private _offered = 0;
  private _taken = 0;
  private _backpressureEvents = 0;
  /** Processing time (ms) the current backpressure episode began; null when no producer waits. */
  private blockedSince: number | null = null;
  /** Processing time (ms) the consumer's current long piece of work began; null when none. */
  private busySince: number | null = null;
  private readonly bp: LoadMeter;
  private readonly busy: LoadMeter;

  /** @throws Error when `maxEvents` is not an integer >= 1 or the policy is unknown. */
  constructor(opts: BoundedQueueOptions) {
    this.name = opts.name;
    this.now = opts.now ?? (() => systemClock.now());
    this.onDrop = opts.onDrop;
    this._capacity = checkCapacity(opts.name, opts.maxEvents);
    this._policy = checkPolicy(opts.name, opts.policy);
    const t = this.now();
    this.bp = new LoadMeter(t);
    this.busy = new LoadMeter(t);
  }

  /** Events currently queued. */
  get depth(): number {
    return this._depth;
  }
  /** Capacity in events. */
  get capacity(): number {
    return this._capacity;
  }
  get policy(): QueuePolicy {
    return this._policy;
  }
  /** Events dropped by a drop policy since creation. */
  get droppedEvents(): number {
    return this._dropped;
  }
  /** Events handed to `put` since creation (accepted + dropped). */
  get offeredEvents(): number {
    return this._offered;
  }
  /** Events handed to consumers since creation. */
  get takenEvents(): number {
    return this._taken;
  }
  /** Number of `put` calls that had to wait (block policy). */
  get backpressureEvents(): number {
    return this._backpressureEvents;
  }
  /** Total ms producers spent backpressured, including an in-progress wait. */
  get backpressuredMsTotal(): number {
    return this.bp.total + (this.blockedSince !== null ? Math.max(0, this.now() - this.blockedSince) : 0);
  }
  /** Total ms the consumer reported busy, including a piece of work in progress. */
  get busyMsTotal(): number {
    return this.busy.total + (this.busySince !== null ? Math.max(0, this.now() - this.busySince) : 0);
  }
  /** True after {@link close}. */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Offer a batch. The queue keeps the array (or a slice of it): do not mutate it afterwards.
   * Returns a promise only under `block` when the queue is full after enqueueing; the producer must
   * await it before putting more. Returns undefined otherwise (no allocation on the fast path).
   * @throws Error when the queue is closed.
   */
  put(batch: T[]): Promise<void> | void {
    if (this.closed) throw new Error(`queue "${this.name}" is closed: put() after close()`);
    const n = batch.length;
    if (n === 0) return;
    this._offered += n;
    let rest: T[] = batch;
    if (this.producers.length === 0) rest = this.admit(batch); // FIFO: never overtake a blocked producer
    let dropped = 0;
    if (rest.length > 0 && this._policy !== 'block') {
      dropped = this.shed(rest);
      rest = [];
    }
    this.notePeak();
    if (dropped > 0) {
      this._dropped += dropped;
      this.onDrop?.(dropped, 'queue_full');
    }
    if (this._policy === 'block' && (rest.length > 0 || this._depth >= this._capacity)) {
      this._backpressureEvents++;
      if (this.blockedSince === null) this.blockedSince = this.now();
      return new Promise<void>((resolve) => this.producers.push({ rest, resolve }));
    }
  }

  /**
   * Queue what fits of `batch` and return the rest (empty when all of it was taken). A consumer
   * waiting on an empty queue gets a batch whole; otherwise chunks of the room left are queued.
   */
  private admit(batch: T[]): T[] {
    let rest = batch;
    while (rest.length > 0) {
      if (this.consumers.length > 0 && this.head >= this.buf.length) {
        this._taken += rest.length;
        this.consumers.shift()!(rest);
        return [];
      }
      const room = this._capacity - this._depth;
      if (room <= 0) return rest;
      if (room >= rest.length) {
        this.push(rest);
        rest = [];
      } else {
        this.push(rest.slice(0, room));
        rest = rest.slice(room);
      }
      this.deliverToConsumers();
    }
    return rest;
  }

  /** Apply a drop policy to what did not fit; returns the number of events dropped. */
  private shed(rest: T[]): number {
    if (this._policy === 'drop-newest') return rest.length;
    // drop-oldest: the newest `capacity` events of queue + rest survive.
    const keep = rest.length > this._capacity ? rest.slice(rest.length - this._capacity) : rest;
    this.push(keep);
    return rest.length - keep.length + this.evictOldest();
  }

  /** The next batch, waiting while the queue is empty; `null` once closed and drained. */
  take(): Promise<T[] | null> {
    const b = this.dequeue();
    if (b !== undefined) return Promise.resolve(b);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => this.consumers.push(resolve));
  }

  /** The next batch if one is queued; `undefined` when empty right now; `null` when closed and drained. */
  tryTake(): T[] | null | undefined {
    const b = this.dequeue();
    if (b !== undefined) return b;
    return this.closed ? null : undefined;
  }

  /**
   * Stop accepting batches. Blocked producers are released and what they still held is queued (the
   * one time the depth may exceed the capacity: nothing offered is lost); consumers still receive
   * the queued batches, then `null`. Idempotent.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.producers) if (p.rest.length > 0) this.push(p.rest);
    for (const p of this.producers) p.rest = [];
    this.deliverToConsumers();
    this.releaseProducers();
    if (this._depth === 0) {
      const waiting = this.consumers;
      this.consumers = [];
      for (const c of waiting) c(null);
    }
  }

  /**
   * The consumer starts a piece of work that may be long (a slow sink's write): until
   * {@link endBusy}, the time counts as busy as it passes, so a stuck consumer reads as busy now.
   */
  beginBusy(): void {
    if (this.busySince === null) this.busySince = this.now();
  }

  /** The work begun with {@link beginBusy} ended. */
  endBusy(): void {
    if (this.busySince === null) return;
    this.busy.add(this.busySince, this.now());
    this.busySince = null;
  }

  /** The consumer reports `ms` of work that just ended (processing time). */
  addBusyMs(ms: number): void {
    if (!(ms > 0)) return;
    const t = this.now();
    this.busy.add(t - ms, t);
  }

  /** Backpressured / busy / idle ms per second over the last ~2 s of processing time. */
  loadPerSecond(): QueueLoad {
    const t = this.now();
    const backpressuredMsPerSec = this.bp.perSecond(t, this.blockedSince);
    const busyMsPerSec = this.busy.perSecond(t, this.busySince);
    return {
      backpressuredMsPerSec,
      busyMsPerSec,
      idleMsPerSec: clamp(1000 - backpressuredMsPerSec - busyMsPerSec),
    };
  }

  /**
   * Change the policy at runtime. Leaving `block` releases waiting producers; under a drop policy an
   * over-full queue is trimmed or refuses input from the next put on.
   * @throws Error on an unknown policy.
   */
  setPolicy(policy: QueuePolicy): void {
    this._policy = checkPolicy(this.name, policy);
    if (policy === 'block') return;
    let dropped = 0;
    for (const p of this.producers) {
      const rest = this.admit(p.rest);
      if (rest.length > 0) dropped += this.shed(rest);
      p.rest = [];
    }
    if (dropped > 0) {
      this._dropped += dropped;
      this.onDrop?.(dropped, 'queue_full');
    }
    this.releaseProducers();
  }

  /**
   * Change the capacity (events) at runtime. Raising it admits what blocked producers hold and
   * releases them if space appears. Lowering it never discards queued events: the depth stays above
   * the new bound until the consumer drains it, and puts meet the policy meanwhile.
   * @throws Error when `maxEvents` is not an integer >= 1.
   */
  setCapacity(maxEvents: number): void {
    this._capacity = checkCapacity(this.name, maxEvents);
    this.pump();
  }

  /**
   * Largest number of events left queued by a put in the current or the previous second. A consumer
   * that drains each batch at once keeps the depth at 0 between samples even while the producer
   * blocks or sheds, so gauges and bars read this high-water mark to show the queue filling.
   */
  get peakDepth(): number {
    this.notePeak();
    return Math.max(this.peakThisSecond, this.peakLastSecond);
  }

  /** Current state and load, for metrics and the dashboard. */
  snapshot(): QueueSnapshot {
    const load = this.loadPerSecond();
    return {
      name: this.name,
      depthEvents: this._depth,
      peakDepthEvents: this.peakDepth,
      capacityEvents: this._capacity,
      policy: this._policy,
      backpressuredMsPerSec: load.backpressuredMsPerSec,
      busyMsPerSec: load.busyMsPerSec,
      idleMsPerSec: load.idleMsPerSec,
      droppedEvents: this._dropped,
    };
  }

  private notePeak(): void {
    const second = Math.floor(this.now() / 1000);
    if (second !== this.peakSecond) {
      this.peakLastSecond = second === this.peakSecond + 1 ? this.peakThisSecond : 0;
      this.peakThisSecond = 0;
      this.peakSecond = second;
    }
    if (this._depth > this.peakThisSecond) this.peakThisSecond = this._depth;
  }

  private push(batch: T[]): void {
    this.buf.push(batch);
    this._depth += batch.length;
  }

  /** Evict from the head until depth <= capacity; returns the number of events evicted. */
  private evictOldest(): number {
    let evicted = 0;
    while (this._depth > this._capacity) {
      const excess = this._depth - this._capacity;
      const headBatch = this.buf[this.head]!;
      if (headBatch.length <= excess) {
        this.buf[this.head] = undefined;
        this.head++;
        this._depth -= headBatch.length;
        evicted += headBatch.length;
      } else {
        this.buf[this.head] = headBatch.slice(excess);
        this._depth -= excess;
        evicted += excess;
      }
    }
    this.compact();
    return evicted;
  }

  private dequeue(): T[] | undefined {
    if (this.head >= this.buf.length) return undefined;
    const b = this.buf[this.head]!;
    this.buf[this.head] = undefined;
    this.head++;
    this._depth -= b.length;
    this._taken += b.length;
    this.compact();
    if (this.producers.length > 0 && this._depth < this._capacity) this.pump();
    if (this.closed && this._depth === 0 && this.consumers.length > 0) {
      const waiting = this.consumers;
      this.consumers = [];
      for (const c of waiting) c(null);
    }
    return b;
  }

  /** Keep the backing array small without shifting it on every take (amortized O(1)). */
  private compact(): void {
    if (this.head === this.buf.length) {
      this.buf.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.buf.length) {
      this.buf = this.buf.slice(this.head);
      this.head = 0;
    }
  }

  private deliverToConsumers(): void {
    while (this.consumers.length > 0 && this.head < this.buf.length) {
      const c = this.consumers.shift()!;
      c(this.dequeue()!);
    }
  }

  /**
   * Room appeared: admit blocked producers' rests in FIFO order and wake each one whose rest is all
   * queued once the depth is below capacity.
   */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.producers.length > 0) {
        const p = this.producers[0];
        if (p.rest.length > 0) p.rest = this.admit(p.rest);
        if (p.rest.length > 0 || this._depth >= this._capacity) break;
        this.producers.shift();
        p.resolve();
      }
      if (this.producers.length === 0) this.endBackpressure();
    } finally {
      this.pumping = false;
    }
    this.notePeak();
  }

  private endBackpressure(): void {
    if (this.blockedSince !== null) {
      this.bp.add(this.blockedSince, this.now());
      this.blockedSince = null;
    }
  }

  /** Wake every blocked producer (its rest must already be queued or handled). */
  private releaseProducers(): void {
    this.endBackpressure();
    if (this.producers.length === 0) return;
    const waiting = this.producers;
    this.producers = [];
    for (const p of waiting) p.resolve();
  }
}

function checkCapacity(name: string, maxEvents: number): number {
  if (!Number.isInteger(maxEvents) || maxEvents < 1) {
    throw new Error(`queue "${name}": maxEvents must be an integer >= 1 (got ${String(maxEvents)})`);
  }
  return maxEvents;
}

function checkPolicy(name: string, policy: QueuePolicy): QueuePolicy {
  if (!(QUEUE_POLICIES as readonly string[]).includes(policy)) {
    throw new Error(
      `queue "${name}": policy must be one of ${QUEUE_POLICIES.join(', ')} (got ${String(policy)})`,
    );
  }
  return policy;
}
