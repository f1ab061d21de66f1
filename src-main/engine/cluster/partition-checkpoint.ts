/**
 * What a partition's checkpoint holds, and its epochs.
 *
 * A checkpoint of partition p is the state after folding every message of p's subject up to stream
 * sequence `seq`: the window operator's snapshot, and, for every instance that ever wrote results of p,
 * the length of its file `partition-<p>.jsonl` that those results fill (`files`). That length is the
 * commit point of the file: lines beyond it were written by an owner that lost the partition before
 * its next checkpoint, and the next owner emits them again; a restarted instance truncates them.
 *
 * Epoch = fencing token × 2^21 + n (n = 1, 2, … within one ownership): a later owner's checkpoints
 * always sort above an earlier owner's, so a late write of a fenced-off owner can never become the
 * latest over the new owner's.
 */
import { decodeState, encodeState } from '../checkpoint/codec';
import type { OperatorSnapshot } from '../windows/window-operator';

/** Format version of {@link PartitionCheckpoint}. */
const VERSION = 1;

export interface PartitionCheckpoint {
  v: number;
  /** Window spec text the state was built with (a checkpoint of another spec is refused). */
  window: string;
  /** Last stream sequence folded in (0 = none). */
  seq: number;
  op: OperatorSnapshot;
  /** Committed length (bytes) of each instance's file of this partition. */
  files: Record<string, number>;
}

const OWNERSHIP_BITS = 2 ** 21;

/**
 * Epoch of the `n`-th checkpoint (n >= 1) of the ownership with fencing token `token`.
 * @throws RangeError when n is outside 1 .. 2^21 - 1 (about 24 days of checkpoints every second).
 */
export function checkpointEpoch(token: number, n: number): number {
  if (!Number.isInteger(n) || n < 1 || n >= OWNERSHIP_BITS) throw new RangeError(`checkpoint number ${n} outside 1..${OWNERSHIP_BITS - 1} for one ownership`);
  return token * OWNERSHIP_BITS + n;
}

/** The checkpoint number within ownership `token` of `epoch`, or 0 when the epoch is of another ownership. */
export function checkpointNumber(epoch: number, token: number): number {
  return Math.floor(epoch / OWNERSHIP_BITS) === token ? epoch % OWNERSHIP_BITS : 0;
}

export function encodePartitionCheckpoint(c: Omit<PartitionCheckpoint, 'v'>): Uint8Array {
  return encodeState({ v: VERSION, ...c });
}

/**
 * @throws Error when the bytes are not a checkpoint of this version, or of another window spec.
 */
export function decodePartitionCheckpoint(bytes: Uint8Array, window: string): PartitionCheckpoint {
  const c = decodeState(bytes) as PartitionCheckpoint;
  if (c?.v !== VERSION) throw new Error(`partition checkpoint format ${String(c?.v)} is not ${VERSION}`);
  if (c.window !== window) throw new Error(`partition checkpoint was taken with window ${c.window}, not ${window}: start with the same --window or a new checkpoint bucket`);
  return c;
}
