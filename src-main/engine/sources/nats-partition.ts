/**
 * Key-space partitioning for scale-out on NATS JetStream. A publisher sends each event to the
 * subject `<base>.<partition>`, with partition = FNV-1a(key) mod count; each engine instance binds
 * durable consumers only for its own partitions, so all events of a key reach one instance and its
 * windows stay correct.
 */

const encoder = new TextEncoder();

/** 32-bit FNV-1a hash of the UTF-8 bytes of `text` (unsigned). Stable across processes and languages. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const b of encoder.encode(text)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The partition (0 .. count-1) of a key: FNV-1a(UTF-8 key) mod count.
 * @throws RangeError when `count` is not an integer >= 1.
 */
export function partitionOf(key: string, count: number): number {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`partition count must be an integer >= 1 (got ${count})`);
  return fnv1a32(key) % count;
}

/**
 * The subject base of a partitioned filter: `streamscope.events.>` or `streamscope.events.*` →
 * `streamscope.events`.
 * @throws Error when the filter does not end in `.>` or `.*`.
 */
export function partitionBase(subjects: string): string {
  const m = /^(.+)\.[>*]$/.exec(subjects);
  if (!m) throw new Error(`subjects must end in ".>" or ".*" to be partitioned (got ${JSON.stringify(subjects)})`);
  return m[1];
}

/** The subject of partition `p`: `<base>.<p>`. */
export function partitionSubjectOf(subjects: string, p: number): string {
  return `${partitionBase(subjects)}.${p}`;
}

/** The subject a publisher uses for `key`: `<base>.<partitionOf(key, count)>`. */
export function subjectForKey(subjects: string, key: string, count: number): string {
  return partitionSubjectOf(subjects, partitionOf(key, count));
}
