// A bare WebSocket client speaking aula's protocol, for integration tests.
// Typed from shared/protocol.ts (tests/helpers/protocol.ts): request() takes a
// method's parameters and answers its result, notification() gives the
// notification's data. Deliberately wrong frames go through unchecked() or raw().
import WebSocket from 'ws';
import type { Joined, Method, NotificationData, NotificationName, Params, Reply, Result } from './protocol.js';

export type { Reply } from './protocol.js';

export class TestClient {
  readonly replies: Reply<any>[] = [];
  /** Everything received, in order (untyped: use notification(), nextNotification() or all() for typed data). */
  readonly notifications: Array<{ method: string; data: any }> = [];
  private nextId = 1;
  private waiters: Array<() => void> = [];
  /** The WebSocket close code, once the socket has closed. */
  closeCode?: number;
  /** How long raw() and request() wait for their reply (raise it for heavy scenes). */
  replyTimeoutMs = 5000;

  private constructor(readonly socket: WebSocket) {
    socket.once('close', (code) => (this.closeCode = code));
    socket.on('message', (buf) => {
      const msg = JSON.parse((buf as Buffer).toString());
      if (msg.type === 'notification') this.notifications.push(msg);
      else this.replies.push(msg);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /**
   * Options go to ws (e.g. `localAddress`, `ca`, `headers`); `roomId` goes in the URL
   * (several nodes: any node relays the socket to the room's node).
   */
  static connect(baseUrl: string, options: WebSocket.ClientOptions & { roomId?: string } = {}): Promise<TestClient> {
    const { roomId, ...wsOptions } = options;
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws${roomId ? `?room=${roomId}` : ''}`, wsOptions);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new TestClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Send a raw frame and wait for its reply (send one at a time). */
  async raw(frame: string | Buffer, options: { binary?: boolean } = {}): Promise<Reply<any>> {
    const before = this.replies.length;
    this.socket.send(frame, { binary: options.binary ?? false });
    await this.until(() => this.replies.length > before, this.replyTimeoutMs);
    return this.replies[before]!;
  }

  /** Send frames back to back without waiting, then collect one reply each. */
  async burst(frames: string[]): Promise<Reply<any>[]> {
    const before = this.replies.length;
    for (const f of frames) this.socket.send(f);
    await this.until(() => this.replies.length >= before + frames.length, 10_000);
    return this.replies.slice(before, before + frames.length);
  }

  /** A request of the protocol: `params` and the result are typed by `method`. */
  request<M extends Method>(method: M, ...params: Record<never, never> extends Params<M> ? [Params<M>?] : [Params<M>]): Promise<Reply<Result<M>>> {
    return this.unchecked(method, params[0] ?? {}) as Promise<Reply<Result<M>>>;
  }

  /** Any method with any data: for what the server must refuse (unknown methods, wrong parameters). */
  async unchecked(method: string, data: unknown = {}): Promise<Reply<any>> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ type: 'request', id, method, data }));
    await this.until(() => this.replies.some((r) => r.id === id), this.replyTimeoutMs);
    return this.replies.find((r) => r.id === id)!;
  }

  /** hello with the token, then join; returns the join reply. */
  /** hello, then join; typed as a direct join (a lobby answers status 'waiting' instead). */
  async enter(roomId: string, token: string, displayName: string, client?: string): Promise<Reply<Joined>> {
    const hello = await this.request('hello', { roomId, token, ...(client ? { client } : {}) });
    if (!hello.ok) return hello as unknown as Reply<Joined>;
    return this.request('join', { displayName, rtpCapabilities: hello.data.routerRtpCapabilities }) as Promise<Reply<Joined>>;
  }

  /** The next notification of this kind that arrives after now. */
  async nextNotification<N extends NotificationName>(method: N, timeoutMs = 5000): Promise<NotificationData<N>> {
    const seen = this.notifications.length;
    await this.until(() => this.notifications.slice(seen).some((n) => n.method === method), timeoutMs);
    return this.notifications.slice(seen).find((n) => n.method === method)!.data as NotificationData<N>;
  }

  /** The first notification of this kind received so far (or the next one). */
  async notification<N extends NotificationName>(method: N, timeoutMs = 5000): Promise<NotificationData<N>> {
    await this.until(() => this.notifications.some((n) => n.method === method), timeoutMs);
    return this.notifications.find((n) => n.method === method)!.data as NotificationData<N>;
  }

  /** Every notification of this kind received so far, in order. */
  all<N extends NotificationName>(method: N): NotificationData<N>[] {
    return this.notifications.filter((n) => n.method === method).map((n) => n.data as NotificationData<N>);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.readyState === WebSocket.CLOSED) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }

  private until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a message')), timeoutMs);
      const check = () => {
        if (cond()) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }
}
