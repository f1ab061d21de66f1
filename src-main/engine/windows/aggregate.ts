/**
 * The aggregate of one key in one window (or one slice of a window), defined once: count, sum,
 * min, max, alertCount, plus the newest arrival for latency. O(1) memory whatever the number of
 * events; merge is associative and commutative, so slices combine into windows and sessions merge.
 *
 * It exists in two layouts, both defined here and nowhere else: the {@link Aggregate} object
 * (sessions, two-stacks, merged windows) and a flat run of {@link AGG_WIDTH} numbers in a
 * Float64Array (slice-state.ts keeps one per key and slice). {@link Aggregate.result} is the only
 * place a result's statistics are read from. Adding a statistic, all in this file: a field and
 * a flat slot (AGG_WIDTH + 1), its identity in `reset`/`clearAt`, its fold in `add`/`addAt`, its
 * merge in `merge`/`mergeAt`/`mergeFlat`, its value in `result`/`toJSON`/{@link AGGREGATE_FIELDS},
 * its label in {@link STAT_LABELS}; outside it only the contract type `WindowStats`
 * (src-shared/types.ts) and the bench's independent reference (bench/contenders/naive.ts).
 */
import type { WindowKind, WindowResult, WindowStats } from '../../../src-shared/types';

/** Numbers per aggregate in the flat layout. */
export const AGG_WIDTH = 6;
const COUNT = 0;
const SUM = 1;
const MIN = 2;
const MAX = 3;
const ALERTS = 4;
const ARRIVAL = 5;

/** The aggregate's own statistics (avg is derived from them), as `toJSON()` writes them; comparisons iterate it. */
export const AGGREGATE_FIELDS = ['count', 'sum', 'min', 'max', 'alertCount'] as const;

/** How the console sink labels each statistic, in print order; `decimals` for non-integers. */
export const STAT_LABELS: ReadonlyArray<{ key: keyof WindowStats; label: string; decimals?: number }> = [
  { key: 'count', label: 'count' },
  { key: 'avg', label: 'avg', decimals: 2 },
  { key: 'min', label: 'min', decimals: 2 },
  { key: 'max', label: 'max', decimals: 2 },
  { key: 'alertCount', label: 'alerts' },
];

/** The mergeable aggregate as an object. */
export class Aggregate {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  /** Events whose value was strictly greater than the alert threshold in force when they arrived. */
  alertCount = 0;
  /** Processing time (ms) of the newest contributing event's arrival: for latency metrics. */
  lastArrivalMs = 0;

  /** Fold one value in. `alertThreshold` is compared with `>` (as in the tutorial). */
  add(value: number, alertThreshold: number, arrivalMs: number): void {
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (value > alertThreshold) this.alertCount++;
    if (arrivalMs > this.lastArrivalMs) this.lastArrivalMs = arrivalMs;
  }

  /** Back to the empty aggregate (the identity of `merge`), in place. */
  reset(): void {
    this.count = 0;
    this.sum = 0;
    this.min = Infinity;
    this.max = -Infinity;
    this.alertCount = 0;
    this.lastArrivalMs = 0;
  }

  /** Merge another aggregate into this one (in place). */
  merge(other: Aggregate): void {
    this.count += other.count;
    this.sum += other.sum;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
    this.alertCount += other.alertCount;
    if (other.lastArrivalMs > this.lastArrivalMs) this.lastArrivalMs = other.lastArrivalMs;
  }

  /** Merge the flat aggregate at offset `p` of `f` into this one (in place). */
  mergeFlat(f: Float64Array, p: number): void {
    this.count += f[p + COUNT];
    this.sum += f[p + SUM];
    if (f[p + MIN] < this.min) this.min = f[p + MIN];
    if (f[p + MAX] > this.max) this.max = f[p + MAX];
    this.alertCount += f[p + ALERTS];
    if (f[p + ARRIVAL] > this.lastArrivalMs) this.lastArrivalMs = f[p + ARRIVAL];
  }

  /**
   * The window result carrying these statistics, fields in the order results are written. One
   * object literal per shape (no spread): results are built per key and window on the hot path.
   */
  result(
    windowStart: number,
    windowEnd: number,
    sensorId: string,
    windowKind: WindowKind,
    isUpdate: boolean,
    emittedAt: number,
    supersedes?: Array<[number, number]>,
  ): WindowResult {
    const { count, sum, min, max, alertCount } = this;
    const avg = sum / count;
    return supersedes === undefined
      ? { windowStart, windowEnd, sensorId, count, sum, avg, min, max, alertCount, windowKind, isUpdate, emittedAt }
      : { windowStart, windowEnd, sensorId, count, sum, avg, min, max, alertCount, windowKind, isUpdate, supersedes, emittedAt };
  }

  /** Plain-object form (what JSON.stringify writes): the {@link AGGREGATE_FIELDS}. */
  toJSON(): Record<(typeof AGGREGATE_FIELDS)[number], number> {
    return { count: this.count, sum: this.sum, min: this.min, max: this.max, alertCount: this.alertCount };
  }

  /** Appends the six fields (count, sum, min, max, alertCount, lastArrivalMs) to `out` (checkpoints). */
  writeTo(out: number[]): void {
    out.push(this.count, this.sum, this.min, this.max, this.alertCount, this.lastArrivalMs);
  }

  /** Reads the six fields written by {@link writeTo} at `offset`; returns the offset after them. */
  readFrom(from: ArrayLike<number>, offset: number): number {
    this.count = from[offset];
    this.sum = from[offset + 1];
    this.min = from[offset + 2];
    this.max = from[offset + 3];
    this.alertCount = from[offset + 4];
    this.lastArrivalMs = from[offset + 5];
    return offset + 6;
  }
}

/** Writes the empty aggregate at offset `o` of `d`. */
export function clearAt(d: Float64Array, o: number): void {
  d[o + COUNT] = 0;
  d[o + SUM] = 0;
  d[o + MIN] = Infinity;
  d[o + MAX] = -Infinity;
  d[o + ALERTS] = 0;
  d[o + ARRIVAL] = 0;
}

/** Folds one value into the flat aggregate at offset `o`; same rules as {@link Aggregate.add}. */
export function addAt(d: Float64Array, o: number, value: number, alertThreshold: number, arrivalMs: number): void {
  d[o + COUNT]++;
  d[o + SUM] += value;
  if (value < d[o + MIN]) d[o + MIN] = value;
  if (value > d[o + MAX]) d[o + MAX] = value;
  if (value > alertThreshold) d[o + ALERTS]++;
  if (arrivalMs > d[o + ARRIVAL]) d[o + ARRIVAL] = arrivalMs;
}

/** Merges the flat aggregate at offset `p` of `f` into the one at offset `o` of `d`. */
export function mergeAt(d: Float64Array, o: number, f: Float64Array, p: number): void {
  d[o + COUNT] += f[p + COUNT];
  d[o + SUM] += f[p + SUM];
  if (f[p + MIN] < d[o + MIN]) d[o + MIN] = f[p + MIN];
  if (f[p + MAX] > d[o + MAX]) d[o + MAX] = f[p + MAX];
  d[o + ALERTS] += f[p + ALERTS];
  if (f[p + ARRIVAL] > d[o + ARRIVAL]) d[o + ARRIVAL] = f[p + ARRIVAL];
}
