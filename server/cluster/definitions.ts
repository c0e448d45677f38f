// Room definitions across nodes. Redis holds them (persisted by its AOF); every
// node keeps them all in its RoomRegistry (and so in its own rooms.json, the
// local copy for a Redis that comes back empty). The admin API writes to Redis
// first and publishes a hint; every node applies the change from the keys, on
// the hint, after a reconnect and every 30 s.
import type { Logger } from '../log.js';
import { newGeneration, newRoomId, type RoomRegistry, storedRoom as stored, TooManyRooms } from '../rooms/registry.js';
import type { Room } from '../rooms/room.js';
import { type RoomSettingsInput, roomSettingsSchema } from '../rooms/settings.js';
import type { StoredRoom } from '../rooms/store.js';
import { keys } from './keys.js';
import type { Redis } from './redis.js';

const SCHEMA = 'aula:schema';

export class Definitions {
  constructor(
    private readonly redis: Redis,
    private readonly rooms: RoomRegistry,
    private readonly maxRooms: number,
    /** A room was deleted cluster-wide (its node forgets it). */
    private readonly deleted: (roomId: string) => void,
    private readonly log: Logger,
  ) {}

  private subscribed = false;

  /** Listen for changes (once; the client resubscribes by itself after a reconnect). */
  async start(): Promise<void> {
    if (this.subscribed) return;
    await this.redis.subscribe(keys.defsChannel, (message) => {
      let roomId: unknown;
      try {
        roomId = (JSON.parse(message) as { roomId?: unknown }).roomId;
      } catch {
        return;
      }
      if (typeof roomId === 'string') void this.apply(roomId).catch((err: Error) => this.log.debug({ err: err.message }, 'room definition update failed'));
    });
    this.subscribed = true;
  }

  /** `id`: derived elsewhere (an LTI resource link); if another node created that room first, this is it. */
  async create(input: RoomSettingsInput, id?: string): Promise<Room> {
    const settings = roomSettingsSchema.parse(input);
    if (id && (await this.ensure(id))) return this.rooms.get(id)!;
    if (((await this.redis.call('SCARD', keys.rooms)) as number) >= this.maxRooms) throw new TooManyRooms(this.maxRooms);
    const room: StoredRoom = { id: id ?? newRoomId(), settings, linkGeneration: newGeneration(), createdAt: Date.now() };
    await this.write(room);
    return this.rooms.adopt(room);
  }

  async rotateLinks(id: string): Promise<Room | undefined> {
    const room = this.rooms.get(id);
    if (!room) return undefined;
    const next = { ...stored(room), linkGeneration: newGeneration() };
    await this.write(next);
    this.applyLocal(next);
    return this.rooms.get(id);
  }

  /** New settings, through Redis: every node's copy follows (the room's node applies them from the next join). */
  async updateSettings(room: Room, input: RoomSettingsInput): Promise<void> {
    const settings = roomSettingsSchema.parse(input);
    await this.write({ ...stored(room), settings });
    this.rooms.updateSettings(room, settings);
  }

  async close(id: string): Promise<boolean> {
    if (!this.rooms.get(id)) return false;
    await this.redis.multi([
      ['DEL', keys.def(id)],
      ['SREM', keys.rooms, id],
      // The room is gone for good: nobody owns it any more.
      ['DEL', keys.home(id)],
      ['DEL', keys.live(id)],
      ['INCR', keys.rev],
      ['PUBLISH', keys.defsChannel, JSON.stringify({ roomId: id })],
    ]);
    this.removeLocal(id);
    return true;
  }

  /** Bring this node's copy in line with Redis; reseed Redis from it if Redis came back empty. */
  async sync(): Promise<void> {
    if ((await this.redis.call('EXISTS', SCHEMA)) === 0) {
      const local = this.rooms.list();
      for (const r of local) await this.write(stored(r), true);
      await this.redis.call('SET', SCHEMA, '1', 'NX');
      if (local.length) this.log.warn({ rooms: local.length }, "redis held no room definitions; restored them from this node's copy");
      return;
    }
    const ids = new Set((await this.redis.call('SMEMBERS', keys.rooms)) as string[]);
    for (const id of ids) await this.apply(id);
    for (const r of this.rooms.list()) if (!ids.has(r.id)) this.removeLocal(r.id);
  }

  /** Make sure this node knows the room (a hint may not have arrived yet). */
  async ensure(id: string): Promise<boolean> {
    if (!this.rooms.get(id)) await this.apply(id);
    return Boolean(this.rooms.get(id));
  }

  private async apply(id: string): Promise<void> {
    const text = (await this.redis.call('HGET', keys.def(id), 'def')) as string | null;
    if (!text) return this.removeLocal(id);
    const room = JSON.parse(text) as StoredRoom;
    if (!this.rooms.get(id)) await this.rooms.adopt({ ...room, settings: roomSettingsSchema.parse(room.settings) });
    else this.applyLocal(room);
  }

  private applyLocal(def: StoredRoom): void {
    const room = this.rooms.get(def.id);
    if (!room) return;
    // New links are a new invitation: who was removed may come back (as on one node).
    if (room.linkGeneration !== def.linkGeneration) this.rooms.setLinkGeneration(def.id, def.linkGeneration);
    if (JSON.stringify(room.settings) !== JSON.stringify(def.settings)) this.rooms.updateSettings(room, def.settings);
  }

  private removeLocal(id: string): void {
    if (this.rooms.close(id)) this.deleted(id);
  }

  private async write(room: StoredRoom, onlyIfMissing = false): Promise<void> {
    const json = JSON.stringify(room);
    await this.redis.multi([
      [onlyIfMissing ? 'HSETNX' : 'HSET', keys.def(room.id), 'def', json],
      ['SADD', keys.rooms, room.id],
      ['INCR', keys.rev],
      ['PUBLISH', keys.defsChannel, JSON.stringify({ roomId: room.id })],
    ]);
  }
}
