/**
 * Where checkpoints are kept, per partition: a local directory by default, the NATS JetStream
 * Object Store for scale-out. A checkpoint is opaque bytes tagged with its epoch (a number that
 * grows with every checkpoint of a partition).
 */
export interface CheckpointStore {
  /** Store the checkpoint `bytes` of `partition` as `epoch`. Resolves once it is durable. */
  put(partition: string, epoch: number, bytes: Uint8Array): Promise<void>;
  /** The newest readable checkpoint of `partition` (a corrupt one is skipped for the previous), or undefined. */
  latest(partition: string): Promise<{ epoch: number; bytes: Uint8Array } | undefined>;
  /** The epochs stored for `partition`, ascending. */
  list(partition: string): Promise<number[]>;
  /** Delete all but the newest `keep` checkpoints of `partition`. */
  prune(partition: string, keep: number): Promise<void>;
}
