/**
 * The renderer's one door to the host: `window.streamscope` when the Electron preload defined it,
 * otherwise a WebSocket client of the web host (`/ws`) implementing the same `StreamscopeApi`.
 * The rest of the renderer cannot tell the two apart.
 */
import {
  WEB_PATHS,
  type AppStatus,
  type Command,
  type CommandReply,
  type ExportReply,
  type Frame,
  type StreamscopeApi,
  type WsServerMessage,
} from '../src-shared/contract';

declare global {
  interface Window {
    /** Defined by the Electron preload (contextBridge); absent in a browser. */
    streamscope?: StreamscopeApi;
  }
}

/** Time a request waits for its reply (including while reconnecting), ms. */
const REQUEST_TIMEOUT_MS = 15_000;
/** Reconnect backoff bounds, ms. */
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5_000;
/** Requests queued while disconnected, at most. */
const MAX_OUTBOX = 100;

let cached: StreamscopeApi | null = null;

/** The API of this window: the preload's in Electron, a (memoized) WebSocket client in a browser. */
export function getStreamscopeApi(): StreamscopeApi {
  if (cached) return cached;
  cached = window.streamscope ?? createWebSocketApi(window.location, window.sessionStorage);
  return cached;
}

/** Alias of {@link getStreamscopeApi}. */
export const getApi = getStreamscopeApi;

interface Pending {
  resolve: (msg: WsServerMessage) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Key under which the page keeps the web host's secret for this tab (survives a reload). */
const TOKEN_STORAGE_KEY = 'streamscope.token';

/**
 * The web host's secret: the `?token=` of the page URL (kept in `storage` for later loads of this
 * tab), else the one kept earlier; null when neither exists.
 */
export function pageToken(search: string, storage?: Pick<Storage, 'getItem' | 'setItem'>): string | null {
  const fromUrl = new URLSearchParams(search).get('token');
  try {
    if (fromUrl) storage?.setItem(TOKEN_STORAGE_KEY, fromUrl);
    return fromUrl ?? storage?.getItem(TOKEN_STORAGE_KEY) ?? null;
  } catch {
    return fromUrl; // storage disabled: the URL (and the host's cookie) still carry it
  }
}

/**
 * A `StreamscopeApi` over the web host's WebSocket. Reconnects with backoff; requests made while
 * disconnected wait (bounded) and fail with a clear error after 15 s. The host's secret (see
 * {@link pageToken}) is passed on to the socket and the export download.
 */
export function createWebSocketApi(
  location: Pick<Location, 'protocol' | 'host' | 'search'>,
  storage?: Pick<Storage, 'getItem' | 'setItem'>,
): StreamscopeApi {
  const token = pageToken(location.search, storage);
  const tokenQuery = token ? `?token=${encodeURIComponent(token)}` : '';
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WEB_PATHS.ws}${tokenQuery}`;
  const frameListeners = new Set<(frame: Frame) => void>();
  const pending = new Map<number, Pending>();
  const outbox: string[] = [];
  let nextId = 1;
  let socket: WebSocket | null = null;
  let backoff = RECONNECT_MIN_MS;
  let lastStatus: AppStatus | null = null;

  function connect(): void {
    const ws = new WebSocket(wsUrl);
    socket = ws;
    ws.onopen = () => {
      backoff = RECONNECT_MIN_MS;
      for (const text of outbox.splice(0)) ws.send(text);
    };
    ws.onmessage = (ev) => {
      let msg: WsServerMessage;
      try {
        msg = JSON.parse(String(ev.data)) as WsServerMessage;
      } catch {
        return;
      }
      if ('frame' in msg) {
        if (msg.frame.status) lastStatus = msg.frame.status;
        for (const cb of frameListeners) {
          try {
            cb(msg.frame);
          } catch (err) {
            console.error('streamscope: frame listener failed', err);
          }
        }
      } else if ('hello' in msg) {
        lastStatus = msg.hello.status;
      } else if ('id' in msg) {
        const p = pending.get(msg.id);
        if (p) {
          pending.delete(msg.id);
          clearTimeout(p.timer);
          p.resolve(msg);
        }
      }
    };
    ws.onclose = () => {
      socket = null;
      const delay = backoff;
      backoff = Math.min(backoff * 2, RECONNECT_MAX_MS);
      setTimeout(connect, delay);
    };
    ws.onerror = () => {
      /* onclose follows and reconnects */
    };
  }

  function request(body: Record<string, unknown>, onTimeout: WsServerMessage): Promise<WsServerMessage> {
    const id = nextId++;
    const text = JSON.stringify({ id, ...body });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve(onTimeout);
      }, REQUEST_TIMEOUT_MS);
      pending.set(id, { resolve, timer });
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(text);
      else if (outbox.length < MAX_OUTBOX) outbox.push(text);
      else {
        pending.delete(id);
        clearTimeout(timer);
        resolve({ id, reply: { ok: false, error: 'not connected to the Streamscope host (too many queued requests)' } });
      }
    });
  }

  connect();

  return {
    transport: 'web',
    async send(cmd: Command): Promise<CommandReply> {
      const msg = await request({ cmd }, { id: 0, reply: { ok: false, error: 'no reply from the Streamscope host within 15 s (is it running?)' } });
      return 'reply' in msg ? msg.reply : { ok: false, error: 'unexpected reply from the host' };
    },
    async getStatus(): Promise<AppStatus> {
      const msg = await request({ getStatus: true }, { id: 0, reply: { ok: false, error: 'timeout' } });
      if ('status' in msg) return msg.status;
      if (lastStatus) return lastStatus;
      throw new Error('no status from the Streamscope host within 15 s (is it running?)');
    },
    onFrame(cb: (frame: Frame) => void): () => void {
      frameListeners.add(cb);
      return () => {
        frameListeners.delete(cb);
      };
    },
    async exportOutput(): Promise<ExportReply> {
      let res: Response;
      try {
        res = await fetch(`${WEB_PATHS.export}${tokenQuery}`, { cache: 'no-store' });
      } catch (err) {
        return { ok: false, error: `export failed: ${(err as Error).message}` };
      }
      if (!res.ok) {
        const body = await res.text();
        let error = `export failed: HTTP ${res.status}`;
        try {
          error = (JSON.parse(body) as { error?: string }).error ?? error;
        } catch {
          /* keep the status line */
        }
        return { ok: false, error };
      }
      const blob = await res.blob();
      const header = Number(res.headers.get('X-Streamscope-Lines'));
      const lines = Number.isFinite(header) && res.headers.has('X-Streamscope-Lines') ? header : (await blob.text()).split('\n').length - 1;
      const href = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = href;
      a.download = 'output.jsonl';
      a.style.display = 'none';
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(href), 10_000);
      return { ok: true, fileName: 'output.jsonl', lines };
    },
  };
}
