// Cluster mode (cluster.redisUrl set): the pieces wired together, and the few
// hooks the rest of aula calls. Without Redis none of this is created.
import http from 'node:http';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { type Config, workerCount } from '../config/config.js';
import { AulaError } from '../errors.js';
import type { Logger } from '../log.js';
import type { MeetingHooks } from '../privacy/attendance.js';
import type { RoomRegistry } from '../rooms/registry.js';
import type { Room } from '../rooms/room.js';
import type { RoomSettingsInput } from '../rooms/settings.js';
import { Definitions } from './definitions.js';
import { Homes } from './homes.js';
import { END_MEETING, keys } from './keys.js';
import { NodeRegistry, type NodeStatus } from './nodes.js';
import { ClusterUnavailable, Redis } from './redis.js';
import { RejoinTickets } from './rejoin.js';
import { acceptRelayed, attachRelay, type RelayDeps } from './relay.js';
import { askNode, type InternalRoutes, internalRequest } from './internal-api.js';
import { attachHttpRelay, RELAYED_PREFIX } from './http-relay.js';

export interface LiveCounts {
  participants: number;
  waiting: number;
  locked: boolean;
  node: string;
}

const MEETING_TTL_MS = 15 * 60_000;
/** Set on admin requests another node forwarded here: answer with this node's own data. */
export const LOCAL_HEADER = 'x-aula-node-local';
const RESYNC_MS = 30_000;

export class Cluster {
  readonly redis: Redis;
  readonly nodes: NodeRegistry;
  readonly homes: Homes;
  readonly rejoin: RejoinTickets;
  definitions!: Definitions;
  private rooms!: RoomRegistry;
  private internal?: http.Server;
  private relay?: { close(): void };
  /** Open meeting per room hosted here (or about to be continued here). */
  private readonly meetings = new Map<string, string>();
  private readonly emptySince = new Map<string, number>();
  private syncedAt = 0;
  private readonly secret: string;
  private readonly retentionMs: number;
  /** Does this node's ledger hold a segment of this meeting already? */
  hasSegment: (meetingId: string) => boolean = () => false;

  constructor(
    private readonly config: Config,
    private readonly log: Logger,
  ) {
    const c = config.cluster;
    this.secret = c.secret!;
    this.retentionMs = (config.ledger.retentionDays + 7) * 86_400_000;
    this.redis = new Redis(c.redisUrl!, c.redisTimeoutMs, log);
    this.nodes = new NodeRegistry(
      this.redis,
      { id: c.nodeId!, internalUrl: c.internalUrl!, publicUrl: c.publicUrl, heartbeatMs: c.heartbeatMs, ttlMs: c.nodeTtlMs },
      () => this.load(),
      () => this.upkeep(),
      log,
    );
    this.homes = new Homes(this.redis, this.nodes, (roomId) => this.adopted(roomId), log);
    this.rejoin = new RejoinTickets(this.secret, (roomId) => this.meetings.get(roomId));
  }

  get nodeId(): string {
    return this.nodes.id;
  }

  /** Connect, bring the room definitions in line, register. A Redis that is down is waited for in the background. */
  async start(rooms: RoomRegistry): Promise<void> {
    this.rooms = rooms;
    this.definitions = new Definitions(this.redis, rooms, this.config.rooms.max, (id) => this.homes.forget(id), this.log);
    this.redis.onReconnect = () => void this.resync();
    if (await this.redis.start()) await this.resync();
    else this.log.warn('redis is not reachable yet; serving the rooms of the local copy, new rooms cannot be placed');
    this.nodes.start();
  }

