import { randomBytes } from 'node:crypto';
import type { WorkerPool } from '../media/worker-pool.js';
import { Room, type RoomSettings } from './room.js';

/** 128 random bits, URL-safe: a room id cannot be guessed. */
export const newRoomId = (): string => randomBytes(16).toString('base64url');

export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();

  constructor(private readonly pool: WorkerPool) {}

  async create(settings: RoomSettings): Promise<Room> {
    const router = await this.pool.createRouter();
    const room = new Room(newRoomId(), settings, router);
    this.rooms.set(room.id, room);
    return room;
  }

  get(id: string): Room | undefined {
    return this.rooms.get(id);
  }

  list(): Room[] {
    return [...this.rooms.values()];
  }

  close(id: string, reason = 'the room was closed'): boolean {
    const room = this.rooms.get(id);
    if (!room) return false;
    this.rooms.delete(id);
    room.close(reason);
    return true;
  }

  closeAll(reason: string): void {
    for (const id of [...this.rooms.keys()]) this.close(id, reason);
  }
}
