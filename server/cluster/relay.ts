// Any node accepts a browser's /ws?room=<id>; a node that is not the room's
// home relays the connection to the home's internal listener byte for byte
// (HTTP upgrade included). Nothing is parsed on the way, so close frames, and
// so close codes, arrive as sent; a side that vanishes is passed on as a
// vanished connection (1006 at the other end), which is what resume needs.
// Media never takes this path: ICE goes straight to the home node.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Logger } from '../log.js';
import type { Route } from './homes.js';
import { ClusterUnavailable } from './redis.js';

const RELAY_HEADER = 'x-aula-relay';
const ADDRESS_HEADER = 'x-aula-client-address';
const MAX_SKEW_MS = 30_000;

type UpgradeListener = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;

/** `node.ts.hmac`: proves a request comes from a node that knows cluster.secret. */
export function nodeAuth(secret: string, node: string, purpose: string, now = Date.now()): string {
  return `${node}.${now}.${createHmac('sha256', secret).update(`${node}|${now}|${purpose}`).digest('base64url')}`;
}

export function authValid(secret: string, value: string | undefined, purpose: string, now = Date.now()): boolean {
  const [node, ts, mac] = (value ?? '').split('.');
  if (!node || !ts || !mac || Math.abs(now - Number(ts)) > MAX_SKEW_MS) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${node}|${ts}|${purpose}`).digest('base64url'));
  const given = Buffer.from(mac);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function roomOf(url: string | undefined): string | undefined {
  const u = new URL(url ?? '/', 'http://x');
  const room = u.searchParams.get('room');
  return u.pathname === '/ws' && room && /^[A-Za-z0-9_-]{1,64}$/.test(room) ? room : undefined;
}

export interface RelayDeps {
  nodeId: string;
  secret: string;
  route(roomId: string): Promise<Route>;
  /** May this node serve the room (is it its home)? For sockets relayed to it. */
  confirm(roomId: string): Promise<boolean>;
  log: Logger;
}

/**
 * Put the relay in front of the signalling WebSocket server on `server` (the
 * public listener): rooms homed here go to it as before, others are relayed.
 */
export function attachRelay(server: http.Server, deps: RelayDeps): { handOver: UpgradeListener; close(): void } {
  // The WebSocket server already listens for upgrades; it now gets them from us.
  const local = server.listeners('upgrade') as UpgradeListener[];
  server.removeAllListeners('upgrade');
  const handOver: UpgradeListener = (req, socket, head) => {
    for (const l of local) l.call(server, req, socket, head);
  };
  const refuse = new WebSocketServer({ noServer: true });
  const open = new Set<Duplex>();

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    // Only a node may say who the client is.
    delete req.headers[RELAY_HEADER];
    delete req.headers[ADDRESS_HEADER];
    const roomId = roomOf(req.url);
    if (!roomId) return handOver(req, socket, head);
    socket.on('error', () => socket.destroy());
    deps.route(roomId).then(
      (route) => {
        if (socket.destroyed) return;
        if (route.local) return handOver(req, socket, head);
        relay(req, socket, head, route.internalUrl, roomId);
      },
      (err: Error) => {
        if (socket.destroyed) return;
        if (!(err instanceof ClusterUnavailable)) deps.log.error({ err: err.message }, 'relay: routing failed');
        unavailable(req, socket, head, err instanceof ClusterUnavailable ? err.message : 'the room cannot be reached');
      },
    );
  });

  // Answer the first request with `unavailable`, then close with 1013 (try again later).
  function unavailable(req: http.IncomingMessage, socket: Duplex, head: Buffer, why: string): void {
    refuse.handleUpgrade(req, socket, head, (ws) => {
      const message = `this classroom cannot be opened right now (${why}); please try again in a moment`;
      ws.once('message', (data) => {
        let id: unknown = null;
        try {
          id = (JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : '') as { id?: unknown }).id ?? null;
        } catch {
          // not JSON: answer without an id
        }
        ws.send(JSON.stringify({ type: 'response', id, ok: false, error: { code: 'unavailable', message } }));
        ws.close(1013, 'try again later');
      });
      setTimeout(() => ws.terminate(), 10_000).unref();
    });
  }

  function relay(req: http.IncomingMessage, socket: Duplex, head: Buffer, internalUrl: string, roomId: string): void {
    const target = new URL(internalUrl);
    const upstream = net.connect({ host: target.hostname, port: Number(target.port) || 80 });
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    const lines = [`${req.method} ${req.url} HTTP/1.1`];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i]!;
      if (![RELAY_HEADER, ADDRESS_HEADER].includes(name.toLowerCase())) lines.push(`${name}: ${req.rawHeaders[i + 1]}`);
    }
    lines.push(`X-Aula-Relay: ${nodeAuth(deps.secret, deps.nodeId, `ws ${roomId}`)}`);
    lines.push(`X-Aula-Client-Address: ${req.socket.remoteAddress ?? ''}`);
    upstream.once('connect', () => {
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) upstream.write(head);
      // End follows end (a clean close after the close frame); an error on one side destroys the other.
      socket.pipe(upstream);
      upstream.pipe(socket);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
    // A clean end is passed on with end() so that a close frame still in flight is delivered.
    upstream.on('close', (hadError: boolean) => (hadError ? socket.destroy() : socket.end()));
    socket.on('close', (hadError: boolean) => (hadError ? upstream.destroy() : upstream.end()));
  }

  return {
    handOver,
    close() {
      for (const s of open) s.destroy();
      refuse.close();
    },
  };
}

/** The internal listener's side: a relayed socket from another node, for a room homed here. */
export function acceptRelayed(deps: RelayDeps, handOver: UpgradeListener): UpgradeListener {
  return (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const roomId = roomOf(req.url);
    if (!roomId || !authValid(deps.secret, req.headers[RELAY_HEADER] as string | undefined, `ws ${roomId}`)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    const address = String(req.headers[ADDRESS_HEADER] ?? '');
    deps.confirm(roomId).then(
      (ours) => {
        if (!ours) return void socket.end('HTTP/1.1 409 Conflict\r\nConnection: close\r\n\r\n');
        // Per-address limits count the browser, not the relaying node.
        if (address) Object.defineProperty(socket, 'remoteAddress', { value: address, configurable: true });
        handOver(req, socket, head);
      },
      () => socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n'),
    );
  };
}
