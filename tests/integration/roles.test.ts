// Every action for every role over the real signalling: a crafted message
// cannot do what the role may not. The expectations below are written out
// independently of server/rooms/permissions.ts on purpose.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Method, Role } from '../../shared/protocol.js';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { startTestServer, tokenFor, waitFor } from '../helpers/server.js';
import { members } from '../helpers/members.js';
import { TestClient } from '../helpers/ws-client.js';

let server: RunningServer;
let room: Room;
const clients: TestClient[] = [];
const member = members(() => ({ server, room }), clients);
const ROLES: Role[] = ['moderator', 'presenter', 'participant'];

type Action = { method: Method; params: (targetId: string) => Record<string, unknown>; allowed: Role[] };

// When allowed, the reply is ok, or (`allowedError`) the one error that
// follows from the test's setup, e.g. not_found for a lobby id that does not exist.
type Expect = Action & { allowedError?: string };
const actions: Expect[] = [
  { method: 'setRole', params: (t) => ({ peerId: t, role: 'presenter' }), allowed: ['moderator'] },
  { method: 'lockRoom', params: () => ({ locked: false }), allowed: ['moderator'] },
  { method: 'admit', params: () => ({ lobbyId: 'nobody' }), allowed: ['moderator'], allowedError: 'not_found' },
  { method: 'deny', params: () => ({ lobbyId: 'nobody' }), allowed: ['moderator'], allowedError: 'not_found' },
  { method: 'setDisplayName', params: () => ({ displayName: 'Renamed' }), allowed: ['moderator', 'presenter', 'participant'] },
  { method: 'createTransport', params: () => ({ direction: 'recv' }), allowed: ['moderator', 'presenter', 'participant'] },
  { method: 'sendChat', params: () => ({ text: 'hello' }), allowed: ['moderator', 'presenter', 'participant'] },
  { method: 'raiseHand', params: () => ({}), allowed: ['moderator', 'presenter', 'participant'] },
  { method: 'lowerHand', params: () => ({}), allowed: ['moderator', 'presenter', 'participant'] },
  { method: 'lowerHand', params: (t) => ({ peerId: t }), allowed: ['moderator'] },
  { method: 'muteParticipant', params: (t) => ({ peerId: t, allowUnmute: false }), allowed: ['moderator'] },
  { method: 'muteAll', params: () => ({ allowUnmute: true }), allowed: ['moderator'] },
  { method: 'stopParticipantCamera', params: (t) => ({ peerId: t }), allowed: ['moderator'] },
  { method: 'removeParticipant', params: (t) => ({ peerId: t }), allowed: ['moderator'] },
  { method: 'allowScreenShares', params: () => ({ multiple: true }), allowed: ['moderator'] },
  { method: 'stopRecording', params: () => ({}), allowed: ['moderator'], allowedError: 'not_found' },
  { method: 'setRecordingOptOut', params: () => ({ optOut: false }), allowed: ['moderator', 'presenter', 'participant'] },
  { method: 'endMeeting', params: () => ({}), allowed: ['moderator'] },
  { method: 'createPoll', params: () => ({ question: 'Q?', options: ['a', 'b'], multiple: false }), allowed: ['moderator'] },
  { method: 'vote', params: () => ({ pollId: 'none', choices: [0] }), allowed: ['moderator', 'presenter', 'participant'], allowedError: 'not_found' },
  { method: 'closePoll', params: () => ({ pollId: 'none' }), allowed: ['moderator'], allowedError: 'not_found' },
  { method: 'showPollResults', params: () => ({ pollId: 'none' }), allowed: ['moderator'], allowedError: 'not_found' },
  { method: 'startBreakout', params: () => ({ groups: 2, mode: 'random' }), allowed: ['moderator'] },
  { method: 'moveToGroup', params: (t) => ({ peerId: t }), allowed: ['moderator'] },
  { method: 'leaveGroup', params: () => ({}), allowed: ['moderator', 'presenter', 'participant'] },
  { method: 'breakoutMessage', params: () => ({ text: 'hi' }), allowed: ['moderator'], allowedError: 'not_found' },
  { method: 'closeGroup', params: () => ({ group: 'none' }), allowed: ['moderator'], allowedError: 'not_found' },
  { method: 'endBreakout', params: () => ({}), allowed: ['moderator'] },
  // Slides: an oversized PDF is refused after the role check, so nothing stays behind.
  { method: 'startSlides', params: () => ({ bytes: 2 ** 40, pageCount: 2 }), allowed: ['moderator', 'presenter'], allowedError: 'too_large' },
  { method: 'setDrawingAllowed', params: () => ({ allowed: true }), allowed: ['moderator'], allowedError: 'not_found' },
  { method: 'setSpotlight', params: (t) => ({ peerId: t }), allowed: ['moderator'] },
];

beforeAll(async () => {
  server = await startTestServer();
  room = await server.rooms.create({ title: 'Matrix', maxParticipants: 20 });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await waitFor(() => room.participants.size === 0, 5000, 'room to empty');
  room.locked = false;
});
afterAll(async () => {
  await server.close();
});

