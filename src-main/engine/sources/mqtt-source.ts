/**
 * MQTT source: subscribes to topic filters (`+` and `#` wildcards) on a broker and decodes each
 * message payload (JSON: one event or an array) into events. The key comes from the payload, or
 * from one level of the topic (`sensors/+/temperature` with `keyFromTopicLevel: 1`).
 *
 * Backpressure: messages are handled one at a time inside mqtt.js's `handleMessage` hook. While the
 * ingress queue blocks (`out.emit` returns a promise), the hook does not call back, so mqtt.js stops
 * processing incoming packets, the socket stops being read, and the broker stops sending (TCP flow
 * control); for QoS 1 the PUBACK is sent only after the events are in the ingress queue. Nothing is
 * buffered without bound. A stall longer than ~1.5 × keepalive makes the broker drop the connection;
 * the source reconnects and QoS 1 messages of a persistent session (`clean: false`) are redelivered.
 *
 * Reconnects use exponential backoff (reconnectPeriodMs doubling up to maxReconnectPeriodMs). If the
 * broker cannot be reached `maxConnectAttempts` times in a row before the first connection, or it
 * refuses the client (bad credentials, not authorized), `run()` rejects naming the URL.
 */
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { z } from 'zod';
import type { SourceOutput, Source } from '../component';
import { EdgeDecoder } from '../decode/decode';
import type { FieldMapping } from '../decode/field-mapping';
import { mqttSourceOptionsSchema, type MqttSourceOptions, type MqttSourceOptionsInput } from './mqtt-options';
import { decodeJsonPayload } from './json-payload';
import { countBytes, deliver, errorMessage, isPromise, type SourceMetrics } from './live-source-support';

export interface MqttPosition {
  messages: number;
}

/** Live MQTT subscriber implementing {@link Source}. */
export class MqttSource implements Source {
  readonly name: string;
  readonly options: MqttSourceOptions;
  private readonly metrics?: SourceMetrics;
  private readonly now?: () => number;
  private client?: MqttClient;
  private stopping = false;
  private finish?: () => void;
  private messages = 0;

  /** @throws Error (zod message) when the options are invalid. */
  constructor(options: MqttSourceOptionsInput, deps: { metrics?: SourceMetrics; now?: () => number; name?: string } = {}) {
    this.options = mqttSourceOptionsSchema.parse(options);
    this.metrics = deps.metrics;
    this.now = deps.now;
    this.name = deps.name ?? 'mqtt';
  }

