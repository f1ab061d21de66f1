/**
 * FIFO aggregation in amortized O(1) per element: the "Two-Stacks" algorithm of Tangwongsan,
 * Hirzel and Schneider ("General Incremental Sliding-Window Aggregation", VLDB 2015). Used per key
 * by hopping windows: slices enter at the back as windows advance, leave at the front, and a window's
 * aggregate is the merge of at most two partial aggregates, so firing a window costs O(1) per key
 * instead of O(slices per window). Elements are never subtracted, so sums do not drift.
 */
import { Aggregate } from './aggregate';

/** A queue of (slice start, slice aggregate) with an O(1) aggregate of its whole content. */
export class TwoStacks {
  /** Front stack, oldest on top (end of the array); each entry holds the merge of itself and all newer front entries. */
  private readonly frontStarts: number[] = [];
  private readonly frontCum: Aggregate[] = [];
  /** Back list, oldest first, with the merge of all of it. */
  private backStarts: number[] = [];
  private backAggs: Aggregate[] = [];
  private backCum: Aggregate | undefined;

  get isEmpty(): boolean {
    return this.frontStarts.length === 0 && this.backStarts.length === 0;
  }

  /** Appends the newest slice (slices must arrive in increasing start order). */
  push(sliceStart: number, agg: Aggregate): void {
    this.backStarts.push(sliceStart);
    this.backAggs.push(agg);
    if (this.backCum === undefined) this.backCum = agg.clone();
    else this.backCum.merge(agg);
  }

  /** Removes every slice whose start is < `windowStart`. */
  evictBefore(windowStart: number): void {
    for (;;) {
      if (this.frontStarts.length === 0) {
        if (this.backStarts.length === 0 || this.backStarts[0] >= windowStart) return;
        this.flip();
      }
      if (this.frontStarts[this.frontStarts.length - 1] >= windowStart) return;
      this.frontStarts.pop();
      this.frontCum.pop();
    }
  }

  /** The merge of every slice in the queue (a new object), or undefined when empty. */
  aggregate(): Aggregate | undefined {
    const n = this.frontCum.length;
    if (n === 0) return this.backCum?.clone();
    const result = this.frontCum[n - 1].clone();
    if (this.backCum !== undefined) result.merge(this.backCum);
    return result;
  }

  /** Moves the back list onto the front stack, computing suffix merges newest → oldest. */
  private flip(): void {
    let cum: Aggregate | undefined;
    for (let i = this.backStarts.length - 1; i >= 0; i--) {
      const next = this.backAggs[i].clone();
      if (cum !== undefined) next.merge(cum);
      cum = next;
      this.frontStarts.push(this.backStarts[i]);
      this.frontCum.push(cum);
    }
    this.backStarts = [];
    this.backAggs = [];
    this.backCum = undefined;
  }
}