describe('role × action matrix', () => {
  for (const role of ROLES) {
    for (const action of actions) {
      const allowed = action.allowed.includes(role);
      it(`${role} ${allowed ? 'may' : 'may not'} ${action.method} ${JSON.stringify(action.params('<peer>'))}`, async () => {
        const target = await member('participant', 'Target');
        const actor = await member(role, `A ${role}`);
        // A table of methods: the parameters are checked by the server, not here.
        const reply = await actor.c.unchecked(action.method, action.params(target.id));
        if (!allowed) expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
        else if (action.allowedError) expect(reply).toMatchObject({ ok: false, error: { code: action.allowedError } });
        else expect(reply, JSON.stringify(reply)).toMatchObject({ ok: true });
        // A refused setRole really changed nothing.
        if (action.method === 'setRole' && !allowed) expect(room.participants.get(target.id)?.role).toBe('participant');
      });
    }
  }

  it('a moderator promotes and demotes; the target learns its new permissions', async () => {
    const mod = await member('moderator', 'Mod');
    const p = await member('participant', 'Pia');
    expect(await p.c.request('lockRoom', { locked: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await mod.c.request('setRole', { peerId: p.id, role: 'moderator' })).toMatchObject({ ok: true });
    const update = await p.c.notification('selfUpdated');
    expect(update.self.role).toBe('moderator');
    expect(update.permissions).toContain('lockRoom');
    expect(await p.c.request('lockRoom', { locked: true })).toMatchObject({ ok: true });
    expect((await mod.c.notification('roomLocked')).locked).toBe(true);
    expect(await mod.c.request('setRole', { peerId: p.id, role: 'participant' })).toMatchObject({ ok: true });
    expect(await p.c.request('lockRoom', { locked: false })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('a locked room refuses newcomers but lets moderators in', async () => {
    const mod = await member('moderator', 'Mod');
    await mod.c.request('lockRoom', { locked: true });
    const guest = await TestClient.connect(server.url);
    clients.push(guest);
    expect(await guest.enter(room.id, await tokenFor(server, room, 'participant'), 'Late')).toMatchObject({
      ok: false,
      error: { code: 'room_locked' },
    });
    await member('moderator', 'Co-moderator');
  });

  it('the last moderator cannot demote themselves', async () => {
    const mod = await member('moderator', 'Only mod');
    expect(await mod.c.request('setRole', { peerId: mod.id, role: 'participant' })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    const other = await member('moderator', 'Second mod');
    expect(await mod.c.request('setRole', { peerId: mod.id, role: 'participant' })).toMatchObject({ ok: true });
    expect(await other.c.request('setRole', { peerId: other.id, role: 'participant' })).toMatchObject({ ok: false });
  });

  it('a link is checked again at join: re-issuing between hello and join, or leaving, ends it', async () => {
    const r = await server.rooms.create({ title: 'Recheck' });
    const c = await TestClient.connect(server.url);
    clients.push(c);
    const hello = await c.request('hello', { roomId: r.id, token: await tokenFor(server, r, 'moderator') });
    expect(hello).toMatchObject({ ok: true });
    server.rooms.rotateLinks(r.id);
    const caps = hello.data.routerRtpCapabilities;
    expect(await c.request('join', { displayName: 'Too late', rtpCapabilities: caps })).toMatchObject({ ok: false, error: { code: 'invalid_link' } });

    const d = await TestClient.connect(server.url);
    clients.push(d);
    expect(await d.enter(r.id, await tokenFor(server, r, 'participant'), 'Once')).toMatchObject({ ok: true });
    expect(await d.request('leave')).toMatchObject({ ok: true });
    expect(await d.request('join', { displayName: 'Twice', rtpCapabilities: caps })).toMatchObject({ ok: false, error: { code: 'no_access' } });
    server.rooms.close(r.id);
  });

  it('duplicate names are shown distinguishably, and renaming keeps them distinct', async () => {
    const a = await member('participant', 'Anna');
    const b = await member('participant', 'Anna');
    expect(room.participants.get(b.id)?.displayName).toBe('Anna (2)');
    const c = await member('participant', 'Ben');
    expect(await c.c.request('setDisplayName', { displayName: 'anna' })).toMatchObject({ ok: true, data: { displayName: 'anna (3)' } });
    const seen = await a.c.notification('peerUpdated');
    expect(seen.peer).toMatchObject({ id: c.id, displayName: 'anna (3)' });
    expect(await c.c.request('setDisplayName', { displayName: '\u202Eevil' })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
  });
});

describe('lobby', () => {
  let lobbyRoom: Room;
  beforeAll(async () => {
    lobbyRoom = await server.rooms.create({ title: 'With lobby', lobby: true });
  });

  it('guests wait; presenters and moderators go straight in; a moderator admits and denies', async () => {
    const mod = await member('moderator', 'Mod', { room: lobbyRoom });
    await member('presenter', 'Presenter', { room: lobbyRoom });

    const guest = await TestClient.connect(server.url);
    const other = await TestClient.connect(server.url);
    clients.push(guest, other);
    expect(await guest.enter(lobbyRoom.id, await tokenFor(server, lobbyRoom, 'participant'), 'Gina')).toMatchObject({
      ok: true,
      data: { status: 'waiting' },
    });
    expect(lobbyRoom.participants.size).toBe(2);
    // Waiting is not joined: no media, no moderator actions.
    expect(await guest.request('createTransport', { direction: 'recv' })).toMatchObject({ ok: false, error: { code: 'not_joined' } });
    const waiting = await mod.c.notification('lobbyChanged');
    expect(waiting.entries).toEqual([{ id: expect.any(String), displayName: 'Gina' }]);

    expect(await mod.c.request('admit', { lobbyId: waiting.entries[0]!.id })).toMatchObject({ ok: true });
    const admitted = await guest.notification('admitted');
    expect(admitted.self).toMatchObject({ displayName: 'Gina', role: 'participant' });
    expect(admitted.peers.map((p: { displayName: string }) => p.displayName).sort()).toEqual(['Mod', 'Presenter']);
    expect(lobbyRoom.participants.size).toBe(3);
    expect(await guest.request('createTransport', { direction: 'recv' })).toMatchObject({ ok: true });

    mod.c.notifications.length = 0;
    await other.enter(lobbyRoom.id, await tokenFor(server, lobbyRoom, 'participant'), 'Otto');
    const second = await mod.c.notification('lobbyChanged');
    expect(await mod.c.request('deny', { lobbyId: second.entries[0]!.id })).toMatchObject({ ok: true });
    await other.notification('denied');
    expect(await other.request('join', { displayName: 'Otto', rtpCapabilities: {} })).toMatchObject({
      ok: false,
      error: { code: 'no_access' },
    });
    expect(lobbyRoom.participants.size).toBe(3);
  });

  it('a moderator can admit into a locked room; a full lobby refuses more', async () => {
    const small = await server.rooms.create({ title: 'Small', lobby: true, maxParticipants: 3 });
    const mod = await member('moderator', 'Mod', { room: small });
    await mod.c.request('lockRoom', { locked: true });
    const guest = await TestClient.connect(server.url);
    clients.push(guest);
    // Locked: even the lobby is closed to newcomers.
    expect(await guest.enter(small.id, await tokenFor(server, small, 'participant'), 'G')).toMatchObject({ ok: false, error: { code: 'room_locked' } });
    await mod.c.request('lockRoom', { locked: false });
    expect(await guest.request('join', { displayName: 'G', rtpCapabilities: {} })).toMatchObject({ ok: true, data: { status: 'waiting' } });
    await mod.c.request('lockRoom', { locked: true });
    const lobbyId = small.lobby.list()[0]!.id;
    expect(await mod.c.request('admit', { lobbyId })).toMatchObject({ ok: true });
    expect((await guest.notification('admitted')).self.displayName).toBe('G');
    expect(small.participants.size).toBe(2);

    await mod.c.request('lockRoom', { locked: false });
    const waiting: TestClient[] = [];
    for (const name of ['W1', 'W2', 'W3']) {
      const w = await TestClient.connect(server.url);
      clients.push(w);
      waiting.push(w);
      expect(await w.enter(small.id, await tokenFor(server, small, 'participant'), name)).toMatchObject({ ok: true, data: { status: 'waiting' } });
    }
    const third = await TestClient.connect(server.url);
    clients.push(third);
    expect(await third.enter(small.id, await tokenFor(server, small, 'participant'), 'W4')).toMatchObject({ ok: false, error: { code: 'room_full' } });
    expect(await mod.c.request('admit', { lobbyId: small.lobby.list()[0]!.id })).toMatchObject({ ok: true });
    // Now the room is full: admitting more keeps them waiting.
    expect(await mod.c.request('admit', { lobbyId: small.lobby.list()[0]!.id })).toMatchObject({ ok: false, error: { code: 'room_full' } });
    expect(small.lobby.size).toBe(2);
    expect(small.participants.size).toBe(3);
  });

  it("someone who leaves the lobby disappears from the moderators' list", async () => {
    const mod = await member('moderator', 'Mod', { room: lobbyRoom });
    const guest = await TestClient.connect(server.url);
    clients.push(guest);
    await guest.enter(lobbyRoom.id, await tokenFor(server, lobbyRoom, 'participant'), 'Quick');
    await waitFor(() => mod.c.notifications.some((n) => n.method === 'lobbyChanged' && n.data.entries.length === 1), 5000, 'lobby entry');
    await guest.close();
    await waitFor(
      () => {
        const last = mod.c.notifications.filter((n) => n.method === 'lobbyChanged').at(-1);
        return last?.data.entries.length === 0;
      },
      5000,
      'empty lobby',
    );
  });
});
