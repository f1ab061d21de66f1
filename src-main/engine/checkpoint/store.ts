/**
 * Where checkpoints are kept: one interface, so the same coordinator writes to a local directory
 * (the default, local-dir-store.ts) or, for the cluster, to a NATS Object Store, per partition.
 * A partition is the unit of state that can move alone between instances (its own epochs).
 */

/** One stored checkpoint: its epoch (increasing per partition) and its bytes, checked intact. */
export interface StoredCheckpoint {
  epoch: number;
  bytes: Uint8Array;
}

/** A store of checkpoints per partition. Every method rejects with an Error naming what failed. */
export interface CheckpointStore {
  /** Stores `bytes` as `epoch` of `partition`, durably and atomically: after it resolves a crash cannot lose or tear it. */
  put(partition: string, epoch: number, bytes: Uint8Array): Promise<void>;
  /** The newest intact checkpoint of `partition` (a corrupt or partial newer one is skipped and reported), or undefined. */
  latest(partition: string): Promise<StoredCheckpoint | undefined>;
  /** Epochs stored for `partition`, ascending (intact or not). */
  list(partition: string): Promise<number[]>;
  /** Deletes all but the newest `keep` epochs of `partition`. */
  prune(partition: string, keep: number): Promise<void>;
  /** Deletes every checkpoint of `partition` (`--fresh`). */
  clear(partition: string): Promise<void>;
}

/** Partition names become file or object names: letters, digits, `.`, `_`, `-`. @throws Error otherwise. */
export function checkPartitionName(partition: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(partition)) {
    throw new Error(`checkpoint partition name ${JSON.stringify(partition)}: use letters, digits, '.', '_' or '-' (at most 128)`);
  }
  return partition;
}
