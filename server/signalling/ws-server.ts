// The WebSocket endpoint (/ws). One Session per socket; requests of one socket
// are handled strictly in order, so a client may pipeline them.
import { randomBytes } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../log.js';
import { TokenBucket } from '../rate-limit.js';
import { ClientAddress } from './client-address.js';
import { ConnectionLimits } from './connection-limits.js';
import { type Dispatcher, requestIdOf } from './dispatcher.js';
import { Session } from './session.js';

export interface SignallingOptions {
  maxMessageBytes: number;
  messagesPerSecond?: number;
  messageBurst?: number;
  /** rate_limited answers after which the connection is closed. */
  abuseLimit?: number;
  connectionsPerAddress?: number;
  /** Reverse proxies whose X-Forwarded-For names the client (addresses or CIDRs). */
  trustedProxies?: readonly string[];
  /** A socket that has not said hello (or resume) within this time is closed. */
  helloTimeoutSeconds?: number;
  /** Sockets not in a room, server-wide. */
  unjoinedConnections?: number;
  /** Bytes queued for a client that does not read, after which its socket is dropped. */
  maxBufferedBytes?: number;
  /** Requests queued on one socket before further ones are refused. */
  maxPending?: number;
  /** Told the code of errors answered here, before the dispatcher (for metrics). */
  onError?: (code: string) => void;
  heartbeatMs?: number;
  /** The socket closed (code as ws reports it); by default the session leaves. */
  onClose?: (session: Session, code: number) => void;
  /** Browser origins besides the server's own that may connect. */
  allowedOrigins?: readonly string[];
}

