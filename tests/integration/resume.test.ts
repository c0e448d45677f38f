// Signalling loss: a participant whose WebSocket drops (no close frame) keeps
// name, role, raised hand and media for the grace period, and a new connection
// with the resume token takes over, receiving what it missed in order. After
// the grace period they have left, and the ledger records the leave.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { startTestServer, tokenFor, waitFor } from '../helpers/server.js';
import { connector } from '../helpers/members.js';
import { TestClient } from '../helpers/ws-client.js';

const GRACE = 3;
let server: RunningServer;
let room: Room;
const clients: TestClient[] = [];

const client = connector(() => server, clients);

async function joined(name: string, role: 'participant' | 'moderator' = 'participant') {
  const c = await client();
  const r = await c.enter(room.id, await tokenFor(server, room, role), name);
  expect(r).toMatchObject({ ok: true, data: { status: 'joined', resume: { graceSeconds: GRACE } } });
  return { c, self: r.data.self as { id: string }, resume: r.data.resume as { token: string } };
}

const fingerprints = [{ algorithm: 'sha-256', value: 'AB' }];

beforeAll(async () => {
  server = await startTestServer({ signalling: { resumeGraceSeconds: GRACE } });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await waitFor(() => room.participants.size === 0, (GRACE + 3) * 1000, 'room to empty');
});
afterAll(async () => {
  await server.close();
});

describe('resuming after a dropped connection', () => {
  it('keeps name, role, hand and media, and replays what was missed', async () => {
    room = await server.rooms.create({ title: 'Resume' });
    const teacher = await joined('Teacher', 'moderator');
    const alice = await joined('Alice');
    await alice.c.request('raiseHand');
    const send = await alice.c.request('createTransport', { direction: 'send' });
    await alice.c.request('connectTransport', { transportId: send.data.id, dtlsParameters: { role: 'client', fingerprints } });
    const produced = await alice.c.request('produce', {
      transportId: send.data.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 1111 }] },
    });
    expect(produced.ok).toBe(true);

    alice.c.socket.terminate(); // no close frame: the network went away
    // However long the server takes to notice the drop, the test waits for it.
    await waitFor(() => server.resume.isHeld(room.participants.get(alice.self.id)!), 30_000, 'the server to notice the drop');
    // While away: still in the room, and missing a chat message and a rename of the teacher.
    expect(room.participants.has(alice.self.id)).toBe(true);
    await teacher.c.request('sendChat', { text: 'while you were away' });
    await teacher.c.request('setDisplayName', { displayName: 'Ms Teacher' });

    const back = await client();
    const resumed = await back.request('resume', { roomId: room.id, token: alice.resume.token });
    expect(resumed).toMatchObject({ ok: true, data: { self: { id: alice.self.id, displayName: 'Alice', role: 'participant' } } });
    const chat = await back.notification('chatMessage');
    expect(chat.text).toBe('while you were away');
    expect((await back.notification('peerUpdated')).peer.displayName).toBe('Ms Teacher');
    // The same participation: hand still up, producer still there, nobody saw a leave.
    expect(room.classroom.hands).toContain(alice.self.id);
    expect(room.participants.get(alice.self.id)!.media.producers.has(produced.data.producerId)).toBe(true);
    expect(teacher.c.notifications.some((n) => n.method === 'peerLeft')).toBe(false);
    // And it acts as Alice again.
    const lowered = teacher.c.nextNotification('handsChanged');
    expect(await back.request('lowerHand', {})).toMatchObject({ ok: true });
    expect((await lowered).count).toBe(0);
    await teacher.c.request('sendChat', { text: 'live again' });
    await waitFor(() => back.notifications.some((n) => n.method === 'chatMessage' && n.data.text === 'live again'), 30_000);
  });

  it('after the grace period the participant has left, and the ledger records the leave', async () => {
    room = await server.rooms.create({ title: 'Gone' });
    const teacher = await joined('Teacher', 'moderator');
    const bob = await joined('Bob');
    bob.c.socket.terminate();
    const left = Date.now();
    expect((await teacher.c.notification('peerLeft', (GRACE + 3) * 1000)).peerId).toBe(bob.self.id);
    expect(Date.now() - left).toBeGreaterThanOrEqual(GRACE * 1000 - 200); // held, not dropped at once
    const late = await client();
    expect(await late.request('resume', { roomId: room.id, token: bob.resume.token })).toMatchObject({ ok: false, error: { code: 'resume_failed' } });
    const meeting = server.ledger!.meetings().find((m) => m.roomId === room.id)!;
    // The leave reaches the disk just after the others are told.
    await server.ledger!.idle();
    const events = server.ledger!.read(meeting.id).filter((e) => e.displayName === 'Bob' || e.session === bob.self.id);
    expect(events.map((e) => e.type)).toEqual(['join', 'leave']);
  });

  it('a clean close (page closed) leaves at once; a wrong token or room is refused', async () => {
    room = await server.rooms.create({ title: 'Clean' });
    const teacher = await joined('Teacher', 'moderator');
    const carol = await joined('Carol');
    const other = await server.rooms.create({ title: 'Other' });
    const thief = await client();
    expect(await thief.request('resume', { roomId: other.id, token: carol.resume.token })).toMatchObject({ ok: false, error: { code: 'resume_failed' } });
    expect(await thief.request('resume', { roomId: room.id, token: 'x'.repeat(32) })).toMatchObject({ ok: false, error: { code: 'resume_failed' } });
    await carol.c.close();
    const t0 = Date.now();
    expect((await teacher.c.notification('peerLeft', 30_000)).peerId).toBe(carol.self.id);
    expect(Date.now() - t0).toBeLessThan(GRACE * 1000);
    expect(await thief.request('resume', { roomId: room.id, token: carol.resume.token })).toMatchObject({ ok: false, error: { code: 'resume_failed' } });
    server.rooms.close(other.id);
  });
});
