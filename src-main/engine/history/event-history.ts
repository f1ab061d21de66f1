/**
 * Retained history: the most recent events that entered the window operator, in arrival order, kept
 * in a columnar ring (kdb+/Honeycomb style) — an interned key id (Uint32), the event time (Float64)
 * and the value (Float64): 20 bytes per event, no JavaScript object per event.
 *
 * Keys are interned in a reference-counted {@link KeyTable}: an id is held by every retained event
 * of its key and freed (its string let go) when the last one is overwritten, so the side table holds
 * only keys still in the ring.
 *
 * Events are numbered by an absolute sequence (0, 1, 2, … since the ring was created); the ring holds
 * `[oldestSeq, nextSeq)`. Readers ({@link read}) name sequences, so a reader that runs between
 * writes (chunked recompute) can tell when the ring overwrote what it had still to read.
 */
import type { HistorySummary, StreamEvent } from '../../../src-shared/types';

export type { HistorySummary };
import { KeyTable } from '../windows/key-table';

/** Bytes each retained event costs in the columns: key id (4) + event time (8) + value (8). */
export const BYTES_PER_EVENT = 20;
/** Default budget: 256 MiB of columns (about 13.4 M events), sized for a laptop. */
export const DEFAULT_HISTORY_BYTES = 256 * 1024 * 1024;
const INITIAL_CAPACITY = 1 << 16;

/** The budget of a ring: whichever of the two is smaller wins. */
export interface HistoryBudget {
  /** Most bytes the columns may take (default {@link DEFAULT_HISTORY_BYTES}). */
  maxBytes?: number;
  /** Most events kept. */
  maxEvents?: number;
}

/** The number of events a budget allows (at least 1). */
export function budgetEvents(budget: HistoryBudget = {}): number {
  const byBytes = Math.floor((budget.maxBytes ?? DEFAULT_HISTORY_BYTES) / BYTES_PER_EVENT);
  return Math.max(1, Math.min(byBytes, budget.maxEvents ?? Infinity));
}

/** A bounded columnar ring of events; see the module comment. */
export class EventHistory {
  readonly maxEvents: number;
  private cap: number;
  private keyIds: Uint32Array;
  private times: Float64Array;
  private values: Float64Array;
  private keys = new KeyTable();
  private next = 0;
  private oldest = 0;
  private evictedMaxTime = -Infinity;
  /** Events overwritten since the ring was created or last cleared. */
  private evicted = 0;
  private minTime = Infinity;
  private maxTime = -Infinity;
  private lastKey: string | undefined;
  private lastId = 0;

  /** @throws RangeError when the budget is not a positive number. */
  constructor(budget: HistoryBudget = {}) {
    if (!(budget.maxBytes === undefined || budget.maxBytes > 0) || !(budget.maxEvents === undefined || budget.maxEvents > 0)) {
      throw new RangeError(`history budget must be positive: ${JSON.stringify(budget)}`);
    }
    this.maxEvents = budgetEvents(budget);
    this.cap = Math.min(INITIAL_CAPACITY, this.maxEvents);
    this.keyIds = new Uint32Array(this.cap);
    this.times = new Float64Array(this.cap);
    this.values = new Float64Array(this.cap);
  }

  /** Events retained. */
  get size(): number {
    return this.next - this.oldest;
  }

  /** Sequence of the oldest retained event. */
  get oldestSeq(): number {
    return this.oldest;
  }

  /** Sequence the next recorded event gets (one past the newest retained). */
  get nextSeq(): number {
    return this.next;
  }

  /**
   * The history holds every event with a time after this (ms): the greatest event time overwritten
   * so far; −Infinity while nothing was overwritten (complete since the stream began).
   */
  get completeAfterMs(): number {
    return this.evictedMaxTime;
  }

  /** Appends events in arrival order, overwriting the oldest once the budget is reached. */
  record(events: readonly StreamEvent[]): void {
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      if (this.next - this.oldest === this.cap) {
        if (this.cap < this.maxEvents) this.grow();
        else this.evictOldest();
      }
      let id: number;
      if (e.sensorId === this.lastKey) {
        id = this.lastId;
      } else {
        id = this.keys.intern(e.sensorId);
        this.lastKey = e.sensorId;
        this.lastId = id;
      }
      this.keys.retain(id);
      const slot = this.next % this.cap;
      const t = e.timestamp;
      this.keyIds[slot] = id;
      this.times[slot] = t;
      this.values[slot] = e.value;
      this.next++;
      if (t < this.minTime) this.minTime = t;
      if (t > this.maxTime) this.maxTime = t;
    }
  }

  /**
   * Fills `into[0..n)` with the events `[fromSeq, fromSeq + n)` (clamped to what is retained) and
   * returns n. Reuses the objects already in `into`, so a reader allocates nothing per event: the
   * objects are valid until the next call with the same array.
   * @throws RangeError when `fromSeq` was overwritten already (the reader fell behind the writer).
   */
  read(fromSeq: number, into: StreamEvent[], max = into.length): number {
    if (fromSeq < this.oldest) throw new RangeError(`history overwritten: event ${fromSeq} is older than the oldest retained (${this.oldest})`);
    const n = Math.max(0, Math.min(max, this.next - fromSeq));
    const cap = this.cap;
    let slot = fromSeq % cap;
    for (let i = 0; i < n; i++, slot++) {
      if (slot === cap) slot = 0;
      const key = this.keys.keyOf(this.keyIds[slot]);
      let e = into[i];
      if (e === undefined) into[i] = e = { sensorId: key, timestamp: 0, value: 0 };
      else e.sensorId = key;
      e.timestamp = this.times[slot];
      e.value = this.values[slot];
    }
    return n;
  }

  /** The summary shown in the UI. */
  summary(): HistorySummary {
    const empty = this.size === 0;
    const evicted = Number.isFinite(this.evictedMaxTime);
    return {
      events: this.size,
      capacityEvents: this.maxEvents,
      bytes: this.cap * BYTES_PER_EVENT,
      keys: this.keys.size,
      completeAfterMs: evicted ? this.evictedMaxTime : null,
      newestMs: empty ? null : this.maxTime,
      spanMs: empty ? 0 : Math.max(0, this.maxTime - (evicted ? this.evictedMaxTime : this.minTime)),
      evictedEvents: this.evicted,
    };
  }

  /** Forgets every event (a new event-time stream starts: a switched source). */
  clear(): void {
    this.keys = new KeyTable();
    this.lastKey = undefined;
    this.oldest = this.next;
    this.evicted = 0;
    this.evictedMaxTime = -Infinity;
    this.minTime = Infinity;
    this.maxTime = -Infinity;
  }

  private evictOldest(): void {
    const slot = this.oldest % this.cap;
    const t = this.times[slot];
    if (t > this.evictedMaxTime) this.evictedMaxTime = t;
    const id = this.keyIds[slot];
    if (id === this.lastId) this.lastKey = undefined;
    this.keys.release(id);
    this.oldest++;
    this.evicted++;
  }

  /** Doubles the columns (up to the budget), moving each event to its slot `seq % capacity`. */
  private grow(): void {
    const cap = Math.min(this.cap * 2, this.maxEvents);
    const keyIds = new Uint32Array(cap);
    const times = new Float64Array(cap);
    const values = new Float64Array(cap);
    for (let seq = this.oldest; seq < this.next; seq++) {
      const from = seq % this.cap;
      const to = seq % cap;
      keyIds[to] = this.keyIds[from];
      times[to] = this.times[from];
      values[to] = this.values[from];
    }
    this.keyIds = keyIds;
    this.times = times;
    this.values = values;
    this.cap = cap;
  }
}
