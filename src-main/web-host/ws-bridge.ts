/**
 * Carries the app contract over one WebSocket: `{id, cmd}` → `{id, reply}`, `{id, getStatus:true}`
 * → `{id, status}`, and one `{frame}` per frame period. A `hello` with the protocol version and the
 * status is sent first. Frames are skipped (not queued) while the socket's send buffer is above
 * `maxBufferedBytes`, so a slow client costs bounded memory.
 */
import type { WebSocket } from 'ws';
import { PROTOCOL_VERSION, wsClientMessageSchema, type WsServerMessage } from '../../src-shared/contract';
import { errorMessage, type AppController } from '../app/app-controller';

/** Options of {@link bridgeSocket}. */
export interface BridgeOptions {
  /** Skip frames while more than this many bytes wait in the socket (default 1 MiB). */
  maxBufferedBytes?: number;
}

/** Attach `ws` to the controller until it closes. Invalid messages get `{id:-1 or id, reply:{ok:false}}`. */
export function bridgeSocket(ws: WebSocket, controller: AppController<any>, opts: BridgeOptions = {}): void {
  const maxBuffered = opts.maxBufferedBytes ?? 1024 * 1024;
  const send = (msg: WsServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  };
  try {
    send({ hello: { protocol: PROTOCOL_VERSION, status: controller.status() } });
  } catch (err) {
    ws.close(1011, errorMessage(err).slice(0, 120));
    return;
  }
  const unsubscribe = controller.subscribe({
    send: (frame) => send({ frame }),
    canSend: () => ws.readyState === ws.OPEN && ws.bufferedAmount <= maxBuffered,
  });
  ws.on('close', unsubscribe);
  ws.on('error', unsubscribe);
  ws.on('message', (data, isBinary) => {
    void handleMessage(isBinary ? null : data.toString());
  });

  async function handleMessage(text: string | null): Promise<void> {
    let raw: unknown;
    try {
      if (text === null) throw new Error('binary messages are not part of the protocol');
      raw = JSON.parse(text);
    } catch (err) {
      send({ id: -1, reply: { ok: false, error: `invalid message: ${errorMessage(err)}` } });
      return;
    }
    const msg = wsClientMessageSchema.safeParse(raw);
    if (!msg.success) {
      const id = raw && typeof raw === 'object' && Number.isInteger((raw as { id?: unknown }).id) ? (raw as { id: number }).id : -1;
      send({ id, reply: { ok: false, error: `invalid message: expected {id, cmd} or {id, getStatus: true}: ${errorMessage(msg.error)}` } });
      return;
    }
    if ('getStatus' in msg.data) {
      send({ id: msg.data.id, status: controller.status() });
      return;
    }
    const reply = await controller.command(msg.data.cmd);
    send({ id: msg.data.id, reply });
  }
}
