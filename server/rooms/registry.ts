import { randomBytes } from 'node:crypto';
import type { Logger } from '../log.js';
import type { MediaPort, MediaRouter } from '../media/port.js';
import { Room, type RoomObserver } from './room.js';
import { type RoomSettingsInput, roomSettingsSchema } from './settings.js';
import type { RoomStore, StoredRoom } from './store.js';

export class TooManyRooms extends Error {
  constructor(max: number) {
    super(`this server keeps at most ${max} rooms (rooms.max); close some first`);
  }
}

/** 128 random bits: a room id cannot be guessed. Hex, not base64url, because an
 *  id starting with "-" would read as an option in `npx aula room show <id>`. */
export const newRoomId = (): string => randomBytes(16).toString('hex');
export const newGeneration = (): string => randomBytes(12).toString('base64url');
/** What is kept of a room at rest (rooms.json; several nodes: Redis too). No participant data. */
export const storedRoom = (r: Room): StoredRoom => ({ id: r.id, settings: r.settings, linkGeneration: r.linkGeneration, createdAt: r.createdAt });

/** The rooms the operator created; persisted (without any participant data) when a store is given. */
export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  /** Shared with every room, so an observer added later (observe()) sees the rooms made before. */
  private readonly observers: RoomObserver[];

  constructor(
    /** Where each room's router comes from (the least busy worker). */
    private readonly media: MediaPort,
    private readonly store?: RoomStore,
    observers: readonly RoomObserver[] = [],
    private readonly maxRooms = Infinity,
    private readonly log?: Logger,
  ) {
    this.observers = [...observers];
    media.onWorkerReplaced(() => void this.recoverRouters());
  }

  /** Who else needs to know when people come and go (a layer made after the rooms: recording, resume). */
  observe(observer: RoomObserver): void {
    this.observers.push(observer);
  }

  /** Rooms (and breakout groups) whose router died with its worker continue on a new one. */
  private async recoverRouters(): Promise<void> {
    for (const room of this.rooms.values()) {
      const deadGroups = [...(room.breakout?.groups.values() ?? [])].filter((g) => g.router.closed).map((g) => g.id);
      if (room.isClosed || (!room.router.closed && deadGroups.length === 0)) continue;
      const made: MediaRouter[] = [];
      try {
        const main = room.router.closed ? await this.media.createRouter() : undefined;
        if (main) made.push(main);
        const groups = new Map<string, MediaRouter>();
        for (const id of deadGroups) {
          const router = await this.media.createRouter();
          made.push(router);
          groups.set(id, router);
        }
        if (room.isClosed) throw new Error('the room closed meanwhile');
        room.replaceRouters(main, groups);
        this.log?.info({ room: room.id, participants: room.participants.size, groups: groups.size }, 'room moved to a new router');
      } catch (err) {
        for (const r of made) r.close();
        if (room.isClosed) continue;
        this.log?.error({ room: room.id, err: (err as Error).message }, 'no router for the room; it is closed');
        this.rooms.delete(room.id);
        room.close('the media server failed', 'server_shutdown');
      }
    }
  }

  /** Bring back the rooms of an earlier run. */
  async load(): Promise<number> {
    for (const r of this.store?.load() ?? []) {
      const router = await this.media.createRouter();
      this.rooms.set(r.id, new Room(r.id, r.settings, r.linkGeneration, r.createdAt, router, this.observers));
    }
    return this.rooms.size;
  }

  /** `id`: a room id derived elsewhere (an LTI resource link); a random one by default. */
  async create(input: RoomSettingsInput, id = newRoomId()): Promise<Room> {
    const settings = roomSettingsSchema.parse(input);
    if (this.rooms.size >= this.maxRooms) throw new TooManyRooms(this.maxRooms);
    if (this.rooms.has(id)) throw new Error('a room with this id exists');
    const router = await this.media.createRouter();
    if (this.rooms.has(id)) {
      router.close();
      throw new Error('a room with this id exists');
    }
    const room = new Room(id, settings, newGeneration(), Date.now(), router, this.observers);
    this.rooms.set(room.id, room);
    this.persist();
    return room;
  }

  /** Add a room defined elsewhere (in cluster mode: created through another node). */
  async adopt(r: StoredRoom): Promise<Room> {
    const known = this.rooms.get(r.id);
    if (known) return known;
    const room = new Room(r.id, r.settings, r.linkGeneration, r.createdAt, await this.media.createRouter(), this.observers);
    this.rooms.set(room.id, room);
    this.persist();
    return room;
  }

  /** Send everyone out of a room but keep it, as a fresh copy (cluster: the room moved to another node). */
  async reopen(id: string, reason: string, code: 'room_moved' | 'server_shutdown'): Promise<void> {
    const room = this.rooms.get(id);
    if (!room) return;
    const router = await this.media.createRouter();
    if (this.rooms.get(id) !== room) return void router.close();
    room.close(reason, code);
    this.rooms.set(id, new Room(id, room.settings, room.linkGeneration, room.createdAt, router, this.observers));
  }

  get(id: string): Room | undefined {
    return this.rooms.get(id);
  }

  list(): Room[] {
    return [...this.rooms.values()];
  }

  /**
   * New settings for a room, kept across restarts. They apply from the next
   * join or the next start of a feature; nothing running is interrupted.
   */
  updateSettings(room: Room, settings: RoomSettingsInput): void {
    room.settings = roomSettingsSchema.parse(settings);
    this.persist();
  }

  /** Start a new link generation: every link issued before stops working. */
  rotateLinks(id: string): Room | undefined {
    return this.setLinkGeneration(id, newGeneration());
  }

  /** `generation`: a new one (or, several nodes, one made through another node). */
  setLinkGeneration(id: string, generation: string): Room | undefined {
    const room = this.rooms.get(id);
    if (!room) return undefined;
    room.linkGeneration = generation;
    // New links are a new invitation: who was removed may come back.
    room.classroom.barred.clear();
    this.persist();
    return room;
  }

  /** End a room for good: everyone is sent out and it is forgotten. */
  close(id: string, reason = 'the room was closed'): boolean {
    const room = this.rooms.get(id);
    if (!room) return false;
    this.rooms.delete(id);
    room.close(reason);
    this.persist();
    return true;
  }

  /** Server shutdown: close the rooms in memory but keep them in the store. */
  shutdown(reason: string, code: 'server_shutdown' | 'room_moved' = 'server_shutdown'): void {
    for (const room of this.rooms.values()) room.close(reason, code);
    this.rooms.clear();
  }

  persist(): void {
    this.store?.save(this.list().map(storedRoom));
  }
}