/**
 * Cross-site WebSocket hijacking: a page on another site could open our
 * socket in a visitor's browser. Browsers always send Origin; it must be the
 * origin the page was served from (Host) or one configured. Non-browser
 * clients send none and are judged by their link like everyone else.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}

export function attachSignalling(server: HttpServer, dispatcher: Dispatcher, options: SignallingOptions, log: Logger): { wss: WebSocketServer; close(): void } {
  const maxPending = options.maxPending ?? 32;
  // Frames up to maxMessageBytes are read and, if too large, answered with a
  // typed error; ws itself drops the connection (1009) beyond four times that.
  const wss = new WebSocketServer({
    server,
    path: '/ws',
    maxPayload: options.maxMessageBytes * 4,
    verifyClient: ({ origin, req }: { origin?: string; req: { headers: { host?: string } } }, done: (ok: boolean, code?: number, message?: string) => void) => {
      if (originAllowed(origin, req.headers.host, options.allowedOrigins ?? [])) return done(true);
      options.onError?.('foreign_origin');
      done(false, 403, 'pages from other sites may not connect');
    },
  });
  // Liveness: the payload of the last ping each socket was sent. Only a pong
  // that echoes it counts, so unsolicited pongs keep nothing alive.
  const awaiting = new WeakMap<WebSocket, Buffer | null>();
  const perSecond = options.messagesPerSecond ?? 100;
  const burst = options.messageBurst ?? 1000;
  const abuseLimit = options.abuseLimit ?? 1000;
  const helloMs = (options.helloTimeoutSeconds ?? 10) * 1000;
  const maxBuffered = options.maxBufferedBytes ?? Math.max(1024 * 1024, options.maxMessageBytes * 16);
  const addresses = new ClientAddress(options.trustedProxies ?? []);
  // Open connections per client address and outside rooms: counts in memory,
  // never logged, dropped when the connections close.
  const limits = new ConnectionLimits(options.connectionsPerAddress ?? 50, options.unjoinedConnections ?? 1000);
  // The ws server re-emits HTTP server errors; the listen() caller reports those.
  wss.on('error', (err) => log.debug({ err: err.message }, 'websocket server error'));

  wss.on('connection', (socket, req) => {
    const session = new Session((text) => {
      if (socket.readyState !== socket.OPEN) return;
      // A client that does not read its socket: drop it rather than queue
      // replies in server memory without bound.
      if (socket.bufferedAmount > maxBuffered) {
        options.onError?.('slow_reader');
        socket.terminate();
        return;
      }
      socket.send(text);
    });
    const admitted = limits.admit(addresses.of(req.socket.remoteAddress, req.headers['x-forwarded-for']), session);
    if (typeof admitted !== 'function') {
      options.onError?.(admitted.code);
      session.send({ type: 'response', id: null, ok: false, error: { code: admitted.code, message: admitted.message } });
      socket.close(admitted.closeCode, admitted.message);
      return;
    }
    socket.once('close', admitted);
    const bucket = new TokenBucket(burst, perSecond);
    let strikes = 0;
    let queue: Promise<void> = Promise.resolve();
    let pending = 0;
    // Saying hello (or resuming) is the first thing a client does; a socket
    // that has not, with a valid link, only holds a slot. A hello still being
    // checked at the deadline (a slow JWKS) is answered first.
    const helloDeadline = setTimeout(() => {
      void queue.then(() => {
        if (session.access || session.lobby || session.participant || socket.readyState !== socket.OPEN) return;
        options.onError?.('hello_timeout');
        socket.close(1008, 'no hello in time');
      });
    }, helloMs);
    helloDeadline.unref();
    socket.once('close', () => clearTimeout(helloDeadline));
    awaiting.set(socket, null);
    socket.on('pong', (payload) => {
      const expected = awaiting.get(socket);
      if (expected && payload.equals(expected)) awaiting.set(socket, null);
    });

    socket.on('message', (data, isBinary) => {
      const overRate = !bucket.take();
      if (overRate || pending >= maxPending) {
        options.onError?.('rate_limited');
        // Persistent abuse: stop reading this socket altogether.
        if (++strikes >= abuseLimit) {
          socket.close(1008, 'too many requests');
          return;
        }
        // Named by its id where the frame has one: every request gets its answer.
        session.send({
          type: 'response',
          id: requestIdOf((data as Buffer).toString()),
          ok: false,
          error: { code: 'rate_limited', message: 'too many requests; slow down' },
        });
        return;
      }
      // Binary and oversized frames have paid their token above like any other.
      const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
      if (isBinary || size > options.maxMessageBytes) {
        const error = isBinary
          ? { code: 'bad_request' as const, message: 'binary frames are not accepted' }
          : { code: 'too_large' as const, message: `message exceeds ${options.maxMessageBytes} bytes` };
        options.onError?.(error.code);
        session.send({ type: 'response', id: null, ok: false, error });
        return;
      }
      const text = (data as Buffer).toString(); // ws's default binaryType: a Buffer
      pending++;
      queue = queue
        .then(() => dispatcher.dispatch(session, text))
        .catch((err: Error) => log.error({ err: err.message }, 'signalling queue failed'))
        .finally(() => pending--);
    });

    socket.on('close', (code) => {
      // Let queued requests settle first, so a join in flight is undone too.
      void queue
        .then(() => (options.onClose ? options.onClose(session, code) : session.leave()))
        .catch((err: Error) => log.error({ err: err.message }, 'cleanup after disconnect failed'));
    });
    socket.on('error', (err) => log.debug({ err: err.message }, 'websocket error'));
  });

  // Detect sockets that vanished without a close frame (laptop lid, lost Wi-Fi).
  const heartbeat = setInterval(() => {
    for (const socket of wss.clients) {
      if (awaiting.get(socket)) {
        socket.terminate();
        continue;
      }
      const payload = randomBytes(8);
      awaiting.set(socket, payload);
      socket.ping(payload);
    }
  }, options.heartbeatMs ?? 15_000);
  heartbeat.unref();

  return {
    wss,
    close() {
      clearInterval(heartbeat);
      for (const socket of wss.clients) socket.close(1001, 'server shutting down');
      wss.close();
    },
  };
}
