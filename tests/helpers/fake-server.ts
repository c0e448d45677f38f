// Room and feature logic in-process, without a worker or a socket: the real
// dispatcher with every handler, the real rooms and access checks, and the
// fake media port (fake-media.ts). A FakeClient is one signalling session
// whose frames go straight to the dispatcher; its requests and notifications
// are typed from shared/protocol.ts like the WebSocket TestClient's.
import { generateKeyPair } from 'jose';
import pino from 'pino';
import type { Role } from '../../shared/protocol.js';
import { AccessControl } from '../../server/access/access.js';
import { LinkSigner } from '../../server/access/links.js';
import { OrgIssuers } from '../../server/access/org-issuers.js';
import { speakerCleanup } from '../../server/features/active-speaker.js';
import { allHandlers } from '../../server/features/index.js';
import { RoomRegistry } from '../../server/rooms/registry.js';
import type { Room } from '../../server/rooms/room.js';
import type { RoomSettingsInput } from '../../server/rooms/settings.js';
import { Dispatcher } from '../../server/signalling/dispatcher.js';
import { ResumeRegistry } from '../../server/signalling/resume.js';
import { Session } from '../../server/signalling/session.js';
import { FakeMediaPort } from './fake-media.js';
import type { Joined, Method, NotificationData, NotificationName, Params, Reply, Result } from './protocol.js';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export class FakeClient {
  readonly session: Session;
  readonly notifications: Array<{ method: NotificationName; data: unknown }> = [];
  private readonly replies = new Map<number, Reply<unknown>>();
  private nextId = 1;
  /** The participant id once joined. */
  id = '';
  /** The link token it said hello with. */
  token = '';

  constructor(private readonly dispatcher: Dispatcher) {
    this.session = new Session((text) => {
      const msg = JSON.parse(text);
      if (msg.type === 'notification') this.notifications.push(msg);
      else this.replies.set(msg.id, msg);
    });
  }

  /** A request of the protocol, answered once the handler is done. */
  request<M extends Method>(method: M, ...params: Record<never, never> extends Params<M> ? [Params<M>?] : [Params<M>]): Promise<Reply<Result<M>>> {
    return this.unchecked(method, params[0] ?? {}) as Promise<Reply<Result<M>>>;
  }

  /** Any method, any data: for what must be refused. */
  async unchecked(method: string, data: unknown = {}): Promise<Reply<any>> {
    const id = this.nextId++;
    await this.dispatcher.dispatch(this.session, JSON.stringify({ type: 'request', id, method, data }));
    const reply = this.replies.get(id);
    if (!reply) throw new Error(`${method}: no reply`);
    return reply as Reply<any>;
  }

  /** Every notification of this kind so far, in order. */
  all<N extends NotificationName>(method: N): NotificationData<N>[] {
    return this.notifications.filter((n) => n.method === method).map((n) => n.data as NotificationData<N>);
  }

  /** The latest notification of this kind, if any. */
  last<N extends NotificationName>(method: N): NotificationData<N> | undefined {
    return this.all(method).at(-1);
  }

  /** Forget what arrived so far (to look only at what an action causes). */
  clear(): void {
    this.notifications.length = 0;
  }

  /** The connection dropped cleanly (page closed): a leave. */
  disconnect(): void {
    this.session.leave();
  }
}

/** The rooms and signalling of a server on the fake media port. */
export async function fakeServer() {
  const media = new FakeMediaPort();
  const lines: LogLine[] = [];
  const log = pino({ level: 'debug' }, { write: (l: string) => lines.push(JSON.parse(l)) });
  const resume = new ResumeRegistry(30, log);
  const rooms = new RoomRegistry(media, undefined, [speakerCleanup, resume], Infinity, log);
  const signer = new LinkSigner(await generateKeyPair('EdDSA', { crv: 'Ed25519' }));
  const dispatcher = new Dispatcher({
    rooms,
    access: new AccessControl(signer, new OrgIssuers([])),
    log,
    resume,
    joinsPerMinute: 1_000_000,
    ice: () => ({ iceServers: [], iceTransportPolicy: 'all' }),
    newRouter: () => media.createRouter(),
  }).register(allHandlers);

  const token = (room: Room, role: Role) => signer.issue({ room: room.id, role, gen: room.linkGeneration }, 3600);
  /**
   * hello and join; the reply of join (joined, or waiting in the lobby).
   * `token`: the same link again (a reload); a fresh link of `role` by default.
   */
  const enter = async (room: Room, role: Role, name: string, link?: string) => {
    const c = new FakeClient(dispatcher);
    c.token = link ?? (await token(room, role));
    const hello = await c.request('hello', { roomId: room.id, token: c.token });
    if (!hello.ok) throw new Error(`hello refused: ${hello.error?.code}`);
    const join = await c.request('join', { displayName: name, rtpCapabilities: hello.data.routerRtpCapabilities });
    if (!join.ok) throw new Error(`join refused: ${join.error?.code}`);
    if (join.data.status === 'joined') c.id = join.data.self.id;
    return { c, join };
  };

  return {
    media,
    rooms,
    dispatcher,
    /** Every log line, parsed (pino levels: 20 debug, 30 info, 40 warn, 50 error). */
    lines,
    room: (settings: RoomSettingsInput = { title: 'Class' }) => rooms.create(settings),
    token,
    enter,
    /** A participant who is in the room (not waiting in a lobby). */
    async joined(room: Room, role: Role, name: string, link?: string): Promise<FakeClient & { joined: Joined }> {
      const { c, join } = await enter(room, role, name, link);
      if (join.data.status !== 'joined') throw new Error(`${name} is waiting in the lobby`);
      return Object.assign(c, { joined: join.data });
    },
  };
}
