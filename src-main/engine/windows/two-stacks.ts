/**
 * FIFO aggregation in amortized O(1) per element: the "Two-Stacks" algorithm of Tangwongsan,
 * Hirzel and Schneider ("General Incremental Sliding-Window Aggregation", VLDB 2015). Used per key
 * by hopping windows: slices enter at the back as windows advance, leave at the front, and a window's
 * aggregate is the merge of at most two partial aggregates, so firing a window costs O(1) per key
 * instead of O(slices per window). Elements are never subtracted, so sums do not drift.
 *
 * Entries are copies held in objects the queue reuses (a popped front entry is overwritten by the
 * next flip, a flipped back entry by the next push), so a queue in steady state allocates nothing:
 * with many keys and fine slides, firing is bound by memory traffic, and garbage would double it.
 */
import { Aggregate } from './aggregate';

/** A queue of (slice start, slice aggregate) with an O(1) aggregate of its whole content. */
export class TwoStacks {
  /**
   * Front stack: entries `[0, frontLen)` are live, oldest on top (index `frontLen - 1`); each holds
   * the merge of itself and every newer front entry. Entries from `frontLen` on are spare objects.
   */
  private readonly frontStarts: number[] = [];
  private readonly frontCum: Aggregate[] = [];
  private frontLen = 0;
  /**
   * Back list, oldest first: entries `[0, backLen)` are live (entries from `backLen` on are spare
   * objects), and the merge of all of them (meaningful only while `backLen > 0`).
   */
  private readonly backStarts: number[] = [];
  private readonly backAggs: Aggregate[] = [];
  private backLen = 0;
  private readonly backCum = new Aggregate();

  get isEmpty(): boolean {
    return this.frontLen === 0 && this.backLen === 0;
  }

  /** Appends a copy of the newest slice's aggregate (slices must arrive in increasing start order). */
  push(sliceStart: number, agg: Aggregate): void {
    if (this.backLen === 0) this.backCum.reset();
    let entry = this.backAggs[this.backLen];
    if (entry === undefined) this.backAggs.push((entry = new Aggregate()));
    else entry.reset();
    entry.merge(agg);
    this.backStarts[this.backLen++] = sliceStart;
    this.backCum.merge(agg);
  }

  /** Removes every slice whose start is < `windowStart`. */
  evictBefore(windowStart: number): void {
    for (;;) {
      if (this.frontLen === 0) {
        if (this.backLen === 0 || this.backStarts[0] >= windowStart) return;
        this.flip();
      }
      if (this.frontStarts[this.frontLen - 1] >= windowStart) return;
      this.frontLen--;
    }
  }

  /** Writes the merge of every slice in the queue into `target`; false (target untouched) when empty. */
  aggregateInto(target: Aggregate): boolean {
    if (this.isEmpty) return false;
    target.reset();
    if (this.frontLen > 0) target.merge(this.frontCum[this.frontLen - 1]);
    if (this.backLen > 0) target.merge(this.backCum);
    return true;
  }

  /** Moves the back list onto the (empty) front stack, computing suffix merges newest → oldest. */
  private flip(): void {
    const n = this.backLen;
    for (let j = 0; j < n; j++) {
      const i = n - 1 - j;
      let cum = this.frontCum[j];
      if (cum === undefined) this.frontCum.push((cum = new Aggregate()));
      else cum.reset();
      cum.merge(this.backAggs[i]);
      if (j > 0) cum.merge(this.frontCum[j - 1]);
      this.frontStarts[j] = this.backStarts[i];
    }
    this.frontLen = n;
    this.backLen = 0;
  }

  /**
   * Appends the queue's content to `out` (checkpoints): front length, back length, then each live
   * front entry (start, six aggregate fields), each back entry likewise, and the back merge.
   */
  writeTo(out: number[]): void {
    out.push(this.frontLen, this.backLen);
    for (let i = 0; i < this.frontLen; i++) {
      out.push(this.frontStarts[i]);
      this.frontCum[i].writeTo(out);
    }
    for (let i = 0; i < this.backLen; i++) {
      out.push(this.backStarts[i]);
      this.backAggs[i].writeTo(out);
    }
    this.backCum.writeTo(out);
  }

  /** Rebuilds a queue written by {@link writeTo} at `offset`; returns it and the offset after it. */
  static readFrom(from: ArrayLike<number>, offset: number): { queue: TwoStacks; next: number } {
    const q = new TwoStacks();
    q.frontLen = from[offset++];
    q.backLen = from[offset++];
    for (let i = 0; i < q.frontLen; i++) {
      q.frontStarts.push(from[offset++]);
      const a = new Aggregate();
      offset = a.readFrom(from, offset);
      q.frontCum.push(a);
    }
    for (let i = 0; i < q.backLen; i++) {
      q.backStarts.push(from[offset++]);
      const a = new Aggregate();
      offset = a.readFrom(from, offset);
      q.backAggs.push(a);
    }
    offset = q.backCum.readFrom(from, offset);
    return { queue: q, next: offset };
  }
}
