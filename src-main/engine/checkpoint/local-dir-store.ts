/**
 * The default checkpoint store: one directory per partition under `dir`, one file per epoch
 * (`ckpt-000000000042.bin`), each written atomically — temp file, fsync, rename, fsync the
 * directory — so a crash leaves either the old set or the new checkpoint whole, never half of one.
 * Reading verifies the frame (frame.ts); a corrupt or partial newest checkpoint is reported through
 * `onWarn` and the previous one is used.
 */
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { frame, unframe } from './frame';
import { checkPartitionName, type CheckpointStore, type StoredCheckpoint } from './store';

const NAME = /^ckpt-(\d{12})\.bin$/;
const fileName = (epoch: number) => `ckpt-${String(epoch).padStart(12, '0')}.bin`;

/** Options of {@link LocalDirStore}. */
export interface LocalDirStoreOptions {
  /** Told about every checkpoint skipped as corrupt or partial (one line). */
  onWarn?: (msg: string) => void;
}

/** Checkpoints in a local directory; see the module comment. */
export class LocalDirStore implements CheckpointStore {
  private readonly onWarn: (msg: string) => void;

  constructor(
    readonly dir: string,
    opts: LocalDirStoreOptions = {},
  ) {
    this.onWarn = opts.onWarn ?? (() => {});
  }

  private partDir(partition: string): string {
    return join(this.dir, checkPartitionName(partition));
  }

  async put(partition: string, epoch: number, bytes: Uint8Array): Promise<void> {
    if (!Number.isSafeInteger(epoch) || epoch < 0) throw new Error(`checkpoint epoch must be an integer >= 0, got ${epoch}`);
    const dir = this.partDir(partition);
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `.tmp-${fileName(epoch)}-${process.pid}`);
    const fh = await open(tmp, 'w');
    try {
      for (const part of await frame(epoch, bytes)) await fh.write(part);
      await fh.sync();
    } catch (e) {
      await fh.close().catch(() => {});
      await rm(tmp, { force: true });
      throw new Error(`checkpoint ${epoch} to ${dir}: ${(e as Error).message}`, { cause: e });
    }
    await fh.close();
    await rename(tmp, join(dir, fileName(epoch)));
    await syncDir(dir);
  }

  async latest(partition: string): Promise<StoredCheckpoint | undefined> {
    const dir = this.partDir(partition);
    const epochs = await this.list(partition);
    for (let i = epochs.length - 1; i >= 0; i--) {
      const path = join(dir, fileName(epochs[i]));
      try {
        const { epoch, payload } = await unframe(await readFile(path));
        if (epoch !== epochs[i]) throw new Error(`holds epoch ${epoch}, its name says ${epochs[i]}`);
        return { epoch, bytes: payload };
      } catch (e) {
        const prev = i > 0 ? `using the previous one (epoch ${epochs[i - 1]})` : 'no older checkpoint left';
        this.onWarn(`checkpoint ${path} skipped: ${(e as Error).message}; ${prev}`);
      }
    }
    return undefined;
  }

  async list(partition: string): Promise<number[]> {
    let names: string[];
    try {
      names = await readdir(this.partDir(partition));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return names.flatMap((n) => (NAME.test(n) ? [Number(NAME.exec(n)![1])] : [])).sort((a, b) => a - b);
  }

  async prune(partition: string, keep: number): Promise<void> {
    const epochs = await this.list(partition);
    const dir = this.partDir(partition);
    for (const e of epochs.slice(0, Math.max(0, epochs.length - keep))) await rm(join(dir, fileName(e)), { force: true });
  }

  async clear(partition: string): Promise<void> {
    await rm(this.partDir(partition), { recursive: true, force: true });
  }
}

/** fsync a directory so a rename in it survives a power cut (a no-op where directories cannot be opened, as on Windows). */
async function syncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
  } catch {
    return;
  }
  try {
    await fh.sync();
  } catch {
    // EISDIR/EPERM on some platforms: the rename is still atomic, only its durability is weaker.
  } finally {
    await fh.close();
  }
}
