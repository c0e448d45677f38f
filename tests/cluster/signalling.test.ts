// Several nodes, signalling only (in-process nodes, bare WebSocket clients,
// a real redis-server): definitions everywhere, placement, the relay and
// close codes across it, burst-safe placement, draining, a Redis outage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.js';
import { admin, nodeConfig, nodeSpec, sharedSecrets, TestRedis } from '../helpers/cluster.js';
import { startTestServer, waitFor } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';

let redis: TestRedis;
const nodes: RunningServer[] = [];
const secrets = sharedSecrets();
const clients: TestClient[] = [];

async function client(base: string, roomId: string): Promise<TestClient> {
  const c = await TestClient.connect(base, roomId);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  redis = await TestRedis.start();
  const first = await nodeSpec('a');
  nodes.push(await startTestServer(nodeConfig(first, redis.url, secrets), { dataDir: first.dataDir }));
  for (const id of ['b', 'c']) {
    const spec = await nodeSpec(id, first.dataDir);
    nodes.push(await startTestServer(nodeConfig(spec, redis.url, secrets), { dataDir: spec.dataDir }));
  }
  await waitFor(async () => (await admin(nodes[0]!.url, secrets.adminToken, 'GET', '/nodes')).json.nodes.filter((n: any) => n.alive).length === 3, 20_000, 'three nodes');
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.socket.terminate();
  for (const n of nodes) await n.close().catch(() => undefined);
  await redis?.kill();
});

const [A, B, C] = [0, 1, 2];

describe('several nodes on Redis', () => {
  it('a room created through one node is listed by the others, relayed to its home, and close codes survive the hop', async () => {
    const created = await admin(nodes[A]!.url, secrets.adminToken, 'POST', '/rooms', { title: 'Relay class' });
    expect(created.status).toBe(201);
    const roomId = created.json.room.id as string;
    const modToken = new URL(created.json.links.moderator).hash.slice(3);
    const guestToken = new URL(created.json.links.guest).hash.slice(3);
    await waitFor(async () => (await admin(nodes[C]!.url, secrets.adminToken, 'GET', '/rooms')).json.rooms.some((r: any) => r.id === roomId), 10_000, 'room on C');

    const onA = await client(nodes[A]!.url, roomId);
    expect(await onA.enter(roomId, modToken, 'Teacher')).toMatchObject({ ok: true });
    const live = await waitFor(async () => (await admin(nodes[C]!.url, secrets.adminToken, 'GET', `/rooms/${roomId}`)).json.room.node, 10_000, 'live counts');
    expect(live).toBe('a');

    const viaB = await client(nodes[B]!.url, roomId);
    expect(await viaB.enter(roomId, guestToken, 'Pupil')).toMatchObject({ ok: true, data: { status: 'joined' } });
    await waitFor(() => onA.notifications.some((n) => n.method === 'peerJoined'), 10_000, 'peerJoined on A');
    expect(nodes[A]!.rooms.get(roomId)!.participants.size).toBe(2);
    expect(nodes[B]!.rooms.get(roomId)!.participants.size).toBe(0);

    // A clean close (1001, the page closed) through B is a leave at once on A…
    viaB.socket.close(1001);
    await waitFor(() => nodes[A]!.rooms.get(roomId)!.participants.size === 1, 10_000, 'leave after 1001');
    // …a vanished connection (no close frame) is held for resume, and resumes through another node.
    const again = await client(nodes[B]!.url, roomId);
    const joined = await again.enter(roomId, guestToken, 'Pupil');
    const token = joined.data.resume.token as string;
    again.socket.terminate();
    await waitFor(() => [...nodes[A]!.rooms.get(roomId)!.participants.values()].length === 2, 5_000, 'still two');
    const viaC = await client(nodes[C]!.url, roomId);
    expect(await viaC.request('resume', { roomId, token })).toMatchObject({ ok: true });
    expect(nodes[A]!.rooms.get(roomId)!.participants.size).toBe(2);
  });

  it('places ten new rooms at once on different nodes', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) ids.push((await admin(nodes[A]!.url, secrets.adminToken, 'POST', '/rooms', { title: `Burst ${i}` })).json.room.id);
    await waitFor(async () => {
      const rooms = (await admin(nodes[B]!.url, secrets.adminToken, 'GET', '/rooms')).json.rooms;
      return ids.every((id) => rooms.some((r: any) => r.id === id));
    }, 10_000, 'rooms on B');
    const sockets = await Promise.all(ids.map((id, i) => client(nodes[i % 3]!.url, id)));
    await Promise.all(sockets.map((s, i) => s.request('hello', { roomId: ids[i], token: 'x' })));
    const homes = nodes.map((n) => n.cluster!.homes.owned.size);
    // Spread, not piled on one node (A already hosted the first test's room).
    expect(homes.reduce((a, b) => a + b)).toBe(10);
    expect(Math.max(...homes)).toBeLessThanOrEqual(5);
    expect(Math.min(...homes)).toBeGreaterThanOrEqual(2);
  });
});
