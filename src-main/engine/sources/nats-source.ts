/**
 * NATS JetStream source: durable pull consumers on a stream; each message payload is JSON (one event
 * or an array of events).
 *
 * Delivery without checkpoints: a batch of messages is acknowledged once `out.emit` has taken its
 * events (under `block`, after the emit's promise resolved). Window state lives in memory, so a
 * crash loses the acked events of windows still open. Under the drop policies the ingress queue may
 * shed events that were already acked.
 *
 * Checkpoint mode (`checkpointIntervalMs` given): EXACTLY-ONCE. Messages are acked only when a
 * stored checkpoint covers them (ack(): ack-all up to the handed-over stream sequence); seek()
 * makes the durable consumer restart at the checkpoint's next sequence (resetConsumer). Rejected messages (bad JSON, missing fields) are
 * dead-lettered and acked, so a poison message is not redelivered forever.
 *
 * Scale-out: with `partitions: { count, mine }`, publishers send to `<base>.<partitionOf(key, count)>`
 * (see nats-partition.ts) and this instance binds one durable consumer `<durable>-p<p>` per partition
 * p in `mine`, filtered on `<base>.<p>`; several instances with disjoint `mine` split the key space.
 */
import { jetstream, jetstreamManager, type ConsumerMessages, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import type { DeadLetter, StreamEvent } from '../../../src-shared/types';
import type { Source, SourceOutput } from '../component';
import { EdgeDecoder } from '../decode/decode';
import type { FieldMapping } from '../decode/field-mapping';
import { natsSourceOptionsSchema, type NatsSourceOptions, type NatsSourceOptionsInput } from './nats-options';
import { decodeJsonPayload } from './json-payload';
import { countBytes, deliver, errorMessage, isPromise, type SourceMetrics } from './live-source-support';
import { realSleep as sleep } from './pacing';
import { connectNats } from './nats-connect';
import { partitionBase, partitionSubjectOf } from './nats-partition';
import { ensureConsumer, ensureStream, resetConsumer, type ConsumerBinding } from './nats-setup';

/** Unacked messages a checkpointing consumer may hold (JetStream's max_ack_pending). */
const CHECKPOINT_MAX_ACK_PENDING = 1_000_000;

export interface NatsPosition {
  /** Per durable: highest stream sequence acked / delivered / handed over in an emit. */
  consumers: Record<string, { ackedStreamSeq: number; deliveredStreamSeq: number; emittedStreamSeq: number }>;
  redelivered: number;
  inFlight: { consumer: string; eventSeqs: number[] } | null;
}

/** Durable JetStream pull consumer(s) implementing {@link Source}. At-least-once; see the module comment. */
export class NatsSource implements Source {
  readonly name: string;
  readonly options: NatsSourceOptions;
  private readonly metrics?: SourceMetrics;
  private readonly now?: () => number;
  private nc?: NatsConnection;
  private readonly iters = new Set<ConsumerMessages>();
  private readonly abortCtl = new AbortController();
  private stopping = false;
  private killed = false;
  private stopPromise?: Promise<void>;
  private readonly stopped: Promise<void>;
  private markStopped!: () => void;
  private emitChain: Promise<void> = Promise.resolve();
  private readonly flushing = new Set<Promise<void>>();
  private readonly pos: NatsPosition = { consumers: {}, redelivered: 0, inFlight: null };
  /** Checkpoint mode: the interval (ms); messages are acked only when a checkpoint covers them. */
  private readonly checkpointIntervalMs?: number;
  /** Checkpoint mode: handed-over messages not acked yet, per durable, in stream order. */
  private readonly unacked = new Map<string, JsMsg[]>();
  /** Checkpoint mode: per durable, the last stream sequence a checkpoint covers (from seek). */
  private resumeAfter?: Record<string, number>;

  /**
   * `checkpointIntervalMs` turns on checkpoint mode: acknowledge only what a completed checkpoint
   * covers (ack()), resume at a checkpoint's sequence (seek()).
   * @throws Error (zod message) when the options are invalid.
   */
  constructor(options: NatsSourceOptionsInput, deps: { metrics?: SourceMetrics; now?: () => number; name?: string; checkpointIntervalMs?: number } = {}) {
    this.options = natsSourceOptionsSchema.parse(options);
    this.metrics = deps.metrics;
    this.now = deps.now;
    this.checkpointIntervalMs = deps.checkpointIntervalMs;
    this.name = deps.name ?? 'nats';
    this.stopped = new Promise((r) => (this.markStopped = r));
  }

  /** The durable consumers this instance binds (one per partition in `mine`, or one). */
  bindings(): ConsumerBinding[] {
    const o = this.options;
    if (!o.partitions) return [{ durable: o.durable, filterSubject: o.subjects }];
    return o.partitions.mine.map((p) => ({ durable: `${o.durable}-p${p}`, filterSubject: partitionSubjectOf(o.subjects, p) }));
  }

  /**
   * Connect, check/create the stream, bind the durable consumers and deliver until `stop()`.
   * Rejects when the servers are unreachable after `maxConnectAttempts`, the stream is missing (and
   * not createStream), a consumer cannot be bound, or the connection closes for good.
   */
  async run(out: SourceOutput): Promise<void> {
    if (this.nc) throw new Error(`${this.name}: run() called twice`);
    if (this.stopping) return;
    const o = this.options;
    const servers = Array.isArray(o.servers) ? o.servers : o.servers.split(',').map((s) => s.trim());
    let nc: NatsConnection;
    try {
      nc = await connectNats(this.name, { ...o, servers }, this.metrics, this.abortCtl.signal);
    } catch (err) {
      if (this.stopping) return;
      this.metrics?.connectionState(this.name, 'disconnected');
      throw err;
    }
    this.nc = nc;
    if (this.stopping) {
      await nc.close().catch(() => undefined);
      return;
    }
    try {
      const jsm = await jetstreamManager(nc);
      const streamSubjects = o.partitions ? [`${partitionBase(o.subjects)}.*`] : [o.subjects];
      await ensureStream(jsm, o.stream, streamSubjects, o.createStream);
      const bindings = this.bindings();
      for (const b of bindings) {
        let start = 1;
        if (this.checkpointIntervalMs === undefined) await ensureConsumer(jsm, o.stream, b, o.ackWaitMs);
        else {
          // Unacked messages must not come back while a checkpoint may still cover them.
          const ackWaitMs = Math.max(o.ackWaitMs, 3 * this.checkpointIntervalMs + 10_000);
          const after = this.resumeAfter?.[b.durable];
          start = await resetConsumer(jsm, o.stream, b, { ackWaitMs, maxAckPending: CHECKPOINT_MAX_ACK_PENDING, startSeq: after === undefined ? undefined : after + 1 });
        }
        this.pos.consumers[b.durable] = { ackedStreamSeq: start - 1, deliveredStreamSeq: start - 1, emittedStreamSeq: start - 1 };
        this.unacked.set(b.durable, []);
      }
      if (this.stopping) return;
      const js = jetstream(nc);
      const decoder = new EdgeDecoder(this.name, o.mapping as Partial<FieldMapping> | undefined, this.now);
      const keyField = o.mapping?.key ?? 'sensorId';
      const loops = bindings.map((b) =>
        this.consumeLoop(js, b, out, decoder, keyField).catch((err) => {
          if (!this.stopping) throw err;
        }),
      );
      const closed = nc.closed().then((err) => {
        if (!this.stopping) throw new Error(`${this.name}: connection to ${servers.join(', ')} closed${err ? `: ${errorMessage(err)}` : ''}`);
      });
      await Promise.race([Promise.all(loops), closed, this.stopped]);
    } catch (err) {
      await this.abort();
      throw err instanceof Error && err.message.startsWith(this.name) ? err : new Error(`${this.name}: ${errorMessage(err)}`);
    } finally {
      if (!this.stopping) await this.stop();
      await this.stopPromise;
    }
  }

  private async consumeLoop(js: JetStreamClient, b: ConsumerBinding, out: SourceOutput, decoder: EdgeDecoder, keyField: string): Promise<void> {
    const consumer = await js.consumers.get(this.options.stream, b.durable);
    const msgs = await consumer.consume({ max_messages: this.options.batch, abort_on_missing_resource: true });
    this.iters.add(msgs);
    if (this.stopping) msgs.stop();
    // Micro-batching: take every message already received (they resolve before a macrotask tick),
    // up to `batch`, then hand them over in one emit and ack them.
    const it = msgs[Symbol.asyncIterator]();
    let next = it.next();
    let pending: JsMsg[] = [];
    while (!this.stopping) {
      const r = await next;
      if (r.done || this.stopping) break; // unprocessed messages are not acked: redelivered later
      pending.push(r.value);
      next = it.next();
      if (pending.length < this.options.batch && (await Promise.race([next.then(() => true), macrotask()]))) continue;
      const batch = pending;
      pending = [];
      const f = this.flush(b.durable, batch, out, decoder, keyField);
      this.flushing.add(f);
      try {
        await f;
      } finally {
        this.flushing.delete(f);
      }
    }
    void it.return?.(undefined)?.catch(() => undefined);
  }

  /** Decode a batch of messages, hand the events over, and ack the messages once taken. */
  private async flush(consumer: string, msgs: JsMsg[], out: SourceOutput, decoder: EdgeDecoder, keyField: string): Promise<void> {
    const events: StreamEvent[] = [];
    const eventSeqs: number[] = [];
    const rejects: DeadLetter[] = [];
    let bytes = 0;
    const cpos = this.pos.consumers[consumer];
    const checkpointed = this.checkpointIntervalMs !== undefined;
    const held = this.unacked.get(consumer)!;
    let emittedUpTo = cpos.emittedStreamSeq;
    for (const m of msgs) {
      if (checkpointed) {
        // Redelivered although handed over already (a slow checkpoint): keep it only to ack.
        if (m.seq <= emittedUpTo) continue;
        emittedUpTo = m.seq;
        held.push(m);
      }
      bytes += m.data.length;
      if (m.redelivered) this.pos.redelivered++;
      if (m.seq > cpos.deliveredStreamSeq) cpos.deliveredStreamSeq = m.seq;
      const text = m.string();
      if (text.trim() === '') {
        decoder.reject('', 'invalid_json', `empty payload on ${m.subject} (stream seq ${m.seq})`);
        for (const r of decoder.drain().rejects) rejects.push(r);
        continue;
      }
      decodeJsonPayload(decoder, text, undefined, keyField);
      const d = decoder.drain();
      for (const e of d.events) {
        events.push(e);
        eventSeqs.push(m.seq);
      }
      for (const r of d.rejects) rejects.push(r);
    }
    countBytes(this.name, bytes, out, this.metrics);
    const emit = async () => {
      if (this.killed) return;
      this.pos.inFlight = { consumer, eventSeqs };
      // The position handed to a checkpoint at this emit covers this batch.
      cpos.emittedStreamSeq = emittedUpTo;
      try {
        const p = deliver(this.name, out, this.metrics, { events, rejects });
        if (isPromise(p)) await p;
      } finally {
        this.pos.inFlight = null;
      }
    };
    // One emit at a time across this instance's consumers (keeps `inFlight` unambiguous).
    const run = this.emitChain.then(emit);
    this.emitChain = run.catch(() => undefined);
    await run;
    if (this.killed || checkpointed) return; // crashed: nothing in flight is acked; checkpoint mode: ack()
    let maxSeq = cpos.ackedStreamSeq;
    for (const m of msgs) {
      m.ack();
      if (m.seq > maxSeq) maxSeq = m.seq;
    }
    cpos.ackedStreamSeq = maxSeq;
  }

  /**
   * Stop: no new messages are taken; in-flight batches get `stopGraceMs` to be handed over and
   * acked; then the connection is drained and closed. Unacked messages are redelivered to the next
   * consumer of the same durable. Idempotent.
   */
  stop(): Promise<void> {
    this.stopPromise ??= (async () => {
      this.stopping = true;
      this.abortCtl.abort();
      for (const it of this.iters) it.stop();
      if (this.flushing.size > 0) {
        await Promise.race([Promise.allSettled([...this.flushing]), sleep(this.options.stopGraceMs)]);
      }
      await this.closeConnection(true);
      this.metrics?.connectionState(this.name, 'stopped');
      this.markStopped();
    })();
    return this.stopPromise;
  }

  /**
   * Crash-like stop: close the connection at once; the batch being emitted and everything buffered
   * is NOT acked (JetStream redelivers it after `ackWaitMs`). For tests and fatal errors. Idempotent.
   */
  abort(): Promise<void> {
    this.killed = true;
    this.stopping = true;
    this.stopPromise ??= (async () => {
      this.abortCtl.abort();
      for (const it of this.iters) it.stop();
      await this.closeConnection(false);
      this.metrics?.connectionState(this.name, 'stopped');
      this.markStopped();
    })();
    return this.stopPromise;
  }

  /**
   * Checkpoint mode: resume after the stream sequences a checkpoint covers (before run()). The
   * durable consumers are recreated to deliver from the next sequence on.
   * @throws Error when the position is of another stream.
   */
  async seek(position: unknown): Promise<void> {
    const p = position as NatsPosition & { stream?: string };
    if (p?.stream !== this.options.stream) throw new Error(`${this.name}: the checkpoint is of stream ${JSON.stringify(p?.stream)}, not ${JSON.stringify(this.options.stream)}`);
    this.resumeAfter = Object.fromEntries(Object.entries(p.consumers).map(([d, c]) => [d, c.emittedStreamSeq]));
  }

  /**
   * Checkpoint mode: a stored checkpoint covers `position`: acknowledges, per consumer, every message
   * up to its handed-over sequence (one ack-all per consumer).
   */
  ack(position: unknown): void {
    const p = position as NatsPosition;
    for (const [durable, c] of Object.entries(p.consumers)) {
      const held = this.unacked.get(durable);
      if (held === undefined) continue;
      let last: JsMsg | undefined;
      let n = 0;
      while (n < held.length && held[n].seq <= c.emittedStreamSeq) last = held[n++];
      if (last === undefined) continue;
      held.splice(0, n);
      last.ack();
      const cpos = this.pos.consumers[durable];
      if (cpos !== undefined && last.seq > cpos.ackedStreamSeq) cpos.ackedStreamSeq = last.seq;
    }
  }

  /** Acked / delivered / handed-over stream sequences per consumer, redeliveries, and the in-flight batch's sequences. */
  position(): NatsPosition & { stream: string } {
    return {
      stream: this.options.stream,
      consumers: Object.fromEntries(Object.entries(this.pos.consumers).map(([k, v]) => [k, { ...v }])),
      redelivered: this.pos.redelivered,
      inFlight: this.pos.inFlight ? { consumer: this.pos.inFlight.consumer, eventSeqs: [...this.pos.inFlight.eventSeqs] } : null,
    };
  }

  private async closeConnection(graceful: boolean): Promise<void> {
    const nc = this.nc;
    if (!nc || nc.isClosed()) return;
    try {
      if (graceful) await Promise.race([nc.drain(), sleep(2000)]);
    } catch {
      // draining a broken connection: close below
    }
    if (!nc.isClosed()) await nc.close().catch(() => undefined);
  }
}

/** Resolves false after the current macrotask (I/O already received has been handled by then). */
function macrotask(): Promise<false> {
  return new Promise((resolve) => setImmediate(() => resolve(false)));
}
