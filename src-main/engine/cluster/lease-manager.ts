/**
 * Partition ownership by leases in a NATS JetStream KV bucket.
 *
 * - One key per partition, `lease.<p>`, value `{"owner": id}` (or `{"owner": null}` once released).
 *   A claim is `create` (no entry) or compare-and-set on the entry's revision; the revision of the
 *   claim is the ownership's fencing token. Renewal is compare-and-set on the last revision: it fails
 *   as soon as anyone else wrote the key, and the lease is then lost.
 * - Expiry is the bucket's max age (its `ttl`): a lease not renewed for `leaseTtlMs` disappears on the
 *   server and anyone may create it again (takeover).
 * - Fencing: the owner's own deadline is `send time of its last successful claim/renewal + leaseTtlMs
 *   - safetyMarginMs` on its monotonic clock. The server stored that write after it was sent, so the
 *   server-side expiry is later than the owner's deadline: `mayEmit(p)` turns false (and `lost` fires)
 *   before anyone else can claim the partition, even when the process was stopped and resumed.
 * - Fair share: every instance keeps a key `inst.<id>` alive with the same TTL; an instance targets
 *   ceil(partitions / live instances) partitions, releases its highest-numbered extras and claims free
 *   ones (starting at an offset hashed from its id, so joiners do not all race for the same ones).
 */
import { EventEmitter } from 'node:events';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV, type KvEntry } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { fnv1a32 } from '../sources/nats-partition';

/** Options of a {@link LeaseManager}. Durations in ms. */
export interface LeaseManagerOptions {
  /** The lease bucket, from {@link openLeaseBucket} with the same `leaseTtlMs`. */
  kv: KV;
  /** This instance's id: unique in the cluster, letters, digits, `-` and `_` only. */
  instanceId: string;
  /** The fixed partition count of the stream. */
  partitions: number;
  /** Lease time to live: the bucket's max age. */
  leaseTtlMs: number;
  /** Interval of heartbeats (renewals, instance key, rebalancing). Default leaseTtlMs / 4. */
  heartbeatMs?: number;
  /** How long before the server-side expiry an owner stops emitting. Default max(100, leaseTtlMs / 5). */
  safetyMarginMs?: number;
  /** Monotonic clock in ms (default performance.now). */
  monotonicMs?: () => number;
  /**
   * Called before this instance gives a partition up on purpose (rebalance, clean stop) while it still
   * owns it: the place for a last checkpoint, so the next owner continues exactly there. Default: none.
   */
  beforeRelease?: (partition: number) => Promise<void>;
}

/** Why a lease was lost: its deadline passed unrenewed, someone else wrote it, or this instance gave it up. */
export type LeaseLossReason = 'expired' | 'revoked' | 'released';

/** Counters since start (for /metrics). */
export interface LeaseStats {
  /** Live instances seen at the last heartbeat (this one included). */
  instances: number;
  owned: number;
  acquired: number;
  /** Acquisitions of a partition whose previous owner's lease expired. */
  takenOver: number;
  lost: Record<LeaseLossReason, number>;
  /** Changes of the set of live instances seen. */
  rebalances: number;
  /** KV operations that failed for another reason than a lost compare-and-set. */
  errors: number;
}

interface Lease {
  /** Revision of the claim: the fencing token. */
  token: number;
  /** Revision of the last successful write (claim or renewal). */
  rev: number;
  /** Monotonic ms after which this instance must not emit for the partition. */
  deadline: number;
}

interface LeaseValue {
  owner: string | null;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** KV key of partition `p`'s lease. */
export const leaseKey = (p: number): string => `lease.${p}`;
const instanceKey = (id: string): string => `inst.${id}`;

/**
 * Open (or create) the lease bucket with max age `leaseTtlMs`. KV requests time out after a third of
 * the TTL, so a hung request cannot outlive a lease.
 * @throws Error when the bucket exists with another TTL (every instance must use the same).
 */
export async function openLeaseBucket(nc: NatsConnection, bucket: string, leaseTtlMs: number): Promise<KV> {
  const js = jetstream(nc, { timeout: Math.max(500, Math.floor(leaseTtlMs / 3)) });
  const kv = await new Kvm(js).create(bucket, { ttl: leaseTtlMs, history: 1 });
  const ttl = (await kv.status()).ttl;
  if (ttl !== leaseTtlMs) throw new Error(`lease bucket ${bucket} has a TTL of ${ttl} ms, not ${leaseTtlMs} ms: start every instance with the same lease TTL`);
  return kv;
}

function isWrongSequence(err: unknown): boolean {
  return err instanceof Error && /wrong last sequence/i.test(err.message);
}

function ownerOf(e: KvEntry | null): string | null | undefined {
  if (!e || e.operation !== 'PUT') return undefined;
  try {
    return (JSON.parse(dec.decode(e.value)) as LeaseValue).owner ?? null;
  } catch {
    return null;
  }
}

/** Event signatures of a {@link LeaseManager}. */
export interface LeaseEvents {
  /** This instance now owns `partition`; results it emits for it may carry `token`. */
  acquired: [partition: number, token: number];
  /** This instance no longer owns `partition` and already stopped emitting for it. */
  lost: [partition: number, reason: LeaseLossReason];
}

/** Claims, renews, releases and fences partition leases for one instance. */
export class LeaseManager extends EventEmitter<LeaseEvents> {
  private readonly o: Required<LeaseManagerOptions>;
  private readonly leases = new Map<number, Lease>();
  /** Owner of each partition at the last heartbeat (to tell a takeover from a first claim). */
  private readonly lastOwner = new Map<number, string>();
  private liveIds = new Set<string>();
  private stopped = true;
  private loop: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private readonly counts: Omit<LeaseStats, 'instances' | 'owned'> = {
    acquired: 0,
    takenOver: 0,
    lost: { expired: 0, revoked: 0, released: 0 },
    rebalances: 0,
    errors: 0,
  };

