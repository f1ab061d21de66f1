/**
 * One instance of a cluster: leases decide which partitions it owns; each owned partition runs as a
 * PartitionTask (its own window state, consumer and result file); every `checkpointIntervalMs` each
 * task stores a checkpoint in the NATS Object Store. Acquired → load the latest checkpoint, restore,
 * resume; lost → stop emitting (the lease fence already holds) and drop the state; released on purpose
 * (rebalance, clean stop) → a last checkpoint first, so the next owner starts exactly there.
 */
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { WindowOperatorOptions } from '../windows/window-operator';
import { LeaseManager, openLeaseBucket, type LeaseStats } from './lease-manager';
import { NatsObjectCheckpointStore } from './nats-checkpoint-store';
import { PartitionTask } from './partition-task';
import { committedLengths } from './committed-output';
import { ensureStream } from '../sources/nats-setup';

/** Options of a {@link ClusterWorker}. Durations in ms. */
export interface ClusterWorkerOptions {
  nc: NatsConnection;
  /** JetStream stream holding the events; partition p's events on subject `<subjectBase>.<p>`. */
  stream: string;
  subjectBase: string;
  /** Create the stream (on `<subjectBase>.>`) when it does not exist. Default false: it must exist. */
  createStream?: boolean;
  partitions: number;
  /** Unique per instance; names its lease heartbeats and its files in checkpoints. */
  instanceId: string;
  /** Directory of this instance's result files (`partition-<p>.jsonl`). */
  outDir: string;
  operator: WindowOperatorOptions;
  /** The window spec as stored in each partition checkpoint (`tumbling:1s`, formatWindowSpec); a checkpoint of another window is refused. */
  windowText: string;
  /** KV bucket of the leases and Object Store bucket of the checkpoints (shared by the cluster). */
  leaseBucket: string;
  checkpointBucket: string;
  leaseTtlMs: number;
  checkpointIntervalMs: number;
  /** Checkpoints kept per partition (default 3). */
  keep?: number;
  /** Diagnostics (acquired, lost, resumed, checkpoint failures). */
  log?: (line: string) => void;
}

/** Per-partition view for metrics and tests. */
export interface OwnedPartition {
  partition: number;
  token: number;
  lag: number;
  emitted: number;
  resumedFrom: { epoch: number; seq: number };
}

/** Counters of a worker beyond the lease manager's. */
export interface WorkerCounts {
  checkpoints: { ok: number; failed: number };
  dropped: { dead_letter: number; late: number };
}

export class ClusterWorker {
  private readonly tasks = new Map<number, PartitionTask>();
  private leases: LeaseManager | undefined;
  private store: NatsObjectCheckpointStore | undefined;
  private js: JetStreamClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly log: (line: string) => void;
  readonly counts: WorkerCounts = { checkpoints: { ok: 0, failed: 0 }, dropped: { dead_letter: 0, late: 0 } };

  constructor(private readonly o: ClusterWorkerOptions) {
    this.log = o.log ?? (() => undefined);
  }

  /**
   * Open the buckets, cut this instance's files to what the checkpoints committed (a restart after a
   * crash), and start claiming partitions.
   * @throws when NATS, the stream or the buckets are not usable.
   */
  async start(): Promise<void> {
    const o = this.o;
    const nc = o.nc;
    const jsm = await jetstreamManager(nc);
    // Instances started together race to create the stream: the losers find it created.
    await ensureStream(jsm, o.stream, [`${o.subjectBase}.>`], o.createStream === true).catch(() => ensureStream(jsm, o.stream, [], false));
    this.js = jetstream(nc);
    this.store = await NatsObjectCheckpointStore.open(nc, {
      bucket: o.checkpointBucket,
      onSkipped: (p, e, why) => this.log(`partition ${p}: checkpoint ${e} unreadable, using the previous one (${why})`),
    });
    await committedLengths(this.store, o.partitions, o.windowText, o.instanceId, o.outDir, { truncate: true });
    const kv = await openLeaseBucket(nc, o.leaseBucket, o.leaseTtlMs);
    const leases = new LeaseManager({
      kv,
      instanceId: o.instanceId,
      partitions: o.partitions,
      leaseTtlMs: o.leaseTtlMs,
      beforeRelease: (p) => this.drop(p, true),
    });
    this.leases = leases;
    leases.on('acquired', (p, token) => this.acquire(p, token));
    leases.on('lost', (p, reason) => {
      this.log(`partition ${p}: lease lost (${reason})`);
      void this.drop(p, false);
    });
    leases.start();
    this.timer = setInterval(() => void this.checkpointAll(), o.checkpointIntervalMs);
    this.timer.unref();
  }

  /** Stop: last checkpoints of every owned partition, leases released for the others at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.leases?.stop({ release: true });
    await Promise.all([...this.tasks.keys()].map((p) => this.drop(p, false)));
  }

  /** Take a checkpoint of every owned partition now. */
  async checkpointAll(): Promise<void> {
    await Promise.all([...this.tasks.values()].map((t) => this.checkpointTask(t)));
  }

  owned(): OwnedPartition[] {
    return [...this.tasks.values()]
      .filter((t) => this.leases?.mayEmit(t.partition))
      .map((t) => ({ partition: t.partition, token: t.token, lag: t.lag, emitted: t.emitted, resumedFrom: t.resumedFrom }))
      .sort((a, b) => a.partition - b.partition);
  }

  leaseStats(): LeaseStats | undefined {
    return this.leases?.stats();
  }

  private acquire(p: number, token: number): void {
    const leases = this.leases!;
    /** A task that cannot resume or stops reading on an error is started again while the lease holds. */
    const retry = (what: string, err: unknown) => {
      this.log(`partition ${p}: ${what} (${err instanceof Error ? err.message : String(err)}); retrying in 1 s`);
      const t = setTimeout(() => {
        if (this.tasks.get(p) === task && leases.token(p) === token) this.acquire(p, token);
      }, 1000);
      t.unref();
    };
    const task: PartitionTask = new PartitionTask(
      p,
      token,
      {
        js: this.js!,
        stream: this.o.stream,
        subjectBase: this.o.subjectBase,
        store: this.store!,
        keep: this.o.keep ?? 3,
        instanceId: this.o.instanceId,
        outDir: this.o.outDir,
        operator: this.o.operator,
        windowText: this.o.windowText,
        onDropped: (_p, kind, n) => (this.counts.dropped[kind] += n),
        onFailed: (_p, err) => retry('reading failed', err),
      },
      () => leases.token(p) === token,
    );
    const previous = this.tasks.get(p);
    this.tasks.set(p, task);
    if (previous) void previous.stop();
    task.ready.then(
      () => this.log(`partition ${p}: acquired (token ${token}), resumed from checkpoint epoch ${task.resumedFrom.epoch} at stream sequence ${task.resumedFrom.seq}`),
      (err: unknown) => retry('cannot resume', err),
    );
  }

  /** Stop and forget partition p's task; with `checkpoint`, after a last checkpoint. */
  private async drop(p: number, checkpoint: boolean): Promise<void> {
    const task = this.tasks.get(p);
    if (!task) return;
    if (checkpoint) await task.stop({ checkpoint: true });
    if (this.tasks.get(p) === task) this.tasks.delete(p);
    await task.stop();
  }

  private async checkpointTask(t: PartitionTask): Promise<void> {
    try {
      if (await t.checkpoint()) this.counts.checkpoints.ok++;
    } catch (err) {
      this.counts.checkpoints.failed++;
      this.log(`partition ${t.partition}: checkpoint failed (${err instanceof Error ? err.message : String(err)})`);
    }
  }
}
