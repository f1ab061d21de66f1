/**
 * Interns keys (sensor ids) to small integer ids, so per-slice state can be indexed by integers
 * instead of hashing the key string once per slice. Ids are reference-counted by the slices holding
 * state for them and recycled when the last such slice is dropped (the key string is let go then),
 * so the table holds the keys with live state, whatever the key cardinality over time; its id arrays
 * keep the size of the largest key count seen until the table is empty again.
 */
const INITIAL_IDS = 64;

export class KeyTable {
  private readonly idByKey = new Map<string, number>();
  /** Key of each id (stale for free ids). */
  private keys: string[] = [];
  /** Number of slices holding state for each id. */
  private refs = new Int32Array(INITIAL_IDS);
  private freeIds: number[] = [];

  /** Number of keys with live state. */
  get size(): number {
    return this.idByKey.size;
  }

  /** Ids allocated (live and free): what the id arrays hold. */
  get capacity(): number {
    return this.keys.length;
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
    if (--this.refs[id] !== 0) return;
    this.idByKey.delete(this.keys[id]);
    if (this.idByKey.size === 0) {
      // Empty again: drop the arrays sized for an earlier peak.
      this.keys = [];
      this.refs = new Int32Array(INITIAL_IDS);
      this.freeIds = [];
      return;
    }
    this.keys[id] = '';
    this.freeIds.push(id);
  }

  /** A copy of the table (checkpoints): key of each id ('' when free), reference counts, free ids. */
  snapshot(): KeyTableSnapshot {
    return { keys: this.keys.slice(), refs: this.refs.slice(0, this.keys.length), free: this.freeIds.slice() };
  }

  /** Replaces the content with a {@link snapshot}. @throws Error when its arrays disagree in length. */
  restore(s: KeyTableSnapshot): void {
    if (s.refs.length !== s.keys.length) throw new Error('key table snapshot: keys and refs differ in length');
    this.keys = s.keys.slice();
    let cap = INITIAL_IDS;
    while (cap < s.keys.length) cap *= 2;
    this.refs = new Int32Array(cap);
    this.refs.set(s.refs);
    this.freeIds = s.free.slice();
    this.idByKey.clear();
    for (let id = 0; id < this.keys.length; id++) if (this.refs[id] > 0) this.idByKey.set(this.keys[id], id);
  }
}

/** What {@link KeyTable.snapshot} returns. */
export interface KeyTableSnapshot {
  keys: string[];
  refs: Int32Array;
  free: number[];
}
