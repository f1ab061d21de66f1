/**
 * Incremental, mergeable aggregate of one key in one window (or one slice of a window):
 * count, sum, min, max, alertCount. O(1) memory whatever the number of events; merge is
 * associative and commutative, so slices combine into windows and sessions merge.
 */
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

  /** Plain-object form (what JSON.stringify writes). */
  toJSON(): { count: number; sum: number; min: number; max: number; alertCount: number } {
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
