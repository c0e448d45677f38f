// The real server with a real mediasoup worker, driven over a real WebSocket.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { startTestServer, tokenFor, waitFor } from '../helpers/server.js';
import { connector } from '../helpers/members.js';
import { TestClient } from '../helpers/ws-client.js';
import { mediasoupRouter } from '../../server/media/sfu-router.js';

let server: RunningServer;
let roomA: Room;
let roomB: Room;
const clients: TestClient[] = [];

const client = connector(() => server, clients);

async function joined(room: Room, displayName = 'Tester'): Promise<TestClient> {
  const c = await client();
  const r = await c.enter(room.id, await tokenFor(server, room, 'participant'), displayName);
  expect(r).toMatchObject({ ok: true, data: { status: 'joined' } });
  return c;
}

const fingerprints = [{ algorithm: 'sha-256', value: 'AB' }];

const transportCount = async (room: Room) => (await mediasoupRouter(room.router).dump()).transportIds.length;

beforeAll(async () => {
  // A lost connection is held for resuming; one second is enough here (resume.test.ts covers it).
  server = await startTestServer({ signalling: { resumeGraceSeconds: 1 } });
  roomA = await server.rooms.create({ title: 'A', maxParticipants: 3 });
  roomB = await server.rooms.create({ title: 'B', maxParticipants: 10 });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await waitFor(() => roomA.participants.size === 0 && roomB.participants.size === 0, 5000, 'rooms to empty');
});
afterAll(async () => {
  await server.close();
});

