/**
 * HTTP ingest source: `POST /ingest` with a body of NDJSON lines or a JSON array of events (or one
 * JSON object), parsed as it streams in: the body is never held whole.
 *
 * - Format: `Content-Type: application/x-ndjson` (or jsonl / text/plain) = NDJSON; otherwise the
 *   first non-space byte decides: `[` = JSON array, `{` with `application/json` = JSON value(s),
 *   anything else = NDJSON.
 * - All or nothing: events and dead letters are handed to the engine only once the whole body
 *   arrived within `maxBodyBytes`; a body over it is answered 413 with nothing accepted (also up
 *   front from Content-Length). A client may resend such a body, split, without duplicates.
 * - Limits: `maxRecordBytes` per record (the record is rejected as too_large, the rest of the body
 *   still counts); `maxConcurrentRequests` bodies decoded at once (429 beyond), so memory stays
 *   within about that many bodies' worth of events.
 * - Bad input is bounded: a record that is not valid UTF-8 is rejected as `invalid_utf8`; a
 *   request keeps at most `maxDeadLettersPerRequest` dead letters one by one (raw text cut at 1 KiB
 *   each), the rest are summarised as one dead letter per reason with their `count`.
 * - Auth: with `token` set, `Authorization: Bearer <token>` is required (401). Without a token only
 *   clients on a loopback connection are served (401 otherwise), so a server bound beyond loopback
 *   needs a token.
 * - Backpressure: under `block`, the answer waits until the engine took the body's events (the
 *   client is held). Under the drop policies, a request arriving while `isSaturated()` is true gets
 *   429 with `Retry-After`.
 * - Answer: 200 `{ accepted, rejected, reasons: { <reason>: n } }`; rejected records are also
 *   dead-lettered with their raw text.
 * Mount `handle(req, res)` on an existing server, or `listen({host, port})` for a standalone one.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { Source, SourceOutput } from '../component';
import type { DeadLetter, StreamEvent } from '../../../src-shared/types';
import { EdgeDecoder } from '../decode/decode';
import { CONNECTIONS_CHECK_MS, HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from '../metrics/metrics-server';
import { Utf8Validator } from '../decode/utf8-validator';
import { isLoopbackHost, tokenMatches } from '../net/access';
import { PartialFieldMappingSchema, type FieldMapping } from '../decode/field-mapping';
import { JsonValueSplitter, NdjsonBodySplitter, type BodySplitter, type SplitItem } from './http-body-splitter';
import { countBytes, deliver, errorMessage, isPromise, type SourceMetrics } from './live-source-support';

/** Options of {@link HttpIngestSource} (zod schema; sizes in bytes). */
export const httpIngestOptionsSchema = z
  .object({
    /** Request path served. */
    path: z.string().startsWith('/').default('/ingest'),
    /** Largest accepted body (413 beyond). Default 10 MiB. */
    maxBodyBytes: z.number().int().min(1).default(10 * 1024 * 1024),
    /** Largest accepted record (line or array element); larger ones are rejected as too_large. */
    maxRecordBytes: z.number().int().min(1).default(1024 * 1024),
    /** Bearer token; required by clients when set. Without it, only loopback clients are served. */
    token: z.string().min(8, { error: 'token: at least 8 characters' }).optional(),
    /** Seconds sent in Retry-After with a 429. */
    retryAfterSec: z.number().int().min(1).default(1),
    /** Bodies decoded at the same time; more get 429 (each holds up to maxBodyBytes worth of events). */
    maxConcurrentRequests: z.number().int().min(1).default(4),
    /** Dead letters one request keeps one by one; the rest are summarised per reason (with `count`). */
    maxDeadLettersPerRequest: z.number().int().min(0).default(100),
    mapping: PartialFieldMappingSchema.optional(),
  })
  .strict();

/** Options as accepted (defaults optional). */
export type HttpIngestOptionsInput = z.input<typeof httpIngestOptionsSchema>;
/** Options after validation. */
export type HttpIngestOptions = z.output<typeof httpIngestOptionsSchema>;

/** Runtime dependencies (not part of the config). */
export interface HttpIngestDeps {
  metrics?: SourceMetrics;
  now?: () => number;
  name?: string;
  /** True while the ingress queue is full under a drop policy: new requests get 429. */
  isSaturated?: () => boolean;
}

/** The JSON answer of one ingest request. */
export interface IngestResponse {
  accepted: number;
  rejected: number;
  reasons: Record<string, number>;
}

const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines', 'application/json-lines', 'text/plain'];

/** `POST /ingest` endpoint implementing {@link Source}. See the module comment. */
export class HttpIngestSource implements Source {
  readonly name: string;
  readonly options: HttpIngestOptions;
  private readonly deps: HttpIngestDeps;
  private out?: SourceOutput;
  private stopping = false;
  private finish?: () => void;
  private server?: Server;
  private requests = 0;
  private active = 0;

