/**
 * A fixed-capacity FIFO that keeps the newest items: pushing past `capacity` overwrites the oldest
 * and counts it as skipped. Memory stays bounded however many items arrive: the app's frame builder
 * (newest results per frame, overflow counted) and the dashboard's series both use it. Pure
 * TypeScript, no Node or DOM: shared by the main process and the renderer.
 */
export class RingBuffer<T> {
  /** Grows up to `capacity` (allocated lazily: many small buffers may stay nearly empty). */
  private readonly items: (T | undefined)[] = [];
  private start = 0;
  private length = 0;
  private skippedCount = 0;
  /** Bumped on every change; lets snapshots skip copying an unchanged buffer. */
  version = 0;

  /** @throws RangeError when `capacity` is not a positive integer. */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`RingBuffer capacity must be a positive integer, got ${capacity}`);
    }
  }

  /** Number of items held (≤ capacity). */
  get size(): number {
    return this.length;
  }

  /** Append one item, evicting the oldest when full. */
  push(item: T): void {
    const end = (this.start + this.length) % this.capacity;
    this.items[end] = item;
    if (this.length < this.capacity) this.length++;
    else {
      this.start = (this.start + 1) % this.capacity;
      this.skippedCount++;
    }
    this.version++;
  }

  /** Append many items in order (only the last `capacity` survive; the rest count as skipped). */
  pushAll(items: readonly T[]): void {
    const from = Math.max(0, items.length - this.capacity);
    this.skippedCount += from;
    for (let i = from; i < items.length; i++) this.push(items[i]);
  }

  /** Item at `index` (0 = oldest), or undefined when out of range. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.length) return undefined;
    return this.items[(this.start + index) % this.capacity];
  }

  /** The newest item, or undefined when empty. */
  last(): T | undefined {
    return this.at(this.length - 1);
  }

  /**
   * Replace the newest item matching `match` among the last `lookBack` items; returns false (and
   * changes nothing) when none matches.
   */
  replaceRecent(match: (item: T) => boolean, item: T, lookBack = this.capacity): boolean {
    const stop = Math.max(0, this.length - lookBack);
    for (let i = this.length - 1; i >= stop; i--) {
      const slot = (this.start + i) % this.capacity;
      if (match(this.items[slot] as T)) {
        this.items[slot] = item;
        this.version++;
        return true;
      }
    }
    return false;
  }

  /** A fresh array, oldest first. */
  toArray(): T[] {
    const out = new Array<T>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.items[(this.start + i) % this.capacity] as T;
    return out;
  }

  /** Take every held item (oldest first) and the count skipped since the last drain; empties the ring. */
  drain(): { items: T[]; skipped: number } {
    const items = this.toArray();
    const skipped = this.skippedCount;
    this.clear();
    this.skippedCount = 0;
    return { items, skipped };
  }

  /** Remove every item. */
  clear(): void {
    this.items.length = 0;
    this.start = 0;
    this.length = 0;
    this.version++;
  }
}
