// The signalling socket against clients that misbehave below the protocol:
// binary and oversized floods, a client that never reads, unsolicited pongs.
// attachSignalling runs on a plain HTTP server with small limits; none of
// these frames reaches the dispatcher, so it is left out (the real server's
// limits are in connection-limits.test.ts).
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createLogger } from '../../server/log.js';
import type { Dispatcher } from '../../server/signalling/dispatcher.js';
import { attachSignalling, type SignallingOptions } from '../../server/signalling/ws-server.js';
import { waitFor } from '../helpers/server.js';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(options: Partial<SignallingOptions>) {
  const errors: string[] = [];
  const server = http.createServer();
  const dispatcher = { dispatch: async () => undefined } as unknown as Dispatcher;
  const signalling = attachSignalling(server, dispatcher, { maxMessageBytes: 1024, onError: (c) => errors.push(c), ...options }, createLogger('silent'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    signalling.close();
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return { port: (server.address() as net.AddressInfo).port, errors };
}

/** A WebSocket client written by hand: it sends what it likes and answers nothing. */
async function rawSocket(port: number): Promise<net.Socket> {
  const sock = net.connect(port, '127.0.0.1');
  cleanups.push(() => void sock.destroy());
  sock.write(
    'GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  await new Promise<void>((resolve, reject) => {
    let head = '';
    const onData = (d: Buffer) => {
      head += d.toString('latin1');
      if (head.includes('\r\n\r\n')) {
        sock.off('data', onData);
        expect(head).toMatch(/^HTTP\/1\.1 101/);
        resolve();
      }
    };
    sock.on('data', onData);
    sock.once('error', reject);
  });
  return sock;
}

const EMPTY_BINARY = Buffer.from([0x82, 0x80, 0, 0, 0, 0]); // FIN + binary, masked, no payload
const UNSOLICITED_PONG = Buffer.from([0x8a, 0x80, 0, 0, 0, 0]);

function openClient(port: number): Promise<{ ws: WebSocket; replies: any[]; closed: Promise<number> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  cleanups.push(() => ws.terminate());
  const replies: any[] = [];
  ws.on('message', (m) => replies.push(JSON.parse((m as Buffer).toString())));
  const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, replies, closed }));
    ws.once('error', reject);
  });
}

/** Send frames in bursts until the server closes the socket (bounded); how many were sent. */
async function floodUntilClosed(c: { ws: WebSocket }, send: () => void): Promise<number> {
  let sent = 0;
  while (c.ws.readyState === WebSocket.OPEN && sent < 5_000) {
    for (let i = 0; i < 50; i++, sent++) send();
    await new Promise((r) => setTimeout(r, 10));
  }
  return sent;
}

describe('frames below the protocol', () => {
  it('binary frames pay into the rate limit and the strike counter: a flood is closed (1008)', async () => {
    const { port } = await serve({ messagesPerSecond: 5, messageBurst: 5, abuseLimit: 10 });
    const c = await openClient(port);
    const sent = await floodUntilClosed(c, () => c.ws.send(Buffer.alloc(0), { binary: true }));
    expect(await c.closed).toBe(1008);
    const codes = c.replies.map((r) => r.error.code);
    expect(codes.slice(0, 5)).toEqual(Array(5).fill('bad_request'));
    expect(codes.slice(5)).toContain('rate_limited');
    expect(codes.length).toBeLessThan(sent);
  });

  it('oversized frames do too', async () => {
    const { port } = await serve({ messagesPerSecond: 5, messageBurst: 5, abuseLimit: 10 });
    const c = await openClient(port);
    await floodUntilClosed(c, () => c.ws.send('x'.repeat(2000)));
    expect(await c.closed).toBe(1008);
    const codes = c.replies.map((r) => r.error.code);
    expect(codes.slice(0, 5)).toEqual(Array(5).fill('too_large'));
    expect(codes.slice(5)).toContain('rate_limited');
  });

  it('drops a client that does not read its socket instead of queueing replies without bound', async () => {
    const { port, errors } = await serve({ messagesPerSecond: 10_000, messageBurst: 10_000, abuseLimit: 1_000_000, maxBufferedBytes: 64 * 1024 });
    const sock = await rawSocket(port);
    sock.pause(); // never read: the replies pile up in the kernel, then in aula
    const ended = new Promise<void>((r) => sock.once('close', () => r()));
    // Each 6-byte frame asks for a reply of about 90 bytes: tens of MB in all,
    // more than the kernel's socket buffers hold.
    const chunk = Buffer.concat(Array(10_000).fill(EMPTY_BINARY));
    for (let i = 0; i < 40 && !errors.includes('slow_reader'); i++) {
      if (!sock.write(chunk)) await new Promise((r) => sock.once('drain', r));
    }
    await waitFor(() => errors.includes('slow_reader'), 60_000, 'the slow reader dropped');
    sock.resume();
    await ended;
  }, 120_000);

  it('unsolicited pongs keep nothing alive: a socket that does not answer pings is dropped', async () => {
    // Heartbeats far enough apart that a busy machine still gets the good client's pong in.
    const { port } = await serve({ heartbeatMs: 5000, helloTimeoutSeconds: 300 });
    // A well-behaved client answers pings by itself (ws does) and stays.
    const good = await openClient(port);
    const sock = await rawSocket(port);
    sock.on('data', () => undefined); // reads, but never answers a ping
    const pongs = setInterval(() => sock.write(UNSOLICITED_PONG), 50);
    cleanups.push(() => clearInterval(pongs));
    await new Promise<void>((r) => sock.once('close', () => r()));
    expect(good.ws.readyState).toBe(WebSocket.OPEN);
  }, 60_000);
});
