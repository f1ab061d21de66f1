/**
 * The WebSocket sink: a `ws` server broadcasting each result batch as one JSON text message
 * `{"type":"results","epoch":E,"seq":S,"results":[...]}`. Slow clients are closed (1013), never waited for.
 * With `token`, a client must present it (Bearer header, `?token=` or the web host's cookie: 401
 * otherwise); with `allowedOrigins`, a browser client (one sending Origin) must come from one of
 * them (403 otherwise). The app sets both; the CLI leaves them to the user.
 *
 * `seq` numbers results: the message's first result is the run's result number `seq` (from 0), the
 * next ones follow. With checkpoints the numbering is part of the checkpoint, and `epoch` counts the
 * recoveries: after one, results since the checkpoint are sent again under the same numbers, so a
 * client drops every result whose number it has seen (`seq + i <= highest seen`).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import type { WindowResult } from '../../../src-shared/types';
import type { Sink } from '../component';
import { presentedToken, tokenMatches } from '../net/access';

/** Serialisable options of the WebSocket sink. */
export const webSocketSinkOptionsSchema = z
  .object({
    /** Metrics name of the sink; default "websocket". */
    name: z.string().min(1).optional(),
    /** Interface to listen on (ignored with `server`). */
    host: z.string().min(1).default('127.0.0.1'),
    /** TCP port; 0 = a random free port (see `ready()`). Ignored with `server`. */
    port: z.number().int().min(0).max(65_535).default(8081),
    /** URL path clients connect to. */
    path: z.string().startsWith('/').default('/results'),
    /** A client whose unsent data exceeds this many bytes is closed with 1013. */
    maxClientBufferedBytes: z.number().int().min(1).default(1_048_576),
    /** Secret every client must present (see the module comment); none = open to whoever reaches the port. */
    token: z.string().min(1).optional(),
    /** Origins a browser client may come from (exact `scheme://host:port`); absent = any, [] = none. */
    allowedOrigins: z.array(z.string()).optional(),
  })
  .strict();

/** The `sinks[]` entry of a pipeline config for the WebSocket sink. */
export const webSocketSinkConfigSchema = webSocketSinkOptionsSchema.extend({ type: z.literal('websocket') }).strict();

/**
 * Options of {@link WebSocketSink}. With `server`, the sink answers upgrades for `path` on that
 * existing http.Server (leaving other paths to other listeners) and never closes the server itself.
 */
export type WebSocketSinkOptions = z.input<typeof webSocketSinkOptionsSchema> & { server?: Server };

/** Counters of a {@link WebSocketSink}. */
export interface WebSocketSinkStats {
  /** Clients connected right now. */
  clients: number;
  /** Connections accepted since start. */
  connections: number;
  /** Clients closed with 1013 because they did not keep up. */
  droppedClients: number;
  /** Messages handed to clients (one per client per batch). */
  sentMessages: number;
  /** Results broadcast (each counted once, however many clients). */
  broadcastResults: number;
}

/** Close code "Try Again Later", used for clients that do not keep up. */
export const SLOW_CLIENT_CLOSE_CODE = 1013;
/** How long (ms) a closed client gets to finish the close handshake before its socket is destroyed. */
const CLOSE_GRACE_MS = 1000;

/**
 * Broadcasts result batches to every connected client. `write()` never waits for clients: after
 * each send, a client whose `bufferedAmount` exceeds `maxClientBufferedBytes` is closed with code
 * 1013 and counted. `ready()` resolves with the URL once listening (rejects if listening failed,
 * for example EADDRINUSE). Throws (constructor) a ZodError on invalid options.
 */
export class WebSocketSink implements Sink {
  readonly name: string;
  private readonly opts: z.output<typeof webSocketSinkOptionsSchema>;
  private readonly wss: WebSocketServer;
  private readonly server: Server | undefined;
  private readonly readyPromise: Promise<{ url: string }>;
  private readonly onUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  private closing: Promise<void> | null = null;
  private readonly counters = { connections: 0, droppedClients: 0, sentMessages: 0, broadcastResults: 0 };
  /** Recoveries so far (0 in a fresh run) and the number of the next result (see the module comment). */
  private epoch = 0;
  private seq = 0;

