/**
 * The aggregates of one slice (pane) of tumbling/hopping windows, one per key, stored flat: a
 * Float64Array of 6 numbers per slot (count, sum, min, max, alertCount, lastArrivalMs — the fields
 * of {@link Aggregate}) and an open-addressing table from key id (see key-table.ts) to slot. With many
 * keys a new slice every second, this replaces a fresh Map<string, Aggregate> per slice (rehashing as
 * it grows, one object per key) by integer probes into memory that is reused across slices.
 */
import { Aggregate } from './aggregate';

const FIELDS = 6;
const COUNT = 0;
const SUM = 1;
const MIN = 2;
const MAX = 3;
const ALERTS = 4;
const ARRIVAL = 5;
const INITIAL_SLOTS = 16;

/** Aggregates of one slice, by key id. Slots are numbered 0..size-1 in first-touch order. */
export class SliceState {
  /** Number of keys with state in this slice. */
  size = 0;
  /** Key id of each slot. */
  private ids = new Int32Array(INITIAL_SLOTS);
  private data = new Float64Array(INITIAL_SLOTS * FIELDS);
  /** Open addressing, linear probing: slot + 1 per entry, 0 = empty. Capacity = 2 × slot capacity. */
  private table = new Int32Array(INITIAL_SLOTS * 2);
  /** 32 − log2(table capacity): Fibonacci hashing keeps the top bits of id × 2^32/φ (Knuth, TAOCP 6.4). */
  private shift = 32 - Math.log2(INITIAL_SLOTS * 2);

  /** Empties the slice for reuse (keeps its memory). */
  reset(): void {
    this.size = 0;
    this.table.fill(0);
  }

  /** Slots allocated: the memory the slice holds is about 60 bytes per slot. */
  get capacity(): number {
    return this.ids.length;
  }

  /**
   * Whether this slice is worth reusing after its last use: false when it was sized for far more keys
   * than it held (a spike), so a recycled slice does not pin a spike's memory for good.
   */
  get fitsItsUse(): boolean {
    return this.capacity <= 4 * Math.max(this.size, INITIAL_SLOTS);
  }

  /** Key id of slot `slot`. */
  idAt(slot: number): number {
    return this.ids[slot];
  }

  /** The slot of key id `id`, or -1 if the key has no state here. */
  slotOf(id: number): number {
    const t = this.table;
    const mask = t.length - 1;
    for (let h = Math.imul(id, 0x9e3779b1) >>> this.shift; ; h = (h + 1) & mask) {
      const entry = t[h];
      if (entry === 0) return -1;
      if (this.ids[entry - 1] === id) return entry - 1;
    }
  }

  /** Adds an empty aggregate for key id `id` (which must not have one yet); returns its slot. */
  insert(id: number): number {
    if (this.size === this.ids.length) this.grow();
    const slot = this.size++;
    this.ids[slot] = id;
    const o = slot * FIELDS;
    const d = this.data;
    d[o + COUNT] = 0;
    d[o + SUM] = 0;
    d[o + MIN] = Infinity;
    d[o + MAX] = -Infinity;
    d[o + ALERTS] = 0;
    d[o + ARRIVAL] = 0;
    this.place(id, slot);
    return slot;
  }

  /** Folds one value into slot `slot`; same rules as {@link Aggregate.add}. */
  add(slot: number, value: number, alertThreshold: number, arrivalMs: number): void {
    const d = this.data;
    const o = slot * FIELDS;
    d[o + COUNT]++;
    d[o + SUM] += value;
    if (value < d[o + MIN]) d[o + MIN] = value;
    if (value > d[o + MAX]) d[o + MAX] = value;
    if (value > alertThreshold) d[o + ALERTS]++;
    if (arrivalMs > d[o + ARRIVAL]) d[o + ARRIVAL] = arrivalMs;
  }

  /** Merges slot `fromSlot` of another slice into slot `slot` of this one. */
  mergeSlot(slot: number, from: SliceState, fromSlot: number): void {
    const d = this.data;
    const o = slot * FIELDS;
    const f = from.data;
    const p = fromSlot * FIELDS;
    d[o + COUNT] += f[p + COUNT];
    d[o + SUM] += f[p + SUM];
    if (f[p + MIN] < d[o + MIN]) d[o + MIN] = f[p + MIN];
    if (f[p + MAX] > d[o + MAX]) d[o + MAX] = f[p + MAX];
    d[o + ALERTS] += f[p + ALERTS];
    if (f[p + ARRIVAL] > d[o + ARRIVAL]) d[o + ARRIVAL] = f[p + ARRIVAL];
  }

  /** Merges slot `slot` into `target` (in place). */
  mergeInto(slot: number, target: Aggregate): void {
    const d = this.data;
    const o = slot * FIELDS;
    target.count += d[o + COUNT];
    target.sum += d[o + SUM];
    if (d[o + MIN] < target.min) target.min = d[o + MIN];
    if (d[o + MAX] > target.max) target.max = d[o + MAX];
    target.alertCount += d[o + ALERTS];
    if (d[o + ARRIVAL] > target.lastArrivalMs) target.lastArrivalMs = d[o + ARRIVAL];
  }

  private place(id: number, slot: number): void {
    const t = this.table;
    const mask = t.length - 1;
    let h = Math.imul(id, 0x9e3779b1) >>> this.shift;
    while (t[h] !== 0) h = (h + 1) & mask;
    t[h] = slot + 1;
  }

  private grow(): void {
    const slots = this.ids.length * 2;
    const ids = new Int32Array(slots);
    ids.set(this.ids);
    this.ids = ids;
    const data = new Float64Array(slots * FIELDS);
    data.set(this.data);
    this.data = data;
    this.table = new Int32Array(slots * 2);
    this.shift--;
    for (let s = 0; s < this.size; s++) this.place(ids[s], s);
  }

  /** Copies the live slots' key ids and fields into `ids` at `slot0` and `data` at `slot0 × 6` (checkpoints). */
  copyTo(ids: Int32Array, data: Float64Array, slot0: number): void {
    ids.set(this.ids.subarray(0, this.size), slot0);
    data.set(this.data.subarray(0, this.size * FIELDS), slot0 * FIELDS);
  }

  /** A slice holding `ids.length` slots copied from `ids` and `data` (6 fields per slot), in slot order. */
  static from(ids: Int32Array, data: Float64Array): SliceState {
    const s = new SliceState();
    let cap = INITIAL_SLOTS;
    while (cap < ids.length) cap *= 2;
    s.ids = new Int32Array(cap);
    s.ids.set(ids);
    s.data = new Float64Array(cap * FIELDS);
    s.data.set(data);
    s.table = new Int32Array(cap * 2);
    s.shift = 32 - Math.log2(cap * 2);
    s.size = ids.length;
    for (let slot = 0; slot < s.size; slot++) s.place(s.ids[slot], slot);
    return s;
  }
}

/** Numbers per slot in the flat arrays of {@link SliceState.copyTo}. */
export const SLICE_FIELDS = FIELDS;