  /** @throws Error (zod message) when the options are invalid. */
  constructor(options: HttpIngestOptionsInput = {}, deps: HttpIngestDeps = {}) {
    this.options = httpIngestOptionsSchema.parse(options);
    this.deps = deps;
    this.name = deps.name ?? 'http';
    // Fail now on a bad mapping rather than on the first request.
    new EdgeDecoder(this.name, this.options.mapping as Partial<FieldMapping> | undefined);
  }

  /**
   * Throw when serving on `host` would expose the endpoint beyond loopback without a token.
   * @throws Error naming the host and the fix.
   */
  checkBind(host: string): void {
    if (!this.options.token && !isLoopbackHost(host)) {
      throw new Error(`http ingest: bound to ${host} (beyond loopback) without a token; set source.token`);
    }
  }

  /** Accept requests and deliver to `out` until `stop()`. */
  run(out: SourceOutput): Promise<void> {
    if (this.out) return Promise.reject(new Error(`${this.name}: run() called twice`));
    if (this.stopping) return Promise.resolve();
    this.out = out;
    this.deps.metrics?.connectionState(this.name, 'connected');
    return new Promise<void>((resolve) => (this.finish = resolve));
  }

  /** Stop accepting (new requests get 503), close the standalone server if any. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const server = this.server;
    if (server) {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeIdleConnections();
      });
    }
    this.deps.metrics?.connectionState(this.name, 'stopped');
    this.finish?.();
  }

  /** Requests handled so far. */
  position(): { requests: number } {
    return { requests: this.requests };
  }

  /**
   * Standalone server on `host:port` (port 0 = random) serving only the ingest path.
   * @throws Error when the host is beyond loopback without a token, or the port cannot be bound.
   */
  async listen(opts: { host?: string; port?: number } = {}): Promise<{ url: string; port: number }> {
    const host = opts.host ?? '127.0.0.1';
    this.checkBind(host);
    const server = createServer({ headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: CONNECTIONS_CHECK_MS }, (req, res) => {
      this.handle(req, res).then(
        (handled) => {
          if (!handled) sendJson(res, 404, { error: `not found; POST ${this.options.path}` });
        },
        (err) => {
          if (!res.headersSent) sendJson(res, 500, { error: errorMessage(err) });
          else res.destroy();
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, host, () => resolve());
    });
    this.server = server;
    const port = (server.address() as AddressInfo).port;
    const h = host.includes(':') ? `[${host}]` : host;
    return { url: `http://${h}:${port}${this.options.path}`, port };
  }

  /**
   * Serve one request if it is for the ingest path: returns false (untouched) otherwise, true once
   * the response was sent. Never rejects for bad input (that is a 4xx answer).
   */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== this.options.path) return false;
    this.requests++;
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      sendJson(res, 405, { error: `use POST ${this.options.path}` });
      return true;
    }
    if (req.headers.origin !== undefined && this.options.token === undefined) {
      // Browsers send Origin on every POST: without a token, a web page (or a DNS-rebinding
      // attack on the loopback port) could otherwise inject events. Ingest clients send none.
      sendJson(res, 403, { error: 'requests from browsers (with an Origin header) need the bearer token option' });
      req.resume();
      return true;
    }
    const denied = this.authorize(req);
    if (denied) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      sendJson(res, 401, { error: denied });
      req.resume();
      return true;
    }
    const out = this.out;
    if (!out || this.stopping) {
      sendJson(res, 503, { error: 'ingest source is not running' });
      req.resume();
      return true;
    }
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity') {
      sendJson(res, 415, { error: `Content-Encoding ${encoding} is not supported; send the body uncompressed` });
      req.resume();
      return true;
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.options.maxBodyBytes) {
      this.tooLarge(res, req, { accepted: 0, rejected: 0, reasons: {} });
      return true;
    }
    if (this.deps.isSaturated?.() || this.active >= this.options.maxConcurrentRequests) {
      res.setHeader('Retry-After', String(this.options.retryAfterSec));
      sendJson(res, 429, { error: 'ingress queue is full, retry later' });
      req.resume();
      return true;
    }
    this.active++;
    try {
      await this.ingest(req, res, out);
    } finally {
      this.active--;
    }
    return true;
  }

  private authorize(req: IncomingMessage): string | undefined {
    const token = this.options.token;
    if (!token) {
      return isLoopbackHost(req.socket.localAddress) && isLoopbackHost(req.socket.remoteAddress)
        ? undefined
        : 'this ingest endpoint is reachable beyond loopback: configure a token and send Authorization: Bearer <token>';
    }
    const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return 'missing Authorization: Bearer <token>';
    return tokenMatches(token, m[1].trim()) ? undefined : 'invalid bearer token';
  }

  /**
   * Decode the whole body (streaming, never holding its bytes), then hand its events and dead
   * letters to the engine at once: nothing of a body over the limit, or of one the client
   * abandoned, is accepted. Answers with the counts.
   */
  private async ingest(req: IncomingMessage, res: ServerResponse, out: SourceOutput): Promise<void> {
    const o = this.options;
    const decoder = new EdgeDecoder(this.name, o.mapping as Partial<FieldMapping> | undefined, this.deps.now);
    const utf8 = new Utf8Validator();
    const kept = new RequestDeadLetters(o.maxDeadLettersPerRequest);
    const events: StreamEvent[] = [];
    const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    let splitter: BodySplitter | undefined = NDJSON_TYPES.includes(contentType) ? new NdjsonBodySplitter(o.maxRecordBytes) : undefined;
    let total = 0;

    const take = (items: SplitItem[]) => {
      for (const it of items) {
        if (it.kind === 'record') {
          // A U+FFFD in a body with invalid bytes stands for them: the record is not what was sent.
          if (utf8.invalid && it.text.includes('\uFFFD')) decoder.reject(it.text, 'invalid_utf8', 'the record is not valid UTF-8 (invalid bytes shown as U+FFFD)');
          else decoder.line(it.text);
        } else if (it.kind === 'too_large') decoder.reject(it.prefix, 'too_large', `record of ${it.bytes} bytes exceeds maxRecordBytes ${o.maxRecordBytes}`);
        else decoder.reject(it.raw, 'invalid_json', it.detail);
      }
      const batch = decoder.drain();
      for (const e of batch.events) events.push(e);
      kept.add(batch.rejects);
    };

    try {
      // destroyOnReturn false: leaving the loop on 413 must not kill the socket before the answer is out.
      for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
        total += chunk.length;
        countBytes(this.name, chunk.length, out, this.deps.metrics);
        if (total > o.maxBodyBytes) {
          this.tooLarge(res, req, { accepted: 0, rejected: 0, reasons: {} });
          return;
        }
        utf8.push(chunk);
        splitter ??= pickSplitter(chunk, contentType, o.maxRecordBytes);
        if (!splitter) continue; // only whitespace so far
        take(splitter.push(chunk));
      }
      utf8.end();
      if (splitter) take(splitter.end());
    } catch (err) {
      // The client went away mid-body: nothing of it was handed over.
      this.deps.metrics?.errors(this.name, 'source', 'request_aborted', 1);
      if (!res.headersSent) sendJson(res, 400, { error: `request body failed: ${errorMessage(err)}`, accepted: 0, rejected: 0, reasons: {} });
      return;
    }
    const rejects = kept.take();
    const counts: IngestResponse = { accepted: events.length, rejected: 0, reasons: {} };
    for (const r of rejects) {
      const n = r.count ?? 1;
      counts.rejected += n;
      counts.reasons[r.reason] = (counts.reasons[r.reason] ?? 0) + n;
    }
    deliver(this.name, out, this.deps.metrics, { events: [], rejects });
    for (let i = 0; i < events.length; i += EMIT_BATCH) {
      const p = deliver(this.name, out, this.deps.metrics, { events: events.slice(i, i + EMIT_BATCH), rejects: [] });
      if (isPromise(p)) await p; // under `block`: the answer waits until the engine took the body
    }
    sendJson(res, 200, counts);
  }

  private tooLarge(res: ServerResponse, req: IncomingMessage, counts: IngestResponse): void {
    this.deps.metrics?.errors(this.name, 'source', 'body_too_large', 1);
    res.setHeader('Connection', 'close');
    sendJson(res, 413, { error: `body exceeds maxBodyBytes ${this.options.maxBodyBytes}`, ...counts });
    // Stop reading: close the connection once the answer is out.
    res.on('finish', () => req.destroy());
  }
}

