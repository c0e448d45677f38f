import { randomUUID } from 'node:crypto';
import type { JoinedData, LobbyEntry as LobbyInfo } from '../../shared/protocol.js';
import type { Notify } from './participant.js';

/** Someone waiting to be let in. Memory only; gone when admitted, denied or disconnected. */
export interface LobbyEntry {
  readonly id: string;
  readonly displayName: string;
  readonly notify: Notify;
  /** Puts this person into the room (checking their link again); returns what a direct join would have. */
  enter(): JoinedData;
  /** Tells the session it was turned away. */
  turnAway(): void;
}

export class Lobby {
  private readonly entries = new Map<string, LobbyEntry>();

  add(entry: Omit<LobbyEntry, 'id'>): LobbyEntry {
    const full = { ...entry, id: randomUUID() };
    this.entries.set(full.id, full);
    return full;
  }

  get size(): number {
    return this.entries.size;
  }

  get(id: string): LobbyEntry | undefined {
    return this.entries.get(id);
  }

  take(id: string): LobbyEntry | undefined {
    const e = this.entries.get(id);
    this.entries.delete(id);
    return e;
  }

  remove(id: string): boolean {
    return this.entries.delete(id);
  }

  list(): LobbyInfo[] {
    return [...this.entries.values()].map((e) => ({ id: e.id, displayName: e.displayName }));
  }

  names(): string[] {
    return [...this.entries.values()].map((e) => e.displayName);
  }

  clear(): LobbyEntry[] {
    const all = [...this.entries.values()];
    this.entries.clear();
    return all;
  }
}
