/**
 * A small node:http server exposing the engine's metrics:
 * - `GET /metrics`: Prometheus text exposition (content type from the registry);
 * - `GET /metrics.json`: the `MetricsSnapshot` as JSON;
 * - `GET /healthz`: `{"status":"ok","uptimeMs":…}`;
 * - anything else: 404 JSON (405 for a wrong method on a known route).
 * `extraRoutes` is consulted first so other modules can add routes (for example `POST /ingest`).
 * Bound to loopback, it answers only requests whose Host header names a loopback address (403
 * otherwise), so a web page cannot reach it through DNS rebinding. Slow clients are cut off
 * (headers within {@link HEADERS_TIMEOUT_MS}, a whole request within {@link REQUEST_TIMEOUT_MS}).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostHeaderAllowed } from '../net/access';
import type { EngineMetrics } from './engine-metrics';

/** A client must send its request headers within this time, ms. */
export const HEADERS_TIMEOUT_MS = 10_000;
/** A client must send its whole request (headers and body) within this time, ms. */
export const REQUEST_TIMEOUT_MS = 120_000;
/** How often node checks held connections against those timeouts, ms (node's default is 30 s). */
export const CONNECTIONS_CHECK_MS = 1_000;

/** Options of {@link startMetricsServer}. */
export interface MetricsServerOptions {
  metrics: EngineMetrics;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** TCP port (default 9090; 0 = a random free port). */
  port?: number;
  /**
   * Called first for every request; return (or resolve) true when it handled the request (it must
   * then end the response). A throw or rejection becomes a 500 JSON response.
   */
  extraRoutes?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean | Promise<boolean>;
  /** Override of {@link HEADERS_TIMEOUT_MS} (tests). */
  headersTimeoutMs?: number;
}

/** A running metrics server. */
export interface MetricsServer {
  /** Base URL, for example `http://127.0.0.1:9090`. */
  url: string;
  /** The bound port (useful with port 0). */
  port: number;
  server: http.Server;
  /** Stop listening and close open connections. Idempotent. */
  close(): Promise<void>;
}

const KNOWN_ROUTES = new Set(['/metrics', '/metrics.json', '/healthz']);

/**
 * Start the metrics HTTP server.
 * @throws Error (rejects) when the port is taken, naming host:port and the `--metrics-port` flag,
 *   or on any other listen error.
 */
export async function startMetricsServer(opts: MetricsServerOptions): Promise<MetricsServer> {
  const host = opts.host ?? '127.0.0.1';
  const wantedPort = opts.port ?? 9090;
  const { metrics, extraRoutes } = opts;

  const headersTimeout = opts.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  const server = http.createServer(
    { headersTimeout, requestTimeout: Math.max(REQUEST_TIMEOUT_MS, headersTimeout), connectionsCheckingInterval: CONNECTIONS_CHECK_MS },
    (req, res) => {
      handle(req, res).catch((err: unknown) => {
        sendJson(res, 500, { error: 'internal_error', detail: err instanceof Error ? err.message : String(err) });
      });
    },
  );

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!hostHeaderAllowed(req, host)) {
      req.resume();
      sendJson(res, 403, { error: 'forbidden', detail: 'the Host header must name this loopback address (DNS rebinding)' });
      return;
    }
    if (extraRoutes && (await extraRoutes(req, res))) return;
    const path = (req.url ?? '/').split('?')[0];
    const method = req.method ?? 'GET';
    if (KNOWN_ROUTES.has(path) && method !== 'GET' && method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      sendJson(res, 405, { error: 'method_not_allowed', detail: `${method} ${path}: use GET` });
      return;
    }
    switch (path) {
      case '/metrics': {
        const text = await metrics.registry.metrics();
        send(res, 200, metrics.registry.contentType, text, method === 'HEAD');
        return;
      }
      case '/metrics.json':
        sendJson(res, 200, metrics.snapshot(), method === 'HEAD');
        return;
      case '/healthz':
        sendJson(res, 200, { status: 'ok', uptimeMs: metrics.uptimeMs() }, method === 'HEAD');
        return;
      default:
        sendJson(res, 404, { error: 'not_found', detail: `no route ${method} ${path}; try /metrics, /metrics.json, /healthz` });
    }
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') {
        reject(
          new Error(
            `metrics server: ${host}:${wantedPort} is already in use; choose another port with --metrics-port <port> (0 = random)`,
            { cause: err },
          ),
        );
      } else {
        reject(new Error(`metrics server: cannot listen on ${host}:${wantedPort}: ${err.message}`, { cause: err }));
      }
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(wantedPort, host);
  });

  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function send(res: http.ServerResponse, status: number, contentType: string, body: string, headOnly = false): void {
  res.statusCode = status;
  res.setHeader('content-type', contentType);
  res.setHeader('content-length', Buffer.byteLength(body));
  res.setHeader('cache-control', 'no-store');
  res.end(headOnly ? undefined : body);
}

function sendJson(res: http.ServerResponse, status: number, value: unknown, headOnly = false): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value), headOnly);
}
