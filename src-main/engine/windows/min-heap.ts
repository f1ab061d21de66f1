/**
 * A binary min-heap ordered by a numeric priority. Used for window and session timers: O(log n)
 * push/pop, O(1) peek, no allocation per operation beyond the backing arrays.
 */
export class MinHeap<T> {
  private readonly prio: number[] = [];
  private readonly items: T[] = [];

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
}
