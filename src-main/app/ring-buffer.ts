/**
 * A fixed-capacity FIFO that keeps the newest items: pushing into a full ring overwrites the oldest
 * and counts it as skipped. Memory never grows past `capacity` items.
 */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private head = 0;
  private size = 0;
  private skipped = 0;

  /** `capacity` ≥ 1 items; throws RangeError otherwise. */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`RingBuffer: capacity must be an integer ≥ 1, got ${capacity}`);
    this.items = new Array(capacity);
  }

  /** Items currently held. */
  get length(): number {
    return this.size;
  }

  /** Append items; the oldest are overwritten (and counted as skipped) when full. */
  pushAll(batch: readonly T[]): void {
    // Only the newest `capacity` items of a huge batch can survive: skip the rest without copying.
    let start = 0;
    if (batch.length > this.capacity) {
      start = batch.length - this.capacity;
      this.skipped += start;
    }
    for (let i = start; i < batch.length; i++) {
      const tail = (this.head + this.size) % this.capacity;
      this.items[tail] = batch[i];
      if (this.size < this.capacity) this.size++;
      else {
        this.head = (this.head + 1) % this.capacity;
        this.skipped++;
      }
    }
  }

  /** A copy of every held item, oldest first; the ring keeps them. */
  toArray(): T[] {
    const out: T[] = new Array(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.items[(this.head + i) % this.capacity] as T;
    return out;
  }

  /** Take every held item (oldest first) and the count skipped since the last drain; empties the ring. */
  drain(): { items: T[]; skipped: number } {
    const out: T[] = new Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const j = (this.head + i) % this.capacity;
      out[i] = this.items[j] as T;
      this.items[j] = undefined;
    }
    const skipped = this.skipped;
    this.head = 0;
    this.size = 0;
    this.skipped = 0;
    return { items: out, skipped };
  }
}
