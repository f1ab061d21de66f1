/**
 * Interns keys (sensor ids) to small integer ids, so per-slice state can be indexed by integers
 * instead of hashing the key string once per slice. Ids are reference-counted by the slices holding
 * state for them and recycled when the last such slice is dropped, so the table stays bounded by the
 * keys with live state, whatever the key cardinality over time.
 */
export class KeyTable {
  private readonly idByKey = new Map<string, number>();
  /** Key of each id (stale for free ids). */
  private readonly keys: string[] = [];
  /** Number of slices holding state for each id. */
  private refs = new Int32Array(64);
  private readonly freeIds: number[] = [];

  /** Number of keys with live state. */
  get size(): number {
    return this.idByKey.size;
  }

  /**
   * The id of `key`, creating one if needed. A new id has no references: the caller must
   * {@link retain} it before anything can {@link release} an id.
   */
  intern(key: string): number {
    const known = this.idByKey.get(key);
    if (known !== undefined) return known;
    let id = this.freeIds.pop();
    if (id === undefined) {
      id = this.keys.length;
      this.keys.push(key);
      if (id >= this.refs.length) {
        const grown = new Int32Array(this.refs.length * 2);
        grown.set(this.refs);
        this.refs = grown;
      }
    } else {
      this.keys[id] = key;
    }
    this.idByKey.set(key, id);
    return id;
  }

  /** The id of `key`, or -1 when it has no live state. */
  lookup(key: string): number {
    return this.idByKey.get(key) ?? -1;
  }

  /** The key of a live id. */
  keyOf(id: number): string {
    return this.keys[id];
  }

  /** One more slice holds state for `id`. */
  retain(id: number): void {
    this.refs[id]++;
  }

  /** One slice fewer holds state for `id`; the id is freed (and may be reused) at zero. */
  release(id: number): void {
    if (--this.refs[id] === 0) {
      this.idByKey.delete(this.keys[id]);
      this.freeIds.push(id);
    }
  }
}
