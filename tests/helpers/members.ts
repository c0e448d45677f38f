// Joined participants for integration tests: a WebSocket client per person,
// in a room of the in-process test server, with the given role.
import { expect } from 'vitest';
import type { Role } from '../../shared/protocol.js';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import type { Joined } from './protocol.js';
import { tokenFor } from './server.js';
import { TestClient } from './ws-client.js';

export interface Member {
  c: TestClient;
  id: string;
  /** The join result (peers, producers, lobby, chat, …). */
  joined: Joined;
}

export interface MemberOptions {
  /** Another room than the default one. */
  room?: Room;
  /** A token of one's own (an organisation token, a revoked link); a fresh link of `role` by default. */
  token?: string;
  /** The browser's random id (hello's `client`). */
  client?: string;
}

/** `client()` for a test file: a new WebSocket client to the server, kept in `clients` for the file's cleanup. */
export function connector(server: () => RunningServer, clients: TestClient[]) {
  return async (): Promise<TestClient> => {
    const c = await TestClient.connect(server().url);
    clients.push(c);
    return c;
  };
}

/**
 * `member(role, name)` for a test file: joins the room that `scene()` names
 * (read at call time, so beforeAll may set it) and keeps each client in
 * `clients` for the file's cleanup.
 */
export function members(scene: () => { server: RunningServer; room: Room }, clients: TestClient[]) {
  return async (role: Role, name: string, options: MemberOptions = {}): Promise<Member> => {
    const { server, room: defaultRoom } = scene();
    const room = options.room ?? defaultRoom;
    const c = await connector(() => server, clients)();
    const reply = await c.enter(room.id, options.token ?? (await tokenFor(server, room, role)), name, options.client);
    expect(reply, `${name} (${role}) joins`).toMatchObject({ ok: true, data: { status: 'joined' } });
    return { c, id: reply.data.self.id, joined: reply.data };
  };
}
