/**
 * NATS JetStream source: durable pull consumers on a stream; each message payload is JSON (one event
 * or an array of events).
 *
 * Delivery guarantee: AT-LEAST-ONCE. A batch of messages is acknowledged only after `out.emit` has
 * taken its events (under `block`, after the emit's promise resolved). Window state lives in memory,
 * so after a crash the unacked messages are redelivered (after `ackWaitMs`) and counted again;
 * events of windows that were still open at the crash may end up in a result twice, and a result
 * already emitted before the crash may be emitted again. Under the drop policies the ingress queue
 * may shed events that were already acked. Rejected messages (bad JSON, missing fields) are
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
import { ensureConsumer, ensureStream, type ConsumerBinding } from './nats-setup';

export interface NatsPosition {
  consumers: Record<string, { ackedStreamSeq: number; deliveredStreamSeq: number }>;
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

  /** @throws Error (zod message) when the options are invalid. */
  constructor(options: NatsSourceOptionsInput, deps: { metrics?: SourceMetrics; now?: () => number; name?: string } = {}) {
    this.options = natsSourceOptionsSchema.parse(options);
    this.metrics = deps.metrics;
    this.now = deps.now;
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
        await ensureConsumer(jsm, o.stream, b, o.ackWaitMs);
        this.pos.consumers[b.durable] = { ackedStreamSeq: 0, deliveredStreamSeq: 0 };
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
    for (const m of msgs) {
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
    if (this.killed) return; // crashed: nothing in flight is acked
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

  /** Acked / delivered stream sequences per consumer, redeliveries, and the in-flight batch's sequences. */
  position(): NatsPosition {
    return {
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
