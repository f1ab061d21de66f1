/**
 * One owned partition: its window operator, its JetStream consumer and its result file.
 *
 * On start: load the partition's latest checkpoint, restore the operator, cut this instance's file to
 * the length that checkpoint committed, and read the partition's subject from the checkpointed stream
 * sequence + 1 (an ordered consumer: the position lives in the checkpoint, not in server-side acks).
 * Every message is folded in order; results fired are appended to the file only while `fence()` holds
 * (the lease is this ownership's and its deadline has not passed). `checkpoint()` captures operator,
 * sequence and file length in one synchronous step, makes the file durable, then stores the checkpoint.
 */
import type { Consumer, ConsumerMessages, JetStreamClient } from '@nats-io/jetstream';
import { DEFAULT_MAPPING } from '../decode/field-mapping';
import { decodeJsonText } from '../decode/decode';
import type { CheckpointStore } from '../checkpoint/store';
import { createWindowOperator } from '../windows/create-operator';
import { emptyOutput, type OperatorSnapshot, type WindowOperator, type WindowOperatorOptions } from '../windows/window-operator';
import { checkpointEpoch, checkpointNumber, decodePartitionCheckpoint, encodePartitionCheckpoint } from './partition-checkpoint';
import { PartitionFile } from './partition-file';

/** What a task needs from its instance. */
export interface PartitionTaskContext {
  js: JetStreamClient;
  stream: string;
  /** Subject of partition p: `<subjectBase>.<p>`. */
  subjectBase: string;
  store: CheckpointStore;
  /** Checkpoints kept per partition. */
  keep: number;
  instanceId: string;
  outDir: string;
  operator: WindowOperatorOptions;
  /** Window spec text, recorded in checkpoints. */
  windowText: string;
  /** Counts a record that is not a valid event (dead letter) or a late event. */
  onDropped: (p: number, kind: 'dead_letter' | 'late', n: number) => void;
  /** The task stopped reading on an error (the consumer failed); the instance decides what next. */
  onFailed: (p: number, err: unknown) => void;
}

export class PartitionTask {
  private op: WindowOperator;
  private file: PartitionFile | undefined;
  private files: Record<string, number> = {};
  private seq = 0;
  private n = 0;
  private messages: ConsumerMessages | undefined;
  private stopped = false;
  private checkpointing: Promise<void> = Promise.resolve();
  private running: Promise<void> = Promise.resolve();
  /** Messages of the partition not yet read (from the last message's info), for lag metrics. */
  lag = 0;
  /** Results appended to the file since start. */
  emitted = 0;
  /** Resolves once the checkpoint is loaded and reading has started (or the task stopped first). */
  ready: Promise<void>;

  /**
   * @param fence true while this ownership may emit; checked before every append and checkpoint.
   */
  constructor(
    readonly partition: number,
    readonly token: number,
    private readonly ctx: PartitionTaskContext,
    private readonly fence: () => boolean,
  ) {
    this.op = createWindowOperator(ctx.operator);
    this.ready = this.start();
    this.ready.catch(() => undefined);
  }

  /** Epoch and stream sequence this task resumed from (0, 0 when the partition had no checkpoint). */
  resumedFrom = { epoch: 0, seq: 0 };

  private async start(): Promise<void> {
    const p = this.partition;
    const latest = await this.ctx.store.latest(String(p));
    if (this.stopped) return;
    if (latest) {
      const c = decodePartitionCheckpoint(latest.bytes, this.ctx.windowText);
      this.op.restore(c.op as OperatorSnapshot);
      this.seq = c.seq;
      this.files = { ...c.files };
      this.resumedFrom = { epoch: latest.epoch, seq: c.seq };
      this.n = checkpointNumber(latest.epoch, this.token); // a restarted task of the same ownership numbers on
    }
    this.file = new PartitionFile(this.ctx.outDir, p);
    this.file.truncate(this.files[this.ctx.instanceId] ?? 0);
    const consumer: Consumer = await this.ctx.js.consumers.get(this.ctx.stream, {
      filter_subjects: `${this.ctx.subjectBase}.${p}`,
      opt_start_seq: this.seq + 1,
    });
    if (this.stopped) return;
    this.messages = await consumer.consume({ max_messages: 1024 });
    if (this.stopped) {
      this.messages.stop();
      return;
    }
    this.running = this.consume(this.messages).catch((err: unknown) => {
      if (!this.stopped) this.ctx.onFailed(p, err);
    });
  }

  private async consume(messages: ConsumerMessages): Promise<void> {
    const out = emptyOutput();
    for await (const m of messages) {
      if (this.stopped || !this.fence()) break;
      const r = decodeJsonText(m.string(), DEFAULT_MAPPING);
      if (r.ok) this.op.process([r.event], Date.now(), out);
      else this.ctx.onDropped(this.partition, 'dead_letter', 1);
      this.seq = m.seq;
      this.lag = m.info.pending;
      if (out.late.length > 0) this.ctx.onDropped(this.partition, 'late', out.late.length);
      if (out.results.length > 0 && this.fence()) {
        this.file!.append(out.results);
        this.emitted += out.results.length;
      }
      out.results.length = 0;
      out.late.length = 0;
      out.latenciesMs.length = 0;
    }
  }

  /**
   * Store a checkpoint of the state now (skipped when fenced off or not started). The file length
   * recorded is what the results folded so far fill; the file is fsynced before the checkpoint is put.
   */
  checkpoint(): Promise<boolean> {
    const next = this.checkpointing.then(() => this.checkpointNow());
    this.checkpointing = next.catch(() => undefined).then(() => undefined);
    return next;
  }

  private async checkpointNow(): Promise<boolean> {
    if (!this.file || !this.fence()) return false;
    const files = { ...this.files, [this.ctx.instanceId]: this.file.length };
    const state = { window: this.ctx.windowText, seq: this.seq, op: this.op.snapshot(), files };
    const epoch = checkpointEpoch(this.token, ++this.n);
    await this.file.sync();
    const bytes = encodePartitionCheckpoint(state);
    if (!this.fence()) return false;
    await this.ctx.store.put(String(this.partition), epoch, bytes);
    this.files = files;
    // Listing the bucket is the costly part of pruning: do it once per `keep` checkpoints.
    if (this.n % this.ctx.keep === 0) await this.ctx.store.prune(String(this.partition), this.ctx.keep);
    return true;
  }

  /**
   * Stop reading and drop the state (the partition is no longer ours, or the instance stops). With
   * `checkpoint`, a last checkpoint is taken after reading stopped (a clean hand-over: the next owner
   * continues exactly there, and this file has no uncommitted tail).
   */
  async stop({ checkpoint = false }: { checkpoint?: boolean } = {}): Promise<void> {
    this.stopped = true;
    this.messages?.stop();
    await this.ready.catch(() => undefined);
    await this.running.catch(() => undefined);
    if (checkpoint) await this.checkpoint().catch(() => false);
    await this.checkpointing;
    this.file?.close();
    this.file = undefined;
  }
}
