/**
 * The committed part of the cluster's result files: for each partition, its latest checkpoint lists
 * how many bytes of each instance's `partition-<p>.jsonl` hold committed results. Bytes beyond were
 * written by an owner that lost the partition (killed, stalled) before its next checkpoint; the next
 * owner emitted those results again. An instance cuts its own files to the committed length when it
 * starts and when it takes a partition (over) again.
 */
import { existsSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import type { WindowResult } from '../../../src-shared/types';
import type { CheckpointStore } from '../checkpoint/store';
import { decodePartitionCheckpoint } from './partition-checkpoint';
import { partitionFileName } from './partition-file';

async function latestFiles(store: CheckpointStore, p: number, windowText: string): Promise<Record<string, number>> {
  const latest = await store.latest(String(p));
  return latest ? decodePartitionCheckpoint(latest.bytes, windowText).files : {};
}

/**
 * Cut `instanceId`'s files under `outDir` to their committed lengths (0 for a partition whose
 * checkpoints do not name the instance). Returns the bytes cut per partition.
 */
export async function committedLengths(
  store: CheckpointStore,
  partitions: number,
  windowText: string,
  instanceId: string,
  outDir: string,
  { truncate }: { truncate: boolean },
): Promise<Map<number, number>> {
  const cut = new Map<number, number>();
  for (let p = 0; p < partitions; p++) {
    const path = join(outDir, partitionFileName(p));
    if (!existsSync(path)) continue;
    const committed = (await latestFiles(store, p, windowText))[instanceId] ?? 0;
    const size = statSync(path).size;
    if (size > committed) {
      cut.set(p, size - committed);
      if (truncate) truncateSync(path, committed);
    }
  }
  return cut;
}

/**
 * Every committed result of the cluster, read from the instances' output directories
 * (`instanceId → outDir`), per partition in file order.
 * @throws when a file is shorter than its committed length (it was changed by someone else).
 */
export async function readCommittedResults(
  store: CheckpointStore,
  partitions: number,
  windowText: string,
  outDirs: Record<string, string>,
): Promise<Array<WindowResult & { partition: number; instance: string }>> {
  const out: Array<WindowResult & { partition: number; instance: string }> = [];
  for (let p = 0; p < partitions; p++) {
    const files = await latestFiles(store, p, windowText);
    for (const [instance, length] of Object.entries(files)) {
      const dir = outDirs[instance];
      if (dir === undefined || length === 0) continue;
      const bytes = readFileSync(join(dir, partitionFileName(p)));
      if (bytes.length < length) throw new Error(`${join(dir, partitionFileName(p))}: ${bytes.length} bytes, but ${length} are committed`);
      for (const line of bytes.subarray(0, length).toString('utf8').split('\n')) {
        if (line !== '') out.push({ ...(JSON.parse(line) as WindowResult), partition: p, instance });
      }
    }
  }
  return out;
}
