/**
 * The web host: the built renderer over HTTP, the app contract over WebSocket (`/ws`), and the
 * export download (`GET /export/output.jsonl`), all on one node:http server. Loopback only unless
 * `allowRemote` is given. It always has a secret (the user's token or a generated one, printed in
 * the start URL): `/ws`, export and every request other than GET/HEAD need it, also on loopback;
 * beyond loopback every request but `/healthz` needs it (see access-policy.ts).
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { WEB_PATHS } from '../../src-shared/contract';
import { errorMessage, type AppController } from '../app/app-controller';
import { openSnapshot } from '../app/output-snapshot';
import { TOKEN_COOKIE, hostHeaderAllowed, isLoopbackHost, originIsSelf, presentedToken, tokenMatches } from '../engine/net/access';
import { CONNECTIONS_CHECK_MS, HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from '../engine/metrics/metrics-server';
import { checkBindPolicy } from './access-policy';
import { serveStatic } from './static-files';
import { bridgeSocket } from './ws-bridge';
import { RENDERER_CSP } from '../app/csp';

/** Options of {@link startWebHost}. */
export interface WebHostOptions {
  controller: AppController<any>;
  /** Directory of the built renderer (index.html + assets). */
  rendererDir: string;
  /** Bind address; default 127.0.0.1. */
  host?: string;
  /** TCP port; default 7070; 0 = any free port. */
  port?: number;
  /** Required (with `token`) to bind to a non-loopback address. */
  allowRemote?: boolean;
  /** The secret requests must present; default: one generated per launch (see {@link WebHost.token}). */
  token?: string;
}

/** A running web host. */
export interface WebHost {
  /** `http://host:port/?token=…`: the URL to open. */
  url: string;
  port: number;
  /** The secret in force (given or generated). */
  token: string;
  server: Server;
  /** Close sockets and the server (the controller is the caller's to close). */
  close(): Promise<void>;
}


/** Every path under it is an export and needs the secret. */
const EXPORT_PREFIX = '/export/';

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': RENDERER_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Start listening. Throws when the bind policy refuses the host (non-loopback without
 * `allowRemote` + token) or the port cannot be bound (EADDRINUSE, EACCES).
 */
export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const host = opts.host ?? '127.0.0.1';
  const token = checkBindPolicy(host, opts.allowRemote ?? false, opts.token || undefined);
  const remote = !isLoopbackHost(host);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  wss.on('connection', (ws) => bridgeSocket(ws, opts.controller));

  /** True when the request needs the secret: the control channel, export, any state change, anything remote. */
  const needsToken = (req: IncomingMessage, url: URL): boolean =>
    url.pathname === WEB_PATHS.ws ||
    url.pathname.startsWith(EXPORT_PREFIX) ||
    (req.method !== 'GET' && req.method !== 'HEAD') ||
    (remote && url.pathname !== '/healthz');

  /** null when allowed; otherwise the status and reason to refuse with. */
  const refuse = (req: IncomingMessage, url: URL): [number, string] | null => {
    if (!hostHeaderAllowed(req, host)) return [403, 'forbidden: Host header is not this loopback host'];
    if (needsToken(req, url) && !tokenMatches(token, presentedToken(req, url))) return [401, 'unauthorized: missing or wrong token'];
    return null;
  };

  const server = createServer({ headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: CONNECTIONS_CHECK_MS }, (req, res) => {
    void handleHttp(req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`internal error: ${errorMessage(err)}\n`);
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://host.invalid');
    const refused = refuse(req, url);
    if (refused) {
      res.writeHead(refused[0], { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...(refused[0] === 401 ? { 'WWW-Authenticate': 'Bearer' } : {}) });
      res.end(refused[1] + '\n');
      return;
    }
    const headers: Record<string, string> = { ...SECURITY_HEADERS };
    if (tokenMatches(token, url.searchParams.get('token') ?? undefined)) {
      headers['Set-Cookie'] = `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('method not allowed\n');
      return;
    }
    if (url.pathname === WEB_PATHS.export) return sendExport(req, res, headers);
    if (url.pathname === WEB_PATHS.whatIfExport) return sendWhatIfExport(req, res, headers);
    if (url.pathname === '/healthz') {
      res.writeHead(200, { ...headers, 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ ok: true, state: opts.controller.status().state }));
      return;
    }
    if (url.pathname === '/favicon.ico' && !existsSync(join(opts.rendererDir, 'favicon.ico'))) {
      res.writeHead(204, headers);
      res.end();
      return;
    }
    await serveStatic(req, res, opts.rendererDir, url.pathname, headers);
  }

  async function sendExport(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): Promise<void> {
    let snap;
    try {
      snap = await opts.controller.exportSnapshot();
    } catch (err) {
      res.writeHead(404, { ...headers, 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ ok: false, error: errorMessage(err) }));
      return;
    }
    res.writeHead(200, {
      ...headers,
      'Content-Type': 'application/x-ndjson; charset=utf-8',
      'Content-Disposition': 'attachment; filename="output.jsonl"',
      'Content-Length': String(snap.bytes),
      'Cache-Control': 'no-store',
      'X-Streamscope-Lines': String(snap.lines),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = openSnapshot(snap);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  /** The last what-if's results as JSON Lines, replayed again from the history as they are sent. */
  async function sendWhatIfExport(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): Promise<void> {
    const head = (): void => {
      if (res.headersSent) return;
      res.writeHead(200, {
        ...headers,
        'Content-Type': 'application/x-ndjson; charset=utf-8',
        'Content-Disposition': 'attachment; filename="whatif.jsonl"',
        'Cache-Control': 'no-store',
      });
    };
    if (req.method === 'HEAD') {
      head();
      res.end();
      return;
    }
    try {
      await opts.controller.exportWhatIf(async (chunk) => {
        head();
        if (res.destroyed) throw new Error('client went away');
        if (!res.write(chunk)) await new Promise((r) => (res.once('drain', r), res.once('close', r)));
      });
      head();
      res.end();
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(404, { ...headers, 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ ok: false, error: errorMessage(err) }));
    }
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://host.invalid');
    const reject = (code: number, reason: string): void => {
      socket.end(`HTTP/1.1 ${code} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${reason}\n`);
    };
    if (url.pathname !== WEB_PATHS.ws) return reject(404, 'Not Found');
    const refused = refuse(req, url);
    if (refused) return reject(refused[0], refused[0] === 401 ? 'Unauthorized' : 'Forbidden');
    if (!originIsSelf(req)) return reject(403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 7070, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}/?token=${encodeURIComponent(token)}`;

  return {
    url,
    port,
    token,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
