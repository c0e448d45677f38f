// The real server with a real mediasoup worker, driven over a real WebSocket.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { startTestServer, waitFor } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';

let server: RunningServer;
let roomA: Room;
let roomB: Room;
const clients: TestClient[] = [];

async function client(): Promise<TestClient> {
  const c = await TestClient.connect(server.url);
  clients.push(c);
  return c;
}

async function joined(room: Room, displayName = 'Tester'): Promise<TestClient> {
  const c = await client();
  const caps = await c.request('getRouterRtpCapabilities', { roomId: room.id });
  const r = await c.request('join', { roomId: room.id, displayName, rtpCapabilities: caps.data.routerRtpCapabilities });
  expect(r.ok).toBe(true);
  return c;
}

const transportCount = async (room: Room) => (await room.router.dump()).transportIds.length;

beforeAll(async () => {
  server = await startTestServer();
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
    expect((await c.raw(JSON.stringify({ id: 5, hello: 'world' })))).toMatchObject({ id: 5, ok: false, error: { code: 'bad_request' } });
    expect(await c.request('fly')).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(await c.request('createTransport', { direction: ['send'] })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect((await c.raw(Buffer.from([1, 2, 3]), { binary: true })).error?.code).toBe('bad_request');
  });

  it('refuses requests out of order', async () => {
    const c = await client();
    expect(await c.request('createTransport', { direction: 'send' })).toMatchObject({ ok: false, error: { code: 'not_joined' } });
    expect(await c.request('leave')).toMatchObject({ ok: false, error: { code: 'not_joined' } });
    expect(await c.request('join', { roomId: 'no-such-room', displayName: 'A', rtpCapabilities: {} })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    const j = await joined(roomA);
    expect(await j.request('join', { roomId: roomA.id, displayName: 'Again', rtpCapabilities: {} })).toMatchObject({
      ok: false,
      error: { code: 'already_joined' },
    });
    expect(await j.request('consume', { producerId: 'nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await j.request('connectTransport', { transportId: 'nope', dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AB' }] } })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('answers an oversized frame with too_large and keeps the connection usable', async () => {
    const c = await client();
    const big = JSON.stringify({ type: 'request', id: 1, method: 'leave', data: { pad: 'x'.repeat(70_000) } });
    expect((await c.raw(big)).error?.code).toBe('too_large');
    expect(await c.request('getRouterRtpCapabilities', { roomId: roomA.id })).toMatchObject({ ok: true });
  });

  it('refuses to touch another participant\'s transport', async () => {
    const alice = await joined(roomA, 'Alice');
    const mallory = await joined(roomA, 'Mallory');
    const t = await alice.request('createTransport', { direction: 'send' });
    const r = await mallory.request('connectTransport', {
      transportId: t.data.id,
      dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AB' }] },
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('enforces the room size limit with room_full', async () => {
    await joined(roomA);
    await joined(roomA);
    await joined(roomA);
    const c = await client();
    const r = await c.request('join', { roomId: roomA.id, displayName: 'Late', rtpCapabilities: {} });
    expect(r).toMatchObject({ ok: false, error: { code: 'room_full' } });
  });
});

describe('isolation and cleanup', () => {
  it('keeps serving other rooms while one client sends garbage', async () => {
    const bob = await joined(roomB, 'Bob');
    const noisy = await client();
    const garbage = ['', '{', '[]', 'null', '"x"', '{"type":"request","id":1}', '{"type":"request","id":2,"method":"produce","data":{}}'];
    const sent = garbage.flatMap((g) => Array.from({ length: 20 }, () => noisy.raw(g)));
    const replies = await Promise.all(sent);
    expect(replies.every((r) => r.ok === false && typeof r.error?.code === 'string')).toBe(true);
    expect(await bob.request('createTransport', { direction: 'recv' })).toMatchObject({ ok: true });
    expect(roomB.participants.size).toBe(1);
  });

  it('announces joins and leaves and closes all transports on leave', async () => {
    const alice = await joined(roomB, 'Alice');
    const bob = await joined(roomB, 'Bob');
    expect((await alice.notification('peerJoined')).peer.displayName).toBe('Bob');
    const send = await bob.request('createTransport', { direction: 'send' });
    await bob.request('createTransport', { direction: 'recv' });
    expect(send.data.iceCandidates.map((c: { address: string }) => c.address)).toContain('127.0.0.1');
    expect(await transportCount(roomB)).toBe(2);
    expect(await bob.request('leave')).toMatchObject({ ok: true });
    const left = await alice.notification('peerLeft');
    expect(left.peerId).toBeTypeOf('string');
    expect(await transportCount(roomB)).toBe(0);
    expect(roomB.participants.size).toBe(1);
  });

  it('cleans up when the socket is lost without a leave', async () => {
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
