/**
 * A CheckpointStore on the NATS JetStream Object Store: one object per (partition, epoch), named
 * `<partition>/<epoch, 16 digits>`. The Object Store splits an object into chunks (128 KiB by
 * default, so a checkpoint is not bound by the server's message size limit) and records its SHA-256;
 * a read recomputes it, so a corrupt or incomplete checkpoint is detected and the previous one used.
 */
import { Objm, StorageType, type ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import { checkPartitionName, type CheckpointStore, type StoredCheckpoint } from '../checkpoint/store';

/** Options of {@link NatsObjectCheckpointStore.open}. Durations in ms. */
export interface NatsObjectCheckpointStoreOptions {
  /** Object Store bucket name (letters, digits, `-`, `_`); created when missing. */
  bucket: string;
  /** Longest wait for one checkpoint's bytes before it is treated as unreadable (default 30,000). */
  readTimeoutMs?: number;
  /** Called for every checkpoint `latest` skips, with the reason (default: ignored). */
  onSkipped?: (partition: string, epoch: number, reason: string) => void;
}

const EPOCH_DIGITS = 16;

function objectName(partition: string, epoch: number): string {
  return `${partition}/${String(epoch).padStart(EPOCH_DIGITS, '0')}`;
}

/** The epoch of an object name of `partition`, or undefined when the name belongs to another partition. */
function epochOf(partition: string, name: string): number | undefined {
  const prefix = `${partition}/`;
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  return /^\d+$/.test(rest) ? Number(rest) : undefined;
}

/** Checkpoints per partition in a JetStream Object Store bucket. */
export class NatsObjectCheckpointStore implements CheckpointStore {
  private constructor(
    private readonly os: ObjectStore,
    private readonly readTimeoutMs: number,
    private readonly onSkipped: NonNullable<NatsObjectCheckpointStoreOptions['onSkipped']>,
  ) {}

  /**
   * Open (or create, on file storage) the bucket.
   * @throws the client's error when JetStream is unavailable or the name is invalid.
   */
  static async open(nc: NatsConnection, o: NatsObjectCheckpointStoreOptions): Promise<NatsObjectCheckpointStore> {
    const os = await new Objm(nc).create(o.bucket, { storage: StorageType.File });
    return new NatsObjectCheckpointStore(os, o.readTimeoutMs ?? 30_000, o.onSkipped ?? (() => undefined));
  }

  /**
   * Store a checkpoint; resolves once every chunk and the metadata are acknowledged by JetStream.
   * @throws RangeError for an epoch that is not a non-negative safe integer; Error for a bad partition name.
   */
  async put(partition: string, epoch: number, bytes: Uint8Array): Promise<void> {
    checkPartitionName(partition);
    if (!Number.isSafeInteger(epoch) || epoch < 0) throw new RangeError(`checkpoint epoch must be a non-negative integer (got ${epoch})`);
    await this.os.putBlob({ name: objectName(partition, epoch) }, bytes);
  }

  async list(partition: string): Promise<number[]> {
    const infos = await this.os.list();
    const epochs: number[] = [];
    for (const info of infos) {
      const e = info.deleted ? undefined : epochOf(partition, info.name);
      if (e !== undefined) epochs.push(e);
    }
    return epochs.sort((a, b) => a - b);
  }

  async latest(partition: string): Promise<StoredCheckpoint | undefined> {
    const epochs = await this.list(partition);
    for (let i = epochs.length - 1; i >= 0; i--) {
      const epoch = epochs[i];
      try {
        const bytes = await this.read(objectName(partition, epoch));
        if (bytes) return { epoch, bytes };
        this.onSkipped(partition, epoch, 'missing');
      } catch (err) {
        this.onSkipped(partition, epoch, err instanceof Error ? err.message : String(err));
      }
    }
    return undefined;
  }

  async prune(partition: string, keep: number): Promise<void> {
    const epochs = await this.list(partition);
    for (const epoch of epochs.slice(0, Math.max(0, epochs.length - keep))) {
      await this.os.delete(objectName(partition, epoch));
    }
  }

  async clear(partition: string): Promise<void> {
    await this.prune(partition, 0);
  }

  /**
   * In the cluster a partition's single writer is its lease holder (lease-manager.ts: compare-and-set
   * on the KV revision, fenced by the owner's own deadline), and epochs carry the lease token, so a
   * fenced-off writer can never become the latest: this store adds no lock of its own.
   */
  async lock(partition: string): Promise<() => Promise<void>> {
    checkPartitionName(partition);
    return async () => {};
  }

  /**
   * The object's bytes, their SHA-256 checked by the client; null when it does not exist.
   * @throws on a digest mismatch, or when the chunks do not all arrive within the read timeout.
   */
  private async read(name: string): Promise<Uint8Array | null> {
    const r = await this.os.get(name);
    if (!r) return null;
    const reader = r.data.getReader();
    const parts: Uint8Array[] = [];
    let size = 0;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`incomplete: not all chunks arrived within ${this.readTimeoutMs} ms`)), this.readTimeoutMs);
    });
    try {
      for (;;) {
        const { done, value } = await Promise.race([reader.read(), timeout]);
        if (done) break;
        parts.push(value);
        size += value.length;
      }
    } catch (err) {
      void reader.cancel().catch(() => undefined);
      throw err;
    } finally {
      clearTimeout(timer);
    }
    if (size !== r.info.size) throw new Error(`incomplete: ${size} of ${r.info.size} bytes`);
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    return bytes;
  }
}
