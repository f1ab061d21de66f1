/**
 * Partition checkpoints: epochs ordered by fencing token first (a fenced-off owner's late checkpoint
 * never sorts above the new owner's), numbering resumed within one ownership, and a checkpoint of
 * another window spec refused.
 */
import { describe, expect, it } from 'vitest';
import { createWindowOperator } from '../src-main/engine/windows/create-operator';
import { parseWindowSpec } from '../src-main/engine/windows/window-spec';
import {
  checkpointEpoch,
  checkpointNumber,
  decodePartitionCheckpoint,
  encodePartitionCheckpoint,
} from '../src-main/engine/cluster/partition-checkpoint';

describe('partition checkpoints', () => {
  it('orders epochs by ownership (token) before the number within it', () => {
    const lateOfOld = checkpointEpoch(7, 2 ** 21 - 1);
    const firstOfNew = checkpointEpoch(8, 1);
    expect(firstOfNew).toBeGreaterThan(lateOfOld);
    expect(checkpointNumber(checkpointEpoch(8, 5), 8)).toBe(5);
    expect(checkpointNumber(checkpointEpoch(8, 5), 9)).toBe(0);
    expect(() => checkpointEpoch(8, 0)).toThrow(RangeError);
    expect(() => checkpointEpoch(8, 2 ** 21)).toThrow(RangeError);
  });

  it('round-trips state, sequence and committed file lengths, and refuses another window spec', () => {
    const op = createWindowOperator({ window: parseWindowSpec('tumbling:1s'), maxOutOfOrdernessMs: 0, allowedLatenessMs: 0, alertThreshold: 80 });
    op.process([{ sensorId: 'a', timestamp: 1500, value: 3 }], 0, { results: [], late: [], latenciesMs: [] });
    const bytes = encodePartitionCheckpoint({ window: 'tumbling:1s', seq: 42, op: op.snapshot(), files: { a: 120, b: 0 } });
    const c = decodePartitionCheckpoint(bytes, 'tumbling:1s');
    expect(c.seq).toBe(42);
    expect(c.files).toEqual({ a: 120, b: 0 });
    const restored = createWindowOperator({ window: parseWindowSpec('tumbling:1s'), maxOutOfOrdernessMs: 0, allowedLatenessMs: 0, alertThreshold: 80 });
    restored.restore(c.op);
    const out = { results: [] as never[], late: [], latenciesMs: [] };
    restored.advanceWatermark(Infinity, out);
    expect(out.results).toMatchObject([{ sensorId: 'a', windowStart: 1000, count: 1, sum: 3 }]);
    expect(() => decodePartitionCheckpoint(bytes, 'tumbling:5s')).toThrow(/window tumbling:1s, not tumbling:5s/);
  });
});
