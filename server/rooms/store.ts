// Rooms survive restarts: <data.dir>/rooms.json holds each room's id, settings
// and link generation. No participant data is ever written here.
import path from 'node:path';
import { z } from 'zod';
import { readIfExists, writePrivateFile } from '../access/data-dir.js';
import { roomSettingsSchema } from './settings.js';

const storedRoom = z.object({
  id: z.string(),
  settings: roomSettingsSchema,
  linkGeneration: z.string(),
  createdAt: z.number(),
});
export type StoredRoom = z.infer<typeof storedRoom>;

export class RoomStore {
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'rooms.json');
  }

  load(): StoredRoom[] {
    const text = readIfExists(this.file);
    if (!text) return [];
    return z.object({ rooms: z.array(storedRoom) }).parse(JSON.parse(text)).rooms;
  }

  save(rooms: StoredRoom[]): void {
    writePrivateFile(this.file, JSON.stringify({ rooms }, null, 2));
  }
}
