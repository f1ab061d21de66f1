/**
 * NatsObjectCheckpointStore against the real NATS JetStream on 127.0.0.1:4222 (a unique bucket per
 * test, destroyed after): round trip of a multi-chunk checkpoint, per-partition listing and pruning,
 * and a corrupt or incomplete latest checkpoint skipped for the previous one.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Objm } from '@nats-io/obj';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NatsObjectCheckpointStore } from '../src-main/engine/cluster/nats-checkpoint-store';

let nc: NatsConnection;
const buckets: string[] = [];

beforeAll(async () => {
  nc = await connect({ servers: '127.0.0.1:4222' });
});
afterEach(async () => {
  const objm = new Objm(nc);
  while (buckets.length) {
    const b = buckets.pop()!;
    await (await objm.open(b)).destroy().catch(() => undefined);
  }
});
afterAll(async () => {
  await nc?.close();
});

function bucketName(): string {
  const b = `sstest_ckpt_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  buckets.push(b);
  return b;
}

/** Replace the chunks of an object by `chunks` (raw stream messages), leaving its metadata (and digest) as it was. */
async function replaceChunks(bucket: string, name: string, chunks: Uint8Array[]): Promise<void> {
  const os = await new Objm(nc).open(bucket);
  const info = await os.info(name);
  const subject = `$O.${bucket}.C.${info!.nuid}`;
  const jsm = await jetstreamManager(nc);
  await jsm.streams.purge(`OBJ_${bucket}`, { filter: subject });
  const js = jetstream(nc);
  for (const c of chunks) await js.publish(subject, c);
}

describe('NatsObjectCheckpointStore', () => {
  it('stores checkpoints per partition and reads the newest back byte for byte, across chunks', async () => {
    const bucket = bucketName();
    const store = await NatsObjectCheckpointStore.open(nc, { bucket });
    const big = new Uint8Array(randomBytes(600 * 1024 + 7)); // > 4 chunks of 128 KiB
    await store.put('3', 1, new Uint8Array([1, 2, 3]));
    await store.put('3', 2, big);
    await store.put('12', 5, new Uint8Array([9]));

    expect(await store.list('3')).toEqual([1, 2]);
    expect(await store.list('12')).toEqual([5]);
    expect(await store.list('1')).toEqual([]); // "1" is a prefix of "12" and "3"'s names are not its own
    const latest = await store.latest('3');
    expect(latest?.epoch).toBe(2);
    expect(Buffer.from(latest!.bytes).equals(Buffer.from(big))).toBe(true);
    expect(await store.latest('7')).toBeUndefined();

    // A second store on the same bucket (another instance) sees the same checkpoints.
    const other = await NatsObjectCheckpointStore.open(nc, { bucket });
    expect((await other.latest('12'))?.bytes).toEqual(new Uint8Array([9]));
  });

  it('prunes all but the newest N of one partition, leaving the others', async () => {
    const store = await NatsObjectCheckpointStore.open(nc, { bucket: bucketName() });
    for (let e = 1; e <= 5; e++) await store.put('0', e, new Uint8Array([e]));
    await store.put('1', 1, new Uint8Array([42]));
    await store.prune('0', 3);
    expect(await store.list('0')).toEqual([3, 4, 5]);
    expect(await store.list('1')).toEqual([1]);
    expect((await store.latest('0'))?.bytes).toEqual(new Uint8Array([5]));
    await store.clear('0');
    expect(await store.list('0')).toEqual([]);
    expect(await store.list('1')).toEqual([1]);
  });

  it('skips a corrupt latest checkpoint (digest mismatch) for the previous one and reports it', async () => {
    const bucket = bucketName();
    const skipped: Array<[string, number, string]> = [];
    const store = await NatsObjectCheckpointStore.open(nc, { bucket, onSkipped: (p, e, why) => skipped.push([p, e, why]) });
    await store.put('4', 1, new Uint8Array([1, 1, 1, 1]));
    await store.put('4', 2, new Uint8Array([2, 2, 2, 2]));
    await replaceChunks(bucket, '4/0000000000000002', [new Uint8Array([2, 2, 2, 3])]); // same size, one bit off

    const latest = await store.latest('4');
    expect(latest).toEqual({ epoch: 1, bytes: new Uint8Array([1, 1, 1, 1]) });
    expect(skipped).toHaveLength(1);
    expect(skipped[0][0]).toBe('4');
    expect(skipped[0][1]).toBe(2);
    expect(skipped[0][2]).toMatch(/digest/);
  });

  it('skips a latest checkpoint whose chunks are gone (incomplete) after the read timeout', async () => {
    const bucket = bucketName();
    const skipped: number[] = [];
    const store = await NatsObjectCheckpointStore.open(nc, { bucket, readTimeoutMs: 500, onSkipped: (_p, e) => skipped.push(e) });
    await store.put('0', 7, new Uint8Array([7]));
    await store.put('0', 8, new Uint8Array(300 * 1024).fill(8));
    await replaceChunks(bucket, '0/0000000000000008', []);

    expect((await store.latest('0'))?.epoch).toBe(7);
    expect(skipped).toEqual([8]);
  });

  it('refuses an epoch that is not a non-negative integer, and a partition name that is not a plain name', async () => {
    const store = await NatsObjectCheckpointStore.open(nc, { bucket: bucketName() });
    await expect(store.put('0', 1.5, new Uint8Array([1]))).rejects.toThrow(RangeError);
    await expect(store.put('0', -1, new Uint8Array([1]))).rejects.toThrow(RangeError);
    await expect(store.put('../x', 1, new Uint8Array([1]))).rejects.toThrow(/partition name/);
  });
});