  constructor(options: WebSocketSinkOptions = {}) {
    const { server, ...rest } = options;
    this.opts = webSocketSinkOptionsSchema.parse(rest);
    this.name = this.opts.name ?? 'websocket';
    this.server = server;

    const verifyClient = (info: { req: IncomingMessage }, done: (ok: boolean, code?: number, message?: string) => void): void => {
      const refusal = this.refusal(info.req);
      if (refusal) done(false, refusal[0], refusal[1]);
      else done(true);
    };
    if (server) {
      this.wss = new WebSocketServer({ noServer: true, verifyClient });
      const path = this.opts.path;
      this.onUpgrade = (req, socket, head) => {
        if (pathOf(req) !== path) return;
        this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
      };
      server.on('upgrade', this.onUpgrade);
      this.readyPromise = whenListening(server).then(() => ({ url: urlOf(server.address(), path) }));
    } else {
      this.wss = new WebSocketServer({ host: this.opts.host, port: this.opts.port, path: this.opts.path, verifyClient });
      this.readyPromise = new Promise((resolve, reject) => {
        this.wss.once('listening', () => resolve({ url: urlOf(this.wss.address(), this.opts.path) }));
        this.wss.once('error', (err) =>
          reject(new Error(`websocket sink: cannot listen on ${this.opts.host}:${this.opts.port}: ${err.message}`, { cause: err })),
        );
      });
    }
    // Keep an unobserved ready() failure from becoming an unhandled rejection; callers still see it.
    this.readyPromise.catch(() => {});
    this.wss.on('error', () => {});
    this.wss.on('connection', (ws) => {
      this.counters.connections += 1;
      // A client's protocol or socket error must not crash the engine; ws closes the socket itself.
      ws.on('error', () => {});
    });
  }

  /** Why an upgrade is refused ([status, reason]), or null when the client may connect. */
  private refusal(req: IncomingMessage): [number, string] | null {
    const origin = req.headers.origin;
    const allowed = this.opts.allowedOrigins;
    if (origin !== undefined && allowed !== undefined && !allowed.includes(origin)) return [403, 'Forbidden'];
    const token = this.opts.token;
    if (token !== undefined && !tokenMatches(token, presentedToken(req, new URL(req.url ?? '/', 'http://sink.invalid')))) {
      return [401, 'Unauthorized'];
    }
    return null;
  }

  /** Resolves with `ws://host:port/path` once the server listens. */
  ready(): Promise<{ url: string }> {
    return this.readyPromise;
  }

  /** Counters since construction. */
  stats(): WebSocketSinkStats {
    return { ...this.counters, clients: this.openClients().length };
  }

  /** Broadcast one message per batch; never waits for clients. */
  async write(results: WindowResult[]): Promise<void> {
    if (results.length === 0 || this.closing) return;
    const message = JSON.stringify({ type: 'results', epoch: this.epoch, seq: this.seq, results });
    this.seq += results.length;
    this.counters.broadcastResults += results.length;
    for (const ws of this.openClients()) {
      ws.send(message);
      this.counters.sentMessages += 1;
      if (ws.bufferedAmount > this.opts.maxClientBufferedBytes) this.dropSlowClient(ws);
    }
  }

  /** Checkpoints: the numbering to continue from after a recovery. */
  async commitPoint(): Promise<{ epoch: number; seq: number }> {
    return { epoch: this.epoch, seq: this.seq };
  }

  /** Recovery: results since the checkpoint get their old numbers again, in the next epoch. */
  async resumeFrom(point: unknown): Promise<void> {
    const p = point as { epoch: number; seq: number };
    this.epoch = p.epoch + 1;
    this.seq = p.seq;
  }

  /** Close every client (1001) and the server; an attached http.Server is left running. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = (async () => {
      if (this.server && this.onUpgrade) this.server.off('upgrade', this.onUpgrade);
      const clients = [...this.wss.clients];
      for (const ws of clients) closeWithGrace(ws, 1001, 'server shutting down');
      await Promise.all(clients.map((ws) => whenClosed(ws)));
      await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    })();
    return this.closing;
  }

  private openClients(): WebSocket[] {
    return [...this.wss.clients].filter((ws) => ws.readyState === WebSocket.OPEN);
  }

  private dropSlowClient(ws: WebSocket): void {
    this.counters.droppedClients += 1;
    closeWithGrace(ws, SLOW_CLIENT_CLOSE_CODE, 'client too slow');
  }
}

/** Send a close frame; destroy the socket if the handshake is not done within CLOSE_GRACE_MS. */
function closeWithGrace(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState === WebSocket.CLOSED) return;
  if (ws.readyState !== WebSocket.CLOSING) ws.close(code, reason);
  const timer = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
  timer.unref();
  ws.once('close', () => clearTimeout(timer));
}

function whenClosed(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => ws.once('close', () => resolve()));
}

function whenListening(server: Server): Promise<void> {
  if (server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function urlOf(address: AddressInfo | string | null, path: string): string {
  if (!address || typeof address === 'string') return `ws+unix://${address ?? ''}:${path}`;
  let host = address.address;
  if (host === '::' || host === '0.0.0.0') host = 'localhost';
  if (host.includes(':')) host = `[${host}]`;
  return `ws://${host}:${address.port}${path}`;
}
