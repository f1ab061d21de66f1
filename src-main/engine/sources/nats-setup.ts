/**
 * JetStream resources a NATS source needs: the stream (checked, or created when asked) and one
 * durable pull consumer per bound subject, with explicit acks.
 */
import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { errorMessage } from './live-source-support';

/** One durable consumer to bind: its durable name and its filter subject. */
export interface ConsumerBinding {
  durable: string;
  filterSubject: string;
}

function isApiCode(err: unknown, code: number): boolean {
  return err instanceof JetStreamApiError && err.code === code;
}

/**
 * Make sure `stream` exists. When missing: create it with `subjects` if `create`, else throw.
 * @throws Error naming the stream and the fix.
 */
export async function ensureStream(jsm: JetStreamManager, stream: string, subjects: string[], create: boolean): Promise<void> {
  try {
    await jsm.streams.info(stream);
    return;
  } catch (err) {
    if (!isApiCode(err, JetStreamApiCodes.StreamNotFound)) {
      throw new Error(`JetStream stream ${JSON.stringify(stream)}: ${errorMessage(err)}`);
    }
  }
  if (!create) {
    throw new Error(`JetStream stream ${JSON.stringify(stream)} not found (create it, or set createStream: true)`);
  }
  try {
    await jsm.streams.add({ name: stream, subjects });
  } catch (err) {
    throw new Error(`cannot create JetStream stream ${JSON.stringify(stream)} on ${subjects.join(', ')}: ${errorMessage(err)}`);
  }
}

/**
 * Create the durable consumer, or update its filter and ack wait if it exists (its delivery state,
 * i.e. what was acked, is kept: that is what makes a restart resume where the last instance stopped).
 */
export async function ensureConsumer(jsm: JetStreamManager, stream: string, b: ConsumerBinding, ackWaitMs: number): Promise<void> {
  const config = {
    durable_name: b.durable,
    filter_subject: b.filterSubject,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(ackWaitMs),
  };
  let exists = true;
  try {
    const info = await jsm.consumers.info(stream, b.durable);
    if (info.config.filter_subject === b.filterSubject && info.config.ack_wait === config.ack_wait) return;
  } catch (err) {
    if (!isApiCode(err, JetStreamApiCodes.ConsumerNotFound)) {
      throw new Error(`JetStream consumer ${b.durable} on ${stream}: ${errorMessage(err)}`);
    }
    exists = false;
  }
  try {
    if (exists) await jsm.consumers.update(stream, b.durable, { filter_subject: b.filterSubject, ack_wait: config.ack_wait });
    else await jsm.consumers.add(stream, { ...config, deliver_policy: DeliverPolicy.All });
  } catch (err) {
    throw new Error(`cannot bind JetStream consumer ${b.durable} (${b.filterSubject}) on ${stream}: ${errorMessage(err)}`);
  }
}

/** Settings of a consumer that acknowledges on checkpoints only (see resetConsumer). */
export interface CheckpointConsumerSettings {
  /** Redelivery delay: longer than a checkpoint interval plus the time to store one. */
  ackWaitMs: number;
  /** Unacked messages allowed: what arrives between two checkpoints. */
  maxAckPending: number;
  /** First stream sequence to deliver: after a checkpoint's, or undefined for the consumer's ack floor. */
  startSeq?: number;
}

/**
 * Checkpoint mode: (re)creates the durable consumer so delivery starts exactly at `startSeq` (or just
 * after what it had acknowledged, when there is no checkpoint), with ack-all semantics (acking a
 * message acknowledges every earlier one) and ack wait / max ack pending sized to the interval.
 * Everything before the start sequence is covered by a checkpoint, so nothing is lost or read twice.
 * Returns the start sequence.
 * @throws Error naming the consumer and the server's reason.
 */
export async function resetConsumer(jsm: JetStreamManager, stream: string, b: ConsumerBinding, s: CheckpointConsumerSettings): Promise<number> {
  let start = s.startSeq;
  try {
    const info = await jsm.consumers.info(stream, b.durable);
    start ??= info.ack_floor.stream_seq + 1;
    await jsm.consumers.delete(stream, b.durable);
  } catch (err) {
    if (!isApiCode(err, JetStreamApiCodes.ConsumerNotFound)) throw new Error(`JetStream consumer ${b.durable} on ${stream}: ${errorMessage(err)}`);
  }
  start ??= 1;
  try {
    await jsm.consumers.add(stream, {
      durable_name: b.durable,
      filter_subject: b.filterSubject,
      ack_policy: AckPolicy.All,
      ack_wait: nanos(s.ackWaitMs),
      max_ack_pending: s.maxAckPending,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: start,
    });
  } catch (err) {
    throw new Error(`cannot bind JetStream consumer ${b.durable} (${b.filterSubject}) on ${stream} from sequence ${start}: ${errorMessage(err)}`);
  }
  return start;
}
