// The lobby's rules on the fake media port (tests/helpers/fake-media.ts):
// who waits, who is told, what admitting and denying do. The same rules over
// a real worker and WebSocket: tests/integration/roles.test.ts.
import { describe, expect, it } from 'vitest';
import { fakeServer } from '../helpers/fake-server.js';

async function lobbyRoom(maxParticipants = 10) {
  const s = await fakeServer();
  const room = await s.room({ title: 'Lobby class', lobby: true, maxParticipants });
  const mod = await s.joined(room, 'moderator', 'Mod');
  return { s, room, mod };
}

describe('lobby', () => {
  it('keeps a guest waiting outside the room and shows them to the moderators only', async () => {
    const { s, room, mod } = await lobbyRoom();
    const pres = await s.joined(room, 'presenter', 'Pres');
    const { c: guest, join } = await s.enter(room, 'participant', 'Gwen');
    expect(join.data).toEqual({ status: 'waiting' });
    expect(room.participants.size).toBe(2);
    expect(mod.last('lobbyChanged')?.entries).toEqual([{ id: expect.any(String), displayName: 'Gwen' }]);
    expect(pres.all('lobbyChanged')).toEqual([]);
    // Waiting is not being in: no room requests.
    expect(await guest.request('raiseHand')).toMatchObject({ ok: false, error: { code: 'not_joined' } });
  });

  it('lets a moderator and a presenter in directly', async () => {
    const { s, room } = await lobbyRoom();
    expect((await s.enter(room, 'presenter', 'Pres')).join.data.status).toBe('joined');
    expect((await s.enter(room, 'moderator', 'Co')).join.data.status).toBe('joined');
  });

  it('admits: the guest gets the join result, everyone sees them, the lobby list empties', async () => {
    const { s, room, mod } = await lobbyRoom();
    const { c: guest } = await s.enter(room, 'participant', 'Gwen');
    const [entry] = mod.last('lobbyChanged')!.entries;
    mod.clear();
    expect(await mod.request('admit', { lobbyId: entry!.id })).toMatchObject({ ok: true });
    const admitted = guest.last('admitted')!;
    expect(admitted.self).toMatchObject({ displayName: 'Gwen', role: 'participant' });
    expect(admitted.peers.map((p) => p.displayName)).toEqual(['Mod']);
    expect(mod.last('peerJoined')?.peer.displayName).toBe('Gwen');
    expect(mod.last('lobbyChanged')?.entries).toEqual([]);
    expect(room.lobby.size).toBe(0);
    expect(await guest.request('raiseHand')).toMatchObject({ ok: true });
  });

  it('denies: the guest is told and is out (a new hello is needed)', async () => {
    const { s, room, mod } = await lobbyRoom();
    const { c: guest } = await s.enter(room, 'participant', 'Gwen');
    const [entry] = mod.last('lobbyChanged')!.entries;
    expect(await mod.request('deny', { lobbyId: entry!.id })).toMatchObject({ ok: true });
    expect(guest.all('denied')).toHaveLength(1);
    expect(mod.last('lobbyChanged')?.entries).toEqual([]);
    expect(await guest.request('join', { displayName: 'Gwen', rtpCapabilities: {} })).toMatchObject({ ok: false, error: { code: 'no_access' } });
    expect(room.participants.size).toBe(1);
  });

  it('refuses admitting and denying to those without the permission', async () => {
    const { s, room, mod } = await lobbyRoom();
    const pres = await s.joined(room, 'presenter', 'Pres');
    await s.enter(room, 'participant', 'Gwen');
    const [entry] = mod.last('lobbyChanged')!.entries;
    expect(await pres.request('admit', { lobbyId: entry!.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await pres.request('deny', { lobbyId: entry!.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(room.lobby.size).toBe(1);
  });

  it('overrides the lock when admitting, but a full room keeps the guest waiting', async () => {
    const { s, room, mod } = await lobbyRoom(2);
    const { c: first } = await s.enter(room, 'participant', 'First');
    await s.enter(room, 'participant', 'Second');
    // Locked while they wait: nobody new may even queue, those waiting may still be let in.
    await mod.request('lockRoom', { locked: true });
    await expect(s.enter(room, 'participant', 'Third')).rejects.toThrow(/room_locked/);
    const [a, b] = mod.last('lobbyChanged')!.entries;
    expect(await mod.request('admit', { lobbyId: a!.id })).toMatchObject({ ok: true });
    expect(first.last('admitted')).toBeDefined();
    // Two of two places taken: the second stays in the lobby.
    expect(await mod.request('admit', { lobbyId: b!.id })).toMatchObject({ ok: false, error: { code: 'room_full' } });
    expect(room.lobby.list().map((e) => e.displayName)).toEqual(['Second']);
  });

  it('updates the moderators when someone gives up waiting, and tells a new moderator who waits', async () => {
    const { s, room, mod } = await lobbyRoom();
    const pres = await s.joined(room, 'presenter', 'Pres');
    const { c: gone } = await s.enter(room, 'participant', 'Gone');
    await s.enter(room, 'participant', 'Stays');
    gone.disconnect();
    expect(mod.last('lobbyChanged')?.entries.map((e) => e.displayName)).toEqual(['Stays']);
    expect(await mod.request('setRole', { peerId: pres.id, role: 'moderator' })).toMatchObject({ ok: true });
    expect(pres.last('lobbyChanged')?.entries.map((e) => e.displayName)).toEqual(['Stays']);
  });

  it('gives a waiting guest a name distinct from those in the room', async () => {
    const { s, room, mod } = await lobbyRoom();
    await s.enter(room, 'participant', 'Mod');
    expect(mod.last('lobbyChanged')?.entries.map((e) => e.displayName)).toEqual(['Mod (2)']);
  });
});