  private async resync(): Promise<void> {
    try {
      await this.definitions.start();
      await this.definitions.sync();
      this.syncedAt = Date.now();
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'cluster: room definitions not synchronised');
    }
  }

  /** Put the relay on the public listener and open the internal listener. */
  /** `admin`: the admin API; the other nodes reach it through /internal/admin/… (this node's view only). */
  async attach(server: http.Server, routes: InternalRoutes, admin: express.Router, adminToken: string): Promise<void> {
    const adminApp = express();
    adminApp.use('/api/admin', admin);
    const deps: RelayDeps = {
      nodeId: this.nodeId,
      secret: this.secret,
      // A room this node does not know (yet): ask Redis; unknown there too, hello answers not_found here.
      route: async (roomId) =>
        (await this.definitions.ensure(roomId).catch(() => Boolean(this.rooms.get(roomId)))) ? this.homes.route(roomId) : { local: true },
      confirm: (roomId) => this.homes.confirm(roomId),
      log: this.log,
    };
    const relay = attachRelay(server, deps);
    this.relay = relay;
    const app = attachHttpRelay(server, deps);
    const internalUrl = new URL(this.config.cluster.internalUrl!);
    this.internal = http.createServer(
      (req, res) =>
        void internalRequest(
          req,
          res,
          this.secret,
          routes,
          (r, s) => {
            // Another node asks for this node's own view (no fan-out from here).
            r.url = `/api/admin/${(r.url ?? '').slice('/internal/admin/'.length)}`;
            r.headers.authorization = `Bearer ${adminToken}`;
            r.headers[LOCAL_HEADER] = '1';
            adminApp(r, s);
          },
          { prefix: RELAYED_PREFIX, app },
        ),
    );
    this.internal.on('upgrade', acceptRelayed(deps, relay.handOver));
    await new Promise<void>((resolve, reject) => {
      this.internal!.once('error', reject);
      this.internal!.listen(Number(internalUrl.port) || 80, internalUrl.hostname, () => resolve());
    });
    this.log.info({ node: this.nodeId, port: (this.internal.address() as AddressInfo).port }, 'cluster internal listener open');
  }

  /** For the resume handler: a token this node never issued, in a room that moved here. */
  movedError(roomId: string): AulaError | undefined {
    return this.homes.takenOver.has(roomId) ? new AulaError('room_moved', 'the classroom moved to another server; joining again') : undefined;
  }

  readonly meetingHooks: MeetingHooks = {
    idFor: (roomId) => {
      const id = this.meetings.get(roomId);
      return id && !this.hasSegment(id) ? id : undefined;
    },
    started: (roomId, meetingId) => {
      this.meetings.set(roomId, meetingId);
      const idx = keys.meetingIndex(meetingId);
      void this.redis
        .multi([
          ['SET', keys.meeting(roomId), meetingId, 'PX', MEETING_TTL_MS],
          ['HSETNX', idx, 'roomId', roomId],
          ['HSETNX', idx, 'startedAt', new Date().toISOString()],
          ['HSET', idx, `segment:${this.nodeId}`, new Date().toISOString()],
          ['PEXPIRE', idx, this.retentionMs],
          ['ZADD', 'aula:meetings', Date.now(), meetingId],
        ])
        .catch((err: Error) => this.log.warn({ meeting: meetingId, err: err.message }, 'cluster: meeting index not written'));
    },
    ended: (roomId, meetingId) => {
      if (this.meetings.get(roomId) === meetingId) this.meetings.delete(roomId);
      const home = this.homes.owned.get(roomId);
      if (!home) return;
      void this.redis.eval(END_MEETING, [keys.home(roomId), keys.meeting(roomId)], [home, meetingId]).catch(() => undefined);
      void this.redis.call('HSET', keys.meetingIndex(meetingId), 'endedAt', new Date().toISOString()).catch(() => undefined);
    },
  };

  // A room became ours: learn the meeting it may continue before anyone is let in.
  private async adopted(roomId: string): Promise<void> {
    const meeting = (await this.redis.call('GET', keys.meeting(roomId)).catch(() => null)) as string | null;
    if (meeting) this.meetings.set(roomId, meeting);
    this.emptySince.delete(roomId);
  }

  private load() {
    let participants = 0;
    for (const id of this.homes.owned.keys()) participants += this.rooms?.get(id)?.participants.size ?? 0;
    return {
      rooms: this.homes.owned.size,
      participants,
      capacity: workerCount(this.config) * this.config.media.consumersPerWorker,
    };
  }

  // After every heartbeat: give up rooms that moved, publish counts, release idle rooms, resync now and then.
  private async upkeep(): Promise<void> {
    for (const id of await this.homes.lost()) {
      this.log.warn({ room: id }, 'this node lost the room to another node (it was cut off); sending its participants there');
      this.homes.forget(id);
      this.meetings.delete(id);
      await this.rooms.reopen(id, 'the classroom moved to another server', 'room_moved');
    }
    const now = Date.now();
    const commands: Array<Array<string | number>> = [];
    for (const id of [...this.homes.owned.keys()]) {
      const room = this.rooms.get(id);
      if (!room) {
        await this.homes.release(id);
        continue;
      }
      const empty = room.participants.size === 0 && room.lobby.size === 0;
      if (!empty) this.emptySince.delete(id);
      else if (!this.emptySince.has(id)) this.emptySince.set(id, now);
      else if (now - this.emptySince.get(id)! > this.config.cluster.roomIdleSeconds * 1000) {
        this.emptySince.delete(id);
        await this.homes.release(id);
        commands.push(['DEL', keys.live(id)]);
        continue;
      }
      commands.push(
        ['HSET', keys.live(id), 'participants', room.participants.size, 'waiting', room.lobby.size, 'locked', room.locked ? 1 : 0, 'node', this.nodeId],
        ['PEXPIRE', keys.live(id), Math.max(30_000, this.config.cluster.nodeTtlMs * 3)],
      );
      if (this.meetings.has(id)) commands.push(['PEXPIRE', keys.meeting(id), MEETING_TTL_MS]);
    }
    if (commands.length) await this.redis.multi(commands);
    if (now - this.syncedAt > RESYNC_MS) await this.resync();
  }

  // ----- the admin API's view of the cluster -----

  createRoom(input: RoomSettingsInput, id?: string): Promise<Room> {
    return this.definitions.create(input, id);
  }

  /** The admin API's rooms: reads from this node's copy, writes through Redis. */
  adminRooms() {
    return {
      create: (input: RoomSettingsInput, id?: string) => this.definitions.create(input, id),
      get: (id: string) => this.rooms.get(id),
      list: () => this.rooms.list(),
      close: (id: string) => this.definitions.close(id),
      rotateLinks: (id: string) => this.definitions.rotateLinks(id),
      updateSettings: (room: Room, settings: RoomSettingsInput) => this.definitions.updateSettings(room, settings),
    };
  }

  /** Live counts of every room, from the home nodes' summaries in Redis. */
  async liveCounts(ids: string[]): Promise<Map<string, LiveCounts>> {
    const out = new Map<string, LiveCounts>();
    if (!ids.length) return out;
    const replies = await this.redis.multi(ids.map((id) => ['HGETALL', keys.live(id)]));
    ids.forEach((id, i) => {
      const h = Redis.asHash(replies[i] ?? null);
      if (!h.node) return;
      out.set(id, { participants: Number(h.participants ?? 0), waiting: Number(h.waiting ?? 0), locked: h.locked === '1', node: h.node ?? '' });
    });
    return out;
  }

  /** Nodes holding a ledger segment of the meeting, earliest first. */
  async segmentHolders(meetingId: string): Promise<string[]> {
    const h = await this.redis.hgetall(keys.meetingIndex(meetingId));
    return Object.entries(h)
      .filter(([k]) => k.startsWith('segment:'))
      .sort((a, b) => a[1].localeCompare(b[1]))
      .map(([k]) => k.slice('segment:'.length));
  }

  /** A request to another node's internal listener (its address from Redis). */
  async ask(node: string, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<Response> {
    const info = await this.nodes.info(node);
    if (!info) throw new ClusterUnavailable(`node ${node} is not registered`);
    return askNode(info.internalUrl, this.secret, this.nodeId, method, path, body);
  }

  listNodes(): Promise<NodeStatus[]> {
    return this.nodes.list();
  }

  /** Shutdown, first step: no longer a node that takes rooms, and every room here given up, so that another node can take it. */
  async leave(): Promise<void> {
    await this.nodes.stop();
    for (const id of [...this.homes.owned.keys()]) await this.homes.release(id);
  }

  /**
   * Shutdown, last step: only after the rooms told their participants where to
   * go (roomClosed: room_moved) and the signalling server closed their sockets,
   * relayed ones included. Destroying the internal listener's connections
   * earlier cut a relayed participant off before that notice (under load the
   * page then saw a vanished socket instead of the move).
   */
  async close(): Promise<void> {
    await this.leave();
    this.relay?.close();
    // Not awaited: relayed sockets end when the signalling server closes them (after the rooms said where to go).
    this.internal?.close();
    this.internal?.closeAllConnections();
    await this.redis.close();
  }
}