  /** @throws RangeError on a partition count < 1, or a TTL not larger than heartbeat + margin. */
  constructor(o: LeaseManagerOptions) {
    super();
    const heartbeatMs = o.heartbeatMs ?? Math.floor(o.leaseTtlMs / 4);
    const safetyMarginMs = o.safetyMarginMs ?? Math.max(100, Math.floor(o.leaseTtlMs / 5));
    if (!Number.isInteger(o.partitions) || o.partitions < 1) throw new RangeError(`partitions must be an integer >= 1 (got ${o.partitions})`);
    if (!/^[A-Za-z0-9_-]+$/.test(o.instanceId)) throw new RangeError(`instance id must be letters, digits, - or _ (got ${JSON.stringify(o.instanceId)})`);
    if (o.leaseTtlMs <= heartbeatMs + safetyMarginMs) {
      throw new RangeError(`lease TTL ${o.leaseTtlMs} ms must exceed heartbeat ${heartbeatMs} ms + safety margin ${safetyMarginMs} ms`);
    }
    this.o = {
      ...o,
      heartbeatMs,
      safetyMarginMs,
      monotonicMs: o.monotonicMs ?? (() => performance.now()),
      beforeRelease: o.beforeRelease ?? (async () => undefined),
    };
  }

  /** Start heartbeating; the first claims happen at once. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  /**
   * Stop. With `release` (default) every owned partition is lost ('released') and freed for the others
   * at once, and the instance key deleted; without it the leases are just abandoned and expire (what a
   * crash leaves behind).
   */
  async stop({ release = true }: { release?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.wake?.();
    await this.loop;
    if (release) await Promise.all([...this.leases.keys()].map((p) => this.o.beforeRelease(p).catch(() => this.counts.errors++)));
    clearTimeout(this.deadlineTimer);
    const leases = [...this.leases];
    for (const [p] of leases) this.lose(p, 'released');
    if (!release) return;
    await Promise.all(leases.map(([p, l]) => this.free(p, l)));
    await this.o.kv.delete(instanceKey(this.o.instanceId)).catch(() => this.counts.errors++);
  }

  /**
   * True while this instance holds `partition` and its deadline has not passed. Check it right
   * before every emit or ack for the partition.
   */
  mayEmit(partition: number): boolean {
    const l = this.leases.get(partition);
    return l !== undefined && this.o.monotonicMs() < l.deadline;
  }

  /** The fencing token of the current ownership of `partition`, or undefined when not owned. */
  token(partition: number): number | undefined {
    return this.mayEmit(partition) ? this.leases.get(partition)!.token : undefined;
  }

  /** The partitions this instance may emit for, ascending. */
  owned(): number[] {
    return [...this.leases.keys()].filter((p) => this.mayEmit(p)).sort((a, b) => a - b);
  }

  stats(): LeaseStats {
    return { ...this.counts, lost: { ...this.counts.lost }, instances: this.liveIds.size, owned: this.owned().length };
  }

  private async run(): Promise<void> {
    let rebalancing: Promise<void> | undefined;
    while (!this.stopped) {
      try {
        await this.renewAll();
      } catch {
        this.counts.errors++;
      }
      // Rebalancing (reads, claims, last checkpoints before a release) may take longer than a
      // heartbeat: it runs beside the renewals, never delaying them.
      rebalancing ??= this.rebalance()
        .catch(() => void this.counts.errors++)
        .finally(() => (rebalancing = undefined));
      if (this.stopped) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.o.heartbeatMs);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    await rebalancing;
  }

  /** Instance heartbeat and lease renewals (in parallel). */
  private async renewAll(): Promise<void> {
    const { kv, instanceId } = this.o;
    await Promise.all([
      kv.put(instanceKey(instanceId), enc.encode(JSON.stringify({ owned: this.leases.size }))).catch(() => void this.counts.errors++),
      ...[...this.leases].map(([p, l]) => this.renew(p, l)),
    ]);
    this.expireDue();
  }

  /** Move toward the fair share: release the extras (highest-numbered first), claim free partitions. */
  private async rebalance(): Promise<void> {
    const { kv, instanceId, partitions } = this.o;
    const [live, entries] = await Promise.all([this.readLiveIds(), Promise.all(Array.from({ length: partitions }, (_, p) => kv.get(leaseKey(p))))]);
    if (this.stopped) return;
    if (this.liveIds.size > 0 && !sameSet(live, this.liveIds)) this.counts.rebalances++;
    this.liveIds = live;

    const target = Math.ceil(partitions / live.size);
    const mine = [...this.leases.keys()].sort((a, b) => b - a);
    for (const p of mine.slice(0, Math.max(0, mine.length - target))) {
      if (this.stopped) return;
      await this.o.beforeRelease(p).catch(() => this.counts.errors++);
      const l = this.leases.get(p);
      if (!l) continue; // lost meanwhile
      this.lose(p, 'released');
      await this.free(p, l);
    }
    const start = fnv1a32(instanceId) % partitions;
    for (let i = 0; i < partitions && this.leases.size < target && !this.stopped; i++) {
      const p = (start + i) % partitions;
      if (!this.leases.has(p)) await this.claim(p, entries[p]);
    }
    for (let p = 0; p < partitions; p++) {
      const owner = this.leases.has(p) ? instanceId : ownerOf(entries[p]);
      if (owner) this.lastOwner.set(p, owner);
      else if (owner === null) this.lastOwner.delete(p);
    }
  }

  private async readLiveIds(): Promise<Set<string>> {
    const ids = new Set<string>([this.o.instanceId]);
    for await (const k of await this.o.kv.keys('inst.>')) ids.add(k.slice('inst.'.length));
    return ids;
  }

  /** Claim `p` if its entry is absent, released, or a stale claim of this instance. */
  private async claim(p: number, e: KvEntry | null): Promise<void> {
    const owner = ownerOf(e);
    if (owner && owner !== this.o.instanceId) return;
    const value = enc.encode(JSON.stringify({ owner: this.o.instanceId } satisfies LeaseValue));
    const sent = this.o.monotonicMs();
    let rev: number;
    try {
      rev = owner === undefined ? await this.o.kv.create(leaseKey(p), value) : await this.o.kv.update(leaseKey(p), value, e!.revision);
    } catch (err) {
      if (!isWrongSequence(err)) this.counts.errors++;
      return;
    }
    if (this.stopped) return; // abandoned: it expires
    const prev = this.lastOwner.get(p);
    this.leases.set(p, { token: rev, rev, deadline: sent + this.o.leaseTtlMs - this.o.safetyMarginMs });
    this.counts.acquired++;
    if (owner === undefined && prev !== undefined && prev !== this.o.instanceId) this.counts.takenOver++;
    this.armDeadline();
    this.emit('acquired', p, rev);
  }

  /** Compare-and-set renewal; a lost CAS means someone else owns the partition now. */
  private async renew(p: number, l: Lease): Promise<void> {
    const sent = this.o.monotonicMs();
    try {
      const rev = await this.o.kv.update(leaseKey(p), enc.encode(JSON.stringify({ owner: this.o.instanceId } satisfies LeaseValue)), l.rev);
      if (this.leases.get(p) !== l) return; // lost meanwhile (deadline): not extended
      l.rev = rev;
      l.deadline = sent + this.o.leaseTtlMs - this.o.safetyMarginMs;
    } catch (err) {
      if (isWrongSequence(err)) {
        if (this.leases.get(p) === l) this.lose(p, 'revoked');
      } else {
        this.counts.errors++; // transient: retried next heartbeat; the deadline still fences
      }
    }
  }

  /** Mark the lease free (compare-and-set, so a newer owner is never overwritten). */
  private async free(p: number, l: Lease): Promise<void> {
    await this.o.kv.update(leaseKey(p), enc.encode(JSON.stringify({ owner: null } satisfies LeaseValue)), l.rev).catch(() => undefined);
  }

  private lose(p: number, reason: LeaseLossReason): void {
    if (!this.leases.delete(p)) return;
    this.counts.lost[reason]++;
    this.emit('lost', p, reason);
  }

  /** Drop every lease whose deadline passed. */
  private expireDue(): void {
    const now = this.o.monotonicMs();
    for (const [p, l] of [...this.leases]) if (now >= l.deadline) this.lose(p, 'expired');
    this.armDeadline();
  }

  /** A timer at the earliest deadline, so `lost` fires even when heartbeats are stuck. */
  private armDeadline(): void {
    clearTimeout(this.deadlineTimer);
    if (this.stopped || this.leases.size === 0) return;
    const first = Math.min(...[...this.leases.values()].map((l) => l.deadline));
    this.deadlineTimer = setTimeout(() => this.expireDue(), Math.max(0, first - this.o.monotonicMs()) + 1);
    this.deadlineTimer.unref();
  }
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}
