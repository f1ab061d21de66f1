/**
 * Exactly-once JSONL files (results, late events, dead letters): a checkpoint records each file's
 * durable length (after fsync) and inode; recovery takes back what was written after it — undoing
 * rotations made since (found by inode: rename keeps it) and truncating to the length — so the
 * re-run appends the same lines again and the files end byte for byte as an uninterrupted run's.
 */
import { open, rename, rm, stat, truncate } from 'node:fs/promises';

/** Where a JSONL file stood at a checkpoint: its inode and its durable length in bytes. */
export interface JsonlCommitPoint {
  ino: number;
  bytes: number;
}

async function inodeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).ino;
  } catch {
    return undefined;
  }
}

/**
 * Brings the file (`fileAt(0)`, rotated files `fileAt(1)` … `fileAt(maxFiles)`, newest first) back to `point`.
 * @throws Error when no file holds the point's inode (the files were replaced or deleted) or it is
 * shorter than the point.
 */
export async function rewindJsonl(fileAt: (index: number) => string, point: JsonlCommitPoint, maxFiles: number): Promise<void> {
  const path = fileAt(0);
  let k = -1;
  for (let i = 0; i <= maxFiles && k < 0; i++) if ((await inodeOf(fileAt(i))) === point.ino) k = i;
  if (k < 0) throw new Error(`${path}: the file the checkpoint wrote to is gone (replaced or deleted): cannot resume; use --fresh to start over`);
  const at = fileAt;
  if (k > 0) {
    // k rotations happened after the checkpoint: drop the k newer files, shift the rest back.
    for (let i = 0; i < k; i++) await rm(at(i), { force: true });
    for (let i = k; i <= maxFiles; i++) {
      if ((await inodeOf(at(i))) === undefined) break;
      await rename(at(i), at(i - k));
    }
  }
  const size = (await stat(path)).size;
  if (size < point.bytes) throw new Error(`${path}: ${size} bytes, shorter than the ${point.bytes} bytes the checkpoint made durable: cannot resume; use --fresh`);
  if (size > point.bytes) await truncate(path, point.bytes);
}

/** fsync a directory so renames in it are durable (no-op where directories cannot be opened). */
export async function syncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
  } catch {
    return;
  }
  try {
    await fh.sync();
  } catch {
    // Some platforms refuse fsync on a directory: renames stay atomic, only less durable.
  } finally {
    await fh.close();
  }
}
