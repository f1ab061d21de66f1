import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { WindowResult } from '../src-shared/types';
import { SLOW_CLIENT_CLOSE_CODE, WebSocketSink } from '../src-main/engine/sinks/websocket-sink';
import { windowResult } from './support/window-result';

const result = (i: number, pad = ''): WindowResult =>
  windowResult(`sensor-${i}${pad}`, i, { count: i, sum: i, avg: 1, min: 1, max: 1, emittedAt: 0 });

async function waitFor(cond: () => boolean, what: string, upperBoundMs = 15_000): Promise<void> {
  const deadline = Date.now() + upperBoundMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Client {
  ws: WebSocket;
  messages: Array<{ type: string; results: WindowResult[] }>;
  closeCode: number | null;
}

async function connect(url: string): Promise<Client> {
  const ws = new WebSocket(url);
  const c: Client = { ws, messages: [], closeCode: null };
  ws.on('message', (data) => c.messages.push(JSON.parse(String(data))));
  ws.on('close', (code) => {
    c.closeCode = code;
  });
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return c;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('WebSocketSink', { timeout: 60_000 }, () => {
  it('broadcasts each batch as one JSON message to every client', async () => {
    const sink = new WebSocketSink({ port: 0 });
    cleanups.push(() => sink.close());
    const { url } = await sink.ready();
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/results$/);
    const a = await connect(url);
    const b = await connect(url);
    cleanups.push(() => a.ws.terminate(), () => b.ws.terminate());
    await waitFor(() => sink.stats().clients === 2, 'two clients');
    await sink.write([result(1), result(2)]);
    await sink.write([]);
    await sink.write([result(3)]);
    await waitFor(() => a.messages.length === 2 && b.messages.length === 2, 'two messages each');
    for (const c of [a, b]) {
      expect(c.messages.map((m) => m.type)).toEqual(['results', 'results']);
      expect(c.messages.map((m) => m.results.map((r) => r.count))).toEqual([[1, 2], [3]]);
    }
    expect(sink.stats()).toMatchObject({ clients: 2, connections: 2, sentMessages: 4, broadcastResults: 3, droppedClients: 0 });
  });

  it('closes a client that stops reading (1013) while the fast client keeps receiving', async () => {
    const sink = new WebSocketSink({ port: 0, maxClientBufferedBytes: 64 * 1024 });
    cleanups.push(() => sink.close());
    const { url } = await sink.ready();
    const fast = await connect(url);
    const slow = await connect(url);
    cleanups.push(() => fast.ws.terminate(), () => slow.ws.terminate());
    await waitFor(() => sink.stats().clients === 2, 'two clients');
    // The slow client never reads again: its socket is paused.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();

    const pad = 'x'.repeat(1000);
    const batch = (i: number) => Array.from({ length: 40 }, (_, j) => result(i * 40 + j, pad)); // ~50 KB
    let sent = 0;
    for (; sent < 2000 && sink.stats().droppedClients === 0; sent++) {
      await sink.write(batch(sent));
      const want = sent + 1;
      await waitFor(() => fast.messages.length === want, `fast client message ${want}`);
    }
    expect(sink.stats().droppedClients).toBe(1);
    await waitFor(() => sink.stats().clients === 1, 'the slow client to be gone');

    for (let k = 0; k < 3; k++) await sink.write(batch(sent + k));
    await waitFor(() => fast.messages.length === sent + 3, 'fast client after the drop');
    expect(fast.ws.readyState).toBe(WebSocket.OPEN);
    expect(fast.messages.at(-1)!.results[0].count).toBe((sent + 2) * 40);
    expect(sink.stats()).toMatchObject({ clients: 1, droppedClients: 1 });
    expect(SLOW_CLIENT_CLOSE_CODE).toBe(1013);
  });

  it('a dropped client that still reads is told why: close code 1013', async () => {
    // The bound is tiny, so one message that ws cannot hand to the kernel at once exceeds it; the
    // close frame then queues right behind that message and the (reading) client receives it.
    const sink = new WebSocketSink({ port: 0, maxClientBufferedBytes: 1 });
    cleanups.push(() => sink.close());
    const { url } = await sink.ready();
    const c = await connect(url);
    cleanups.push(() => c.ws.terminate());
    await waitFor(() => sink.stats().clients === 1, 'one client');
    // Grow the message until ws must buffer it (the socket accepts small writes synchronously).
    let dropped = false;
    for (let size = 1; size <= 1 << 24 && !dropped; size *= 4) {
      await sink.write([result(size, 'y'.repeat(size))]);
      dropped = sink.stats().droppedClients === 1;
    }
    expect(dropped).toBe(true);
    await waitFor(() => c.closeCode !== null, 'the client to see the close');
    expect(c.closeCode).toBe(SLOW_CLIENT_CLOSE_CODE);
  });

  it('attaches to an existing http.Server and leaves it running on close()', async () => {
    const server = createServer((_req, res) => res.end('hello'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const sink = new WebSocketSink({ server, path: '/ws/results' });
    const { url } = await sink.ready();
    const port = (server.address() as AddressInfo).port;
    expect(url).toBe(`ws://127.0.0.1:${port}/ws/results`);
    const c = await connect(url);
    await waitFor(() => sink.stats().clients === 1, 'one client');
    await sink.write([result(7)]);
    await waitFor(() => c.messages.length === 1, 'a message');
    expect(c.messages[0].results[0].count).toBe(7);
    await sink.close();
    await waitFor(() => c.closeCode !== null, 'the client close');
    expect(c.closeCode).toBe(1001);
    expect(server.listening).toBe(true);
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(await res.text()).toBe('hello');
  });

  it('close() closes clients (1001) and the server', async () => {
    const sink = new WebSocketSink({ port: 0 });
    const { url } = await sink.ready();
    const c = await connect(url);
    await sink.close();
    expect(c.closeCode).toBe(1001);
    await expect(connect(url)).rejects.toThrow(/ECONNREFUSED/);
    await sink.write([result(1)]); // after close: a no-op, not a crash
  });

  it('ready() rejects when the port is taken', async () => {
    const first = new WebSocketSink({ port: 0 });
    cleanups.push(() => first.close());
    const port = Number(new URL((await first.ready()).url).port);
    const second = new WebSocketSink({ port });
    await expect(second.ready()).rejects.toThrow(/EADDRINUSE/);
    await second.close();
  });
});

describe('WebSocketSink epoch and sequence', { timeout: 60_000 }, () => {
  it('numbers results; after a recovery the repeats carry their old numbers in the next epoch', async () => {
    const first = new WebSocketSink({ port: 0 });
    cleanups.push(() => first.close());
    const a = await connect((await first.ready()).url);
    cleanups.push(() => a.ws.terminate());
    await waitFor(() => first.stats().clients === 1, 'a client');
    await first.write([result(1), result(2)]);
    const point = await first.commitPoint();
    await first.write([result(3)]); // after the checkpoint: sent again after the recovery
    await waitFor(() => a.messages.length === 2, 'two messages');
    expect(a.messages.map((m) => [(m as unknown as { epoch: number }).epoch, (m as unknown as { seq: number }).seq])).toEqual([[0, 0], [0, 2]]);

    const second = new WebSocketSink({ port: 0 });
    cleanups.push(() => second.close());
    await second.resumeFrom(point);
    const b = await connect((await second.ready()).url);
    cleanups.push(() => b.ws.terminate());
    await waitFor(() => second.stats().clients === 1, 'a client');
    await second.write([result(3), result(4)]);
    await waitFor(() => b.messages.length === 1, 'one message');
    expect(b.messages[0]).toMatchObject({ epoch: 1, seq: 2 });
  });
});