/** Events handed to the engine per emit when a body is delivered. */
const EMIT_BATCH = 4096;

/**
 * The dead letters of one request: the first `max` kept one by one, the rest summarised as one
 * dead letter per reason (the first such record's raw text, `count` = how many it stands for).
 */
class RequestDeadLetters {
  private readonly each: DeadLetter[] = [];
  private readonly summary = new Map<string, DeadLetter>();
  constructor(private readonly max: number) {}

  add(rejects: readonly DeadLetter[]): void {
    for (const r of rejects) {
      if (this.each.length < this.max) {
        this.each.push(r);
        continue;
      }
      const s = this.summary.get(r.reason);
      if (s) s.count = (s.count ?? 1) + 1;
      else this.summary.set(r.reason, { ...r, count: 1 });
    }
  }

  /** Everything to dead-letter: the kept ones, then one summary per reason with its count. */
  take(): DeadLetter[] {
    const summaries = [...this.summary.values()].map((s) => ({
      ...s,
      detail: `${s.count} records of this request rejected for ${s.reason}, not kept one by one (the first: ${s.detail})`,
    }));
    return [...this.each, ...summaries];
  }
}

/** Choose the splitter from the first non-space byte (whitespace-only chunk → undefined). */
function pickSplitter(chunk: Buffer, contentType: string, maxRecordBytes: number): BodySplitter | undefined {
  for (const b of chunk) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    if (b === 0x5b) return new JsonValueSplitter('array', maxRecordBytes);
    if (b === 0x7b && contentType === 'application/json') return new JsonValueSplitter('values', maxRecordBytes);
    return new NdjsonBodySplitter(maxRecordBytes);
  }
  return undefined;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
