// The moderator's spotlight over the real signalling: only moderators set it,
// everyone hears of it, late joiners get it in the join result, and it ends
// when its person leaves.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/protocol.js';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { startTestServer, tokenFor, waitFor } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';

let server: RunningServer;
let room: Room;
const clients: TestClient[] = [];

async function member(role: Role, name: string): Promise<{ c: TestClient; id: string; joined: any }> {
  const c = await TestClient.connect(server.url);
  clients.push(c);
  const reply = await c.enter(room.id, await tokenFor(server, room, role), name);
  expect(reply).toMatchObject({ ok: true, data: { status: 'joined' } });
  return { c, id: reply.data.self.id, joined: reply.data };
}

beforeAll(async () => {
  server = await startTestServer();
  room = await server.rooms.create({ title: 'Spotlight' });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await waitFor(() => room.participants.size === 0, 10_000, 'empty room');
});
afterAll(async () => {
  await server.close();
});

describe('spotlight for everyone', () => {
  it('is refused to guests and presenters, and changes nothing then', async () => {
    const mod = await member('moderator', 'Ms Mod');
    const guest = await member('participant', 'Gus');
    const presenter = await member('presenter', 'Pri');
    for (const who of [guest, presenter]) {
      expect(await who.c.request('setSpotlight', { peerId: who.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(await who.c.request('setSpotlight', { peerId: null })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(room.classroom.spotlight).toBeNull();
    // Nobody was told of a spotlight (a later one would be the first).
    expect(await mod.c.request('setSpotlight', { peerId: mod.id })).toMatchObject({ ok: true });
    for (const who of [mod, guest, presenter]) expect((await who.c.notification('spotlightChanged')).peerId).toBe(mod.id);
  });

  it('reaches everyone, moves, and is removed for everyone', async () => {
    const mod = await member('moderator', 'Ms Mod');
    const a = await member('participant', 'Ann');
    const b = await member('participant', 'Ben');
    expect(await mod.c.request('setSpotlight', { peerId: a.id })).toMatchObject({ ok: true, data: {} });
    for (const who of [mod, a, b]) expect(await who.c.notification('spotlightChanged')).toEqual({ peerId: a.id });

    const moved = [mod, a, b].map((who) => who.c.nextNotification('spotlightChanged'));
    expect(await mod.c.request('setSpotlight', { peerId: b.id })).toMatchObject({ ok: true });
    for (const n of await Promise.all(moved)) expect(n).toEqual({ peerId: b.id });

    // The moderator may put themselves in it (a teacher who lectures).
    const self = [mod, a, b].map((who) => who.c.nextNotification('spotlightChanged'));
    expect(await mod.c.request('setSpotlight', { peerId: mod.id })).toMatchObject({ ok: true });
    for (const n of await Promise.all(self)) expect(n).toEqual({ peerId: mod.id });

    const off = [mod, a, b].map((who) => who.c.nextNotification('spotlightChanged'));
    expect(await mod.c.request('setSpotlight', { peerId: null })).toMatchObject({ ok: true });
    for (const n of await Promise.all(off)) expect(n).toEqual({ peerId: null });
    expect(room.classroom.spotlight).toBeNull();
  });

  it('refuses someone who is not in the room', async () => {
    const mod = await member('moderator', 'Ms Mod');
    expect(await mod.c.request('setSpotlight', { peerId: 'nobody-here' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await mod.c.request('setSpotlight', { peerId: '' })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(await mod.c.unchecked('setSpotlight', {})).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(room.classroom.spotlight).toBeNull();
  });

  it('is in the join result of a late joiner, and absent when there is none', async () => {
    const mod = await member('moderator', 'Ms Mod');
    const a = await member('participant', 'Ann');
    expect(a.joined.spotlight).toBeUndefined();
    await mod.c.request('setSpotlight', { peerId: a.id });
    const late = await member('participant', 'Late Lu');
    expect(late.joined.spotlight).toBe(a.id);
  });

  it('ends when its person leaves or is removed, and everyone is told', async () => {
    const mod = await member('moderator', 'Ms Mod');
    const a = await member('participant', 'Ann');
    const b = await member('participant', 'Ben');
    await mod.c.request('setSpotlight', { peerId: a.id });
    await b.c.notification('spotlightChanged');
    const told = [mod, b].map((who) => who.c.nextNotification('spotlightChanged'));
    expect(await a.c.request('leave')).toMatchObject({ ok: true });
    for (const n of await Promise.all(told)) expect(n).toEqual({ peerId: null });
    expect(room.classroom.spotlight).toBeNull();
    const late = await member('participant', 'Late Lu');
    expect(late.joined.spotlight).toBeUndefined();

    // Removed by a moderator: the same.
    await mod.c.request('setSpotlight', { peerId: b.id });
    await late.c.notification('spotlightChanged');
    const again = late.c.nextNotification('spotlightChanged');
    expect(await mod.c.request('removeParticipant', { peerId: b.id })).toMatchObject({ ok: true });
    expect(await again).toEqual({ peerId: null });
  });

  it('is forgotten when the meeting ends', async () => {
    const mod = await member('moderator', 'Ms Mod');
    await mod.c.request('setSpotlight', { peerId: mod.id });
    expect(room.classroom.spotlight).toBe(mod.id);
    await mod.c.request('endMeeting');
    await waitFor(() => room.participants.size === 0, 10_000, 'everyone out');
    expect(room.classroom.spotlight).toBeNull();
  });
});
