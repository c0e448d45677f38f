// A lean client of aula's real signalling protocol (shared/protocol.ts) for
// hundreds of simulated participants: requests with ids, notifications to
// listeners. Replies are checked against the protocol's result schemas.
import WebSocket from 'ws';
import { type Method, type Params, type Result, requests } from '../../shared/protocol.js';

export class BenchClient {
  private nextId = 1;
  private readonly pending = new Map<number, { method: Method; resolve: (v: any) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<string, Array<(data: any) => void>>();
  peerId = '';
  /** Messages received (answers and notifications). */
  received = 0;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (buf) => {
      this.received++;
      const msg = JSON.parse((buf as Buffer).toString());
      if (msg.type === 'notification') {
        for (const l of this.listeners.get(msg.method) ?? []) l(msg.data);
        return;
      }
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (!msg.ok) p.reject(new Error(`${p.method}: ${msg.error?.code} ${msg.error?.message}`));
      else p.resolve(requests[p.method].result.parse(msg.data));
    });
    socket.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error('connection closed'));
      this.pending.clear();
    });
  }

  /** `roomId`: several nodes, the room in the URL lets any node relay the socket to the room's node. */
  static connect(baseUrl: string, roomId?: string): Promise<BenchClient> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws${roomId ? `?room=${roomId}` : ''}`, { perMessageDeflate: false });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new BenchClient(socket)));
      socket.once('error', reject);
    });
  }

  request<M extends Method>(method: M, data: Params<M>): Promise<Result<M>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // ws drops a frame sent on a closed socket without a word: fail at once instead of waiting forever.
      if (this.socket.readyState !== WebSocket.OPEN) return reject(new Error('connection closed'));
      this.pending.set(id, { method, resolve, reject });
      this.socket.send(JSON.stringify({ type: 'request', id, method, data }));
    });
  }

  on(method: string, listener: (data: any) => void): void {
    const list = this.listeners.get(method) ?? [];
    list.push(listener);
    this.listeners.set(method, list);
  }

  /** hello + join, as the browser client does; returns the join result. */
  async enter(roomId: string, token: string, displayName: string) {
    const hello = await this.request('hello', { roomId, token });
    const joined = await this.request('join', { displayName, rtpCapabilities: hello.routerRtpCapabilities });
    if (joined.status !== 'joined') throw new Error('bench participant was sent to the lobby');
    this.peerId = joined.self.id;
    return joined;
  }

  close(): void {
    this.socket.close();
  }
}

/** Connect and join `count` participants, `concurrency` at a time. */
export async function joinMany(url: string, count: number, room: (i: number) => { roomId: string; token: string }, concurrency = 20): Promise<BenchClient[]> {
  const out: BenchClient[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const c = await BenchClient.connect(url);
      const { roomId, token } = room(i);
      await c.enter(roomId, token, `Bench ${i}`);
      out[i] = c;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return out;
}
