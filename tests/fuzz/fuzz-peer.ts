// One participant of the stateful fuzzer: a WebSocket speaking aula's
// protocol that never waits for an answer before sending the next request,
// and keeps what a real client would know (its transports, producers,
// consumers, the others' producers, polls, groups) from answers and
// notifications, so that the next mutated request can use real ids.
import WebSocket from 'ws';

export interface Answer {
  ok: boolean;
  data?: any;
  error?: { code: string; message: string };
}

interface Pending {
  method: string;
  sentAt: number;
  resolve: (a: Answer) => void;
}

/** What every peer counts; the fuzzer sums and checks it. */
export interface PeerTally {
  sent: number;
  answered: number;
  /** Answers to an id that was already answered (exactly one is the promise). */
  duplicates: number;
  /** Error answers with `id: null` to well-formed requests (the client cannot match them). */
  unmatched: number;
  /** Requests still open when their connection was dropped on purpose (not counted as unanswered). */
  droppedWithSocket: number;
  codes: Record<string, number>;
  /** `internal` answers: method and message, for the report. */
  internal: string[];
  /** Slowest answer seen, ms (printed, never asserted). */
  slowestMs: number;
}

export const emptyTally = (): PeerTally => ({
  sent: 0,
  answered: 0,
  duplicates: 0,
  unmatched: 0,
  droppedWithSocket: 0,
  codes: {},
  internal: [],
  slowestMs: 0,
});

export class FuzzPeer {
  socket!: WebSocket;
  readonly tally = emptyTally();
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private answeredIds = new Set<number>();
  // State a client would know.
  roomId = '';
  selfId = '';
  resumeToken = '';
  joined = false;
  routerRtpCapabilities: any;
  readonly transports = new Map<string, 'send' | 'recv'>();
  readonly producers = new Map<string, string>(); // id → source
  readonly consumers = new Set<string>();
  /** Others' producers this peer was told about (consumable or not). */
  readonly remoteProducers = new Set<string>();
  /** Ids that existed once and were closed: favourite mutation targets. */
  readonly stale = new Set<string>();
  readonly peers = new Set<string>();
  readonly groups = new Set<string>();
  readonly lobby = new Set<string>();
  pollId: string | undefined;

  constructor(
    readonly name: string,
    private readonly baseUrl: string,
  ) {}

  async open(): Promise<void> {
    const socket = new WebSocket(`${this.baseUrl.replace(/^http/, 'ws')}/ws`);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    this.socket = socket;
    this.answeredIds = new Set();
    socket.on('message', (buf) => this.onMessage(JSON.parse((buf as Buffer).toString())));
    socket.on('close', () => {
      // Requests on a dropped socket cannot be answered; they are counted apart.
      for (const p of this.pending.values()) {
        this.tally.droppedWithSocket++;
        p.resolve({ ok: false, error: { code: 'connection_closed', message: '' } });
      }
      this.pending.clear();
      this.joined = false;
    });
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** Requests open longer than `ms` (method names), for the report. */
  overdue(ms: number): string[] {
    const now = Date.now();
    return [...this.pending.values()].filter((p) => now - p.sentAt > ms).map((p) => p.method);
  }

  /** Send without waiting; the promise settles with the answer (or the socket's end). */
  send(method: string, data: unknown): Promise<Answer> {
    const id = this.nextId++;
    this.tally.sent++;
    return new Promise<Answer>((resolve) => {
      this.pending.set(id, { method, sentAt: Date.now(), resolve });
      this.socket.send(JSON.stringify({ type: 'request', id, method, data }));
    });
  }

  /** Drop the connection without a close frame (a lost Wi-Fi): the server may hold the participant for resume. */
  drop(): void {
    this.socket.terminate();
    this.joined = false;
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }

  /** Forget the media state (moved to a group, media reset, left). */
  resetMedia(): void {
    for (const id of [...this.transports.keys(), ...this.producers.keys(), ...this.consumers]) this.stale.add(id);
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
    this.remoteProducers.clear();
  }

  leftRoom(): void {
    this.joined = false;
    this.resetMedia();
  }

  private onMessage(msg: any): void {
    if (msg.type === 'notification') return this.onNotification(msg.method, msg.data);
    if (msg.id === null || msg.id === undefined) {
      this.tally.unmatched++;
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) {
      if (this.answeredIds.has(msg.id)) this.tally.duplicates++;
      return;
    }
    this.pending.delete(msg.id);
    this.answeredIds.add(msg.id);
    this.tally.answered++;
    this.tally.slowestMs = Math.max(this.tally.slowestMs, Date.now() - p.sentAt);
    if (!msg.ok) {
      const code = msg.error?.code ?? 'none';
      this.tally.codes[code] = (this.tally.codes[code] ?? 0) + 1;
      if (code === 'internal') this.tally.internal.push(`${p.method}: ${msg.error.message}`);
    }
    p.resolve(msg.ok ? { ok: true, data: msg.data } : { ok: false, error: msg.error });
  }

  private onNotification(method: string, data: any): void {
    switch (method) {
      case 'peerJoined':
        this.peers.add(data.peer.id);
        break;
      case 'peerLeft':
        this.peers.delete(data.peerId);
        this.stale.add(data.peerId);
        break;
      case 'producerAdded':
        this.remoteProducers.add(data.producerId);
        break;
      case 'producerClosed':
        this.remoteProducers.delete(data.producerId);
        this.producers.delete(data.producerId);
        this.stale.add(data.producerId);
        break;
      case 'consumerClosed':
        this.consumers.delete(data.consumerId);
        this.stale.add(data.consumerId);
        break;
      case 'movedToGroup':
      case 'mediaReset':
        this.resetMedia();
        this.routerRtpCapabilities = data.routerRtpCapabilities;
        for (const p of data.producers ?? []) this.remoteProducers.add(p.producerId);
        break;
      case 'breakoutChanged':
        for (const g of this.groups) this.stale.add(g);
        this.groups.clear();
        for (const g of data.groups) this.groups.add(g.id);
        break;
      case 'pollOpened':
        this.pollId = data.id;
        break;
      case 'lobbyChanged':
        this.lobby.clear();
        for (const e of data.entries) this.lobby.add(e.id);
        break;
      case 'removed':
      case 'roomClosed':
        this.leftRoom();
        break;
      default:
    }
  }

  /** What the join (or admitted) result tells. */
  joinedWith(data: any): void {
    this.joined = true;
    this.selfId = data.self.id;
    this.resumeToken = data.resume.token;
    for (const p of data.peers) this.peers.add(p.id);
    for (const p of data.producers) this.remoteProducers.add(p.producerId);
    if (data.poll) this.pollId = data.poll.id;
    for (const g of data.breakout?.groups ?? []) this.groups.add(g.id);
  }
}
