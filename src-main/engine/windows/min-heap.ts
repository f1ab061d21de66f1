/**
 * A binary min-heap ordered by a numeric priority. Used for window and session timers: O(log n)
 * push/pop, O(1) peek, no allocation per operation beyond the backing arrays.
 */
export class MinHeap<T> {
  private prio: number[] = [];
  private items: T[] = [];

  get size(): number {
    return this.prio.length;
  }

  /** Smallest priority, or Infinity when empty. */
  peekPriority(): number {
    return this.prio.length > 0 ? this.prio[0] : Infinity;
  }

  push(priority: number, item: T): void {
    const p = this.prio;
    const it = this.items;
    let i = p.length;
    p.push(priority);
    it.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (p[parent] <= priority) break;
      p[i] = p[parent];
      it[i] = it[parent];
      i = parent;
    }
    p[i] = priority;
    it[i] = item;
  }

  /** Remove and return the item with the smallest priority; undefined when empty. */
  pop(): T | undefined {
    const p = this.prio;
    const it = this.items;
    if (p.length === 0) return undefined;
    const top = it[0];
    const lastP = p.pop()!;
    const lastI = it.pop()!;
    const n = p.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && p[r] < p[l] ? r : l;
        if (p[c] >= lastP) break;
        p[i] = p[c];
        it[i] = it[c];
        i = c;
      }
      p[i] = lastP;
      it[i] = lastI;
    }
    return top;
  }

  /**
   * A copy of the heap's arrays, in heap order (checkpoints): restoring them gives the same pop order,
   * also among equal priorities. `mapItem` turns each item into something serialisable.
   */
  snapshot<U = T>(mapItem?: (item: T) => U): { prio: number[]; items: U[] } {
    return { prio: this.prio.slice(), items: mapItem === undefined ? (this.items.slice() as unknown as U[]) : this.items.map(mapItem) };
  }

  /** Replaces the content with a {@link snapshot}'s arrays (copied, items mapped back). */
  restore<U>(state: { prio: number[]; items: U[] }, mapItem?: (item: U) => T): void {
    if (state.prio.length !== state.items.length) throw new Error('heap snapshot: prio and items differ in length');
    this.prio = state.prio.slice();
    this.items = mapItem === undefined ? (state.items.slice() as unknown as T[]) : state.items.map(mapItem);
  }
}
