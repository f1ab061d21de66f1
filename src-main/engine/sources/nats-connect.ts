/**
 * Connecting to NATS for a source: a bounded number of first-connection attempts with exponential
 * backoff (then a clear error naming the servers), unlimited reconnects afterwards (handled by the
 * client), and connection state / reconnects reported to the engine metrics.
 */
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { errorMessage, type SourceMetrics } from './live-source-support';
import { realSleep as sleep } from './pacing';

/** How to reach the servers. Durations in ms. */
export interface NatsConnectOptions {
  servers: string[];
  /** First-connection attempts before giving up. */
  maxConnectAttempts: number;
  /** Delay before the 2nd attempt, doubled each time (capped at 30 s); also the client's reconnect wait. */
  reconnectTimeWaitMs: number;
  /** Timeout of one connection attempt. */
  connectTimeoutMs: number;
  token?: string;
  user?: string;
  pass?: string;
}

/**
 * Connect, retrying the first connection. Resolves with a connection that reconnects forever.
 * @throws Error "cannot reach NATS server(s) … after N attempts (last error)" or an auth error at once.
 */
export async function connectNats(
  name: string,
  o: NatsConnectOptions,
  metrics: SourceMetrics | undefined,
  signal: AbortSignal,
): Promise<NatsConnection> {
  let delay = o.reconnectTimeWaitMs;
  let lastError = '';
  metrics?.connectionState(name, 'connecting');
  for (let attempt = 1; attempt <= o.maxConnectAttempts; attempt++) {
    if (signal.aborted) throw new Error(`${name}: stopped before connecting`);
    try {
      const nc = await connect({
        servers: o.servers,
        timeout: o.connectTimeoutMs,
        maxReconnectAttempts: -1,
        reconnectTimeWait: o.reconnectTimeWaitMs,
        token: o.token,
        user: o.user,
        pass: o.pass,
        name: `streamscope-${name}`,
      });
      metrics?.connectionState(name, 'connected');
      watchStatus(name, nc, metrics);
      return nc;
    } catch (err) {
      lastError = errorMessage(err);
      metrics?.errors(name, 'source', 'connection', 1);
      if (/auth|permission/i.test(lastError)) {
        throw new Error(`${name}: NATS server(s) ${o.servers.join(', ')} refused the connection: ${lastError}`);
      }
      if (attempt < o.maxConnectAttempts) {
        metrics?.reconnect(name);
        await sleep(delay, signal);
        delay = Math.min(delay * 2, 30_000);
      }
    }
  }
  throw new Error(
    `${name}: cannot reach NATS server(s) ${o.servers.join(', ')} after ${o.maxConnectAttempts} attempts (${lastError})`,
  );
}

/** Mirror the client's status stream into connection-state metrics and reconnect counts. */
function watchStatus(name: string, nc: NatsConnection, metrics: SourceMetrics | undefined): void {
  if (!metrics) return;
  void (async () => {
    for await (const s of nc.status()) {
      switch (s.type) {
        case 'disconnect':
          metrics.connectionState(name, 'disconnected');
          break;
        case 'reconnecting':
          metrics.connectionState(name, 'connecting');
          break;
        case 'reconnect':
          metrics.reconnect(name);
          metrics.connectionState(name, 'connected');
          break;
        case 'error':
          metrics.errors(name, 'source', 'connection', 1);
          break;
        default:
          break;
      }
    }
  })().catch(() => undefined);
}