  /**
   * Connect, subscribe, and deliver until `stop()`. Rejects when the broker is unreachable for
   * `maxConnectAttempts` attempts before the first connection, refuses the client, or refuses a
   * subscription.
   */
  run(out: SourceOutput): Promise<void> {
    if (this.client) return Promise.reject(new Error(`${this.name}: run() called twice`));
    if (this.stopping) return Promise.resolve();
    const o = this.options;
    const decoder = new EdgeDecoder(this.name, o.mapping as Partial<FieldMapping> | undefined, this.now);
    const keyField = o.mapping?.key ?? 'sensorId';
    const clientOpts: IClientOptions = {
      clientId: o.clientId,
      clean: o.clean,
      username: o.username,
      password: o.password,
      reconnectPeriod: o.reconnectPeriodMs,
      connectTimeout: o.connectTimeoutMs,
      keepalive: o.keepaliveSec,
      resubscribe: true,
    };
    return new Promise<void>((resolve, reject) => {
      let client: MqttClient;
      try {
        client = mqtt.connect(o.url, clientOpts);
      } catch (err) {
        reject(new Error(`${this.name}: cannot connect to ${o.url}: ${errorMessage(err)}`));
        return;
      }
      this.client = client;
      let everConnected = false;
      let failedAttempts = 0;
      let lastError = 'no answer';
      let settled = false;
      const settle = (err?: Error) => {
        if (settled) return;
        settled = true;
        this.metrics?.connectionState(this.name, 'stopped');
        if (err) reject(err);
        else resolve();
      };
      this.finish = () => settle();
      const fail = (msg: string) => {
        void this.close();
        settle(new Error(`${this.name}: ${msg}`));
      };
      this.metrics?.connectionState(this.name, 'connecting');

      client.handleMessage = (packet: IPublishPacket, callback) => {
        let pending: Promise<void> | void;
        try {
          pending = this.onMessage(packet, decoder, keyField, out);
        } catch (err) {
          // A decoder bug must not wedge the connection; the message is counted as an error.
          this.metrics?.errors(this.name, 'source', 'handler_error', 1);
          pending = undefined;
          void err;
        }
        if (isPromise(pending)) pending.then(() => callback(), () => callback());
        else callback();
      };

      client.on('connect', () => {
        failedAttempts = 0;
        client.options.reconnectPeriod = o.reconnectPeriodMs;
        // Connected means receiving: on the first connect, only once the subscription is granted.
        if (everConnected) {
          this.metrics?.connectionState(this.name, 'connected');
          return; // mqtt.js resubscribes on reconnect
        }
        everConnected = true;
        const subs = Object.fromEntries(o.topics.map((t) => [t, { qos: o.qos }]));
        client.subscribeAsync(subs).then(
          (grants) => {
            const refused = grants.filter((g) => g.qos === 128 || (g.qos as number) > 2);
            if (refused.length > 0) fail(`broker ${o.url} refused subscription to ${refused.map((g) => g.topic).join(', ')}`);
            else this.metrics?.connectionState(this.name, 'connected');
          },
          (err) => fail(`subscribe to ${o.topics.join(', ')} on ${o.url} failed: ${errorMessage(err)}`),
        );
      });
      client.on('reconnect', () => {
        this.metrics?.reconnect(this.name);
        this.metrics?.connectionState(this.name, 'connecting');
        client.options.reconnectPeriod = Math.min(o.maxReconnectPeriodMs, (client.options.reconnectPeriod ?? 1000) * 2);
      });
      client.on('offline', () => {
        if (!this.stopping) this.metrics?.connectionState(this.name, 'disconnected');
      });
      client.on('error', (err: Error & { code?: unknown }) => {
        lastError = errorMessage(err);
        this.metrics?.errors(this.name, 'source', 'connection', 1);
        const code = typeof err.code === 'number' ? err.code : undefined;
        if (code !== undefined && ((code >= 1 && code <= 5) || code >= 128)) {
          fail(`broker ${o.url} refused the connection: ${lastError}`);
        }
      });
      client.on('close', () => {
        if (this.stopping || everConnected) return;
        failedAttempts++;
        if (failedAttempts >= o.maxConnectAttempts) {
          fail(`cannot reach MQTT broker ${o.url} after ${failedAttempts} attempts (${lastError})`);
        }
      });
    });
  }

  /** Decode one message and hand it to the engine; returns the emit's promise under `block`. */
  private onMessage(packet: IPublishPacket, decoder: EdgeDecoder, keyField: string, out: SourceOutput): Promise<void> | void {
    if (this.stopping) return undefined;
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    this.messages++;
    countBytes(this.name, payload.length, out, this.metrics);
    // A zero-length payload is how MQTT clears a retained message: not input, nothing to decode.
    if (payload.length === 0) return undefined;
    const level = this.options.keyFromTopicLevel;
    const key = level === undefined ? undefined : packet.topic.split('/')[level];
    decodeJsonPayload(decoder, payload.toString('utf8'), key, keyField);
    return deliver(this.name, out, this.metrics, decoder.drain());
  }

  /** Disconnect and make `run()` resolve. Idempotent. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.close();
    this.finish?.();
  }

  /** Messages handled so far. */
  position(): MqttPosition {
    return { messages: this.messages };
  }

  private closing?: Promise<void>;
  private close(): Promise<void> {
    const client = this.client;
    if (!client) return Promise.resolve();
    this.stopping = true;
    this.closing ??= (async () => {
      // Graceful DISCONNECT first; force-close if the broker does not answer in time.
      let timer: NodeJS.Timeout | undefined;
      const forced = new Promise<void>((r) => {
        timer = setTimeout(() => {
          client.end(true, () => r());
        }, 2000);
      });
      await Promise.race([client.endAsync(false).catch(() => undefined), forced]);
      clearTimeout(timer);
    })();
    return this.closing;
  }
}