describe('typed errors', () => {
  it('answers malformed JSON, non-requests, unknown methods and wrong types', async () => {
    const c = await client();
    expect((await c.raw('{not json')).error?.code).toBe('bad_json');
    expect(await c.raw(JSON.stringify({ id: 5, hello: 'world' }))).toMatchObject({ id: 5, ok: false, error: { code: 'bad_request' } });
    expect(await c.unchecked('fly')).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(await c.unchecked('createTransport', { direction: ['send'] })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect((await c.raw(Buffer.from([1, 2, 3]), { binary: true })).error?.code).toBe('bad_request');
  });

  it('refuses requests out of order', async () => {
    const c = await client();
    expect(await c.request('createTransport', { direction: 'send' })).toMatchObject({ ok: false, error: { code: 'not_joined' } });
    expect(await c.request('leave')).toMatchObject({ ok: false, error: { code: 'not_joined' } });
    expect(await c.request('join', { displayName: 'A', rtpCapabilities: {} })).toMatchObject({ ok: false, error: { code: 'no_access' } });
    const token = await tokenFor(server, roomA, 'participant');
    expect(await c.request('hello', { roomId: 'no-such-room', token })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const j = await joined(roomA);
    expect(await j.request('join', { displayName: 'Again', rtpCapabilities: {} })).toMatchObject({
      ok: false,
      error: { code: 'already_joined' },
    });
    expect(await j.request('hello', { roomId: roomA.id, token })).toMatchObject({ ok: false, error: { code: 'already_joined' } });
    expect(await j.request('consume', { producerId: 'nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await j.request('connectTransport', { transportId: 'nope', dtlsParameters: { fingerprints } })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('refuses fields the protocol does not have (no e-mail, no avatar)', async () => {
    const c = await client();
    const hello = await c.request('hello', { roomId: roomA.id, token: await tokenFor(server, roomA, 'participant') });
    const caps = hello.data.routerRtpCapabilities;
    for (const extra of [{ email: 'ada@example.org' }, { avatar: 'https://example.org/a.png' }, { phone: '+49 30 1234' }]) {
      const r = await c.request('join', { displayName: 'Ada', rtpCapabilities: caps, ...extra });
      expect(r).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    }
    expect(roomA.participants.size).toBe(0);
  });

  it('limits a participant to one send and one recv transport and one consumer per producer', async () => {
    const c = await joined(roomA);
    expect(await c.request('createTransport', { direction: 'send' })).toMatchObject({ ok: true });
    expect(await c.request('createTransport', { direction: 'send' })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(await c.request('createTransport', { direction: 'recv' })).toMatchObject({ ok: true });
    expect(await c.request('createTransport', { direction: 'recv' })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(await transportCount(roomA)).toBe(2);
  });

  it('answers an oversized frame with too_large and keeps the connection usable', async () => {
    const c = await client();
    const big = JSON.stringify({ type: 'request', id: 1, method: 'leave', data: { pad: 'x'.repeat(70_000) } });
    expect((await c.raw(big)).error?.code).toBe('too_large');
    expect(await c.request('leave')).toMatchObject({ ok: false, error: { code: 'not_joined' } });
    expect(c.socket.readyState).toBe(c.socket.OPEN);
  });

  it("refuses to touch another participant's transport", async () => {
    const alice = await joined(roomA, 'Alice');
    const mallory = await joined(roomA, 'Mallory');
    const t = await alice.request('createTransport', { direction: 'send' });
    const r = await mallory.request('connectTransport', { transportId: t.data.id, dtlsParameters: { fingerprints } });
    expect(r).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('enforces the room size limit with room_full', async () => {
    await joined(roomA);
    await joined(roomA);
    await joined(roomA);
    const c = await client();
    const r = await c.enter(roomA.id, await tokenFor(server, roomA, 'participant'), 'Late');
    expect(r).toMatchObject({ ok: false, error: { code: 'room_full' } });
  });
});

describe('isolation and cleanup', () => {
  it('keeps serving other rooms while one client sends garbage', async () => {
    const bob = await joined(roomB, 'Bob');
    const noisy = await client();
    const garbage = ['', '{', '[]', 'null', '"x"', '{"type":"request","id":1}', '{"type":"request","id":2,"method":"produce","data":{}}'];
    // Sent back to back in bursts below the in-flight limit: every frame gets its own typed error.
    for (let round = 0; round < 10; round++) {
      const replies = await noisy.burst(garbage.concat(garbage, garbage, garbage));
      expect(replies).toHaveLength(28);
      for (const r of replies) {
        expect(r.ok).toBe(false);
        expect(['bad_json', 'bad_request', 'invalid_params']).toContain(r.error?.code);
      }
    }
    expect(await bob.request('createTransport', { direction: 'recv' })).toMatchObject({ ok: true });
    expect(roomB.participants.size).toBe(1);
  });

  it('keeps producers and notifications inside their room', async () => {
    const alice = await joined(roomA, 'Alice');
    const carol = await joined(roomA, 'Carol');
    const bob = await joined(roomB, 'Bob');
    const send = await alice.request('createTransport', { direction: 'send' });
    const rtpParameters = {
      codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] }],
      encodings: [{ ssrc: 11111111 }],
      headerExtensions: [],
      rtcp: { cname: 'x' },
    };
    const produced = await alice.request('produce', { transportId: send.data.id, kind: 'audio', source: 'mic', rtpParameters });
    expect(produced).toMatchObject({ ok: true });
    const { producerId } = produced.data;
    expect((await carol.notification('producerAdded')).producerId).toBe(producerId);
    await carol.request('createTransport', { direction: 'recv' });
    await bob.request('createTransport', { direction: 'recv' });
    expect(await carol.request('consume', { producerId })).toMatchObject({ ok: true, data: { kind: 'audio', source: 'mic' } });
    expect(await carol.request('consume', { producerId })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(await bob.request('consume', { producerId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await alice.request('consume', { producerId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await bob.request('pauseProducer', { producerId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(bob.notifications.map((n) => n.method)).not.toContain('producerAdded');
    expect(bob.notifications.map((n) => n.method)).not.toContain('peerJoined');
  });

  it('announces joins and leaves and closes all transports on leave', async () => {
    const alice = await joined(roomB, 'Alice');
    const bob = await joined(roomB, 'Bob');
    expect((await alice.notification('peerJoined')).peer.displayName).toBe('Bob');
    const send = await bob.request('createTransport', { direction: 'send' });
    await bob.request('createTransport', { direction: 'recv' });
    expect(send.data.iceCandidates.map((c) => c.address)).toContain('127.0.0.1');
    expect(await transportCount(roomB)).toBe(2);
    expect(await bob.request('leave')).toMatchObject({ ok: true });
    const bobId = (await alice.notification('peerJoined')).peer.id;
    const left = await alice.notification('peerLeft');
    expect(left.peerId).toBe(bobId);
    expect(await transportCount(roomB)).toBe(0);
    expect(roomB.participants.size).toBe(1);
  });

  it('cleans up when the socket is lost without a leave, after the resume grace period', async () => {
    const alice = await joined(roomB, 'Alice');
    const bob = await joined(roomB, 'Bob');
    await bob.request('createTransport', { direction: 'send' });
    await bob.request('createTransport', { direction: 'recv' });
    await alice.request('createTransport', { direction: 'recv' });
    expect(await transportCount(roomB)).toBe(3);
    bob.socket.terminate();
    await alice.notification('peerLeft');
    await waitFor(async () => (await transportCount(roomB)) === 1, 5000, 'transports to close');
    expect(roomB.participants.size).toBe(1);
  });
});
