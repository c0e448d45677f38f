// Typed request/response over the WebSocket, validated with the shared schemas.
import {
  type ErrorInfo,
  type Method,
  type NotificationData,
  type NotificationName,
  notifications,
  type Params,
  type Result,
  requests,
  serverMessage,
} from '../../shared/protocol.js';

/** The room of this page (`/r/<id>`), or null. */
export function roomIdFromPath(): string | null {
  return /^\/r\/([A-Za-z0-9_-]{1,64})\/?$/.exec(location.pathname)?.[1] ?? null;
}

export class RequestError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
  }
}

type Listener = (data: never) => void;

export class Signalling {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; method: Method }>();
  private readonly listeners = new Map<NotificationName, Set<Listener>>();
  private closeListeners: Array<(code: number) => void> = [];

  private constructor(
    private socket: WebSocket,
    private readonly url: string,
  ) {
    this.attach(socket);
  }

  static async connect(url = Signalling.defaultUrl()): Promise<Signalling> {
    return new Signalling(await Signalling.open(url), url);
  }

  private static open(url: string): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.addEventListener('open', () => resolve(socket), { once: true });
      socket.addEventListener('error', () => reject(new Error('cannot reach the server')), { once: true });
    });
  }

  /**
   * After the connection dropped: a new socket, same listeners. Only a socket
   * that opened is attached, so a failed attempt fires no close listeners.
   */
  async reconnect(): Promise<void> {
    this.socket = await Signalling.open(this.url);
    this.attach(this.socket);
  }

  private attach(socket: WebSocket): void {
    socket.addEventListener('message', (ev) => this.onMessage(String(ev.data)));
    socket.addEventListener('close', (ev) => {
      for (const p of this.pending.values()) p.reject(new Error('connection closed'));
      this.pending.clear();
      for (const l of this.closeListeners) l(ev.code);
    });
  }

  static defaultUrl(): string {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    // The room id (from the page path) lets any node of a cluster relay the socket to the room's node.
    const room = roomIdFromPath();
    return `${scheme}//${location.host}/ws${room ? `?room=${room}` : ''}`;
  }

  request<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
    const id = this.nextId++;
    return new Promise<Result<M>>((resolve, reject) => {
      if (this.socket.readyState !== WebSocket.OPEN) return reject(new Error('not connected'));
      this.pending.set(id, { resolve: resolve, reject, method });
      this.socket.send(JSON.stringify({ type: 'request', id, method, data: params }));
    });
  }

  on<N extends NotificationName>(name: N, listener: (data: NotificationData<N>) => void): void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener);
  }

  onClose(listener: (code: number) => void): void {
    this.closeListeners.push(listener);
  }

  close(): void {
    this.socket.close();
  }

  private onMessage(text: string): void {
    let parsed;
    try {
      parsed = serverMessage.safeParse(JSON.parse(text));
    } catch {
      return;
    }
    if (!parsed.success) return;
    const msg = parsed.data;
    if (msg.type === 'notification') {
      const name = msg.method as NotificationName;
      const schema = notifications[name];
      const data = schema?.safeParse(msg.data);
      if (!data?.success) return;
      for (const l of this.listeners.get(name) ?? []) (l as (d: unknown) => void)(data.data);
      return;
    }
    if (msg.id === null) return;
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (!msg.ok) {
      p.reject(new RequestError(msg.error));
      return;
    }
    const result = requests[p.method].result.safeParse(msg.data);
    if (result.success) p.resolve(result.data);
    else p.reject(new Error(`unexpected ${p.method} response`));
  }
}
