// Several nodes, signalling only (in-process nodes, bare WebSocket clients,
// a real redis-server): definitions everywhere, placement, the relay and
// close codes across it, burst-safe placement, draining, a Redis outage.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.js';
import { admin, nodeConfig, nodeSpec, ROOT, sharedSecrets, TestRedis } from '../helpers/cluster.js';
import { startTestServer, waitFor } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';

let redis: TestRedis;
const nodes: RunningServer[] = [];
const secrets = sharedSecrets();
const clients: TestClient[] = [];

async function client(base: string, roomId: string): Promise<TestClient> {
  const c = await TestClient.connect(base, { roomId });
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
  await waitFor(
    async () => (await admin(nodes[0]!.adminUrl, secrets.adminToken, 'GET', '/nodes')).json.nodes.filter((n: any) => n.alive).length === 3,
    20_000,
    'three nodes',
  );
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.socket.terminate();
  for (const n of nodes) await n.close().catch(() => undefined);
  await redis?.kill();
});

const [A, B, C] = [0, 1, 2];

describe('several nodes on Redis', () => {
  it('a room created through one node is listed by the others, relayed to its home, and close codes survive the hop', async () => {
    const created = await admin(nodes[A]!.adminUrl, secrets.adminToken, 'POST', '/rooms', { title: 'Relay class' });
    expect(created.status).toBe(201);
    const roomId = created.json.room.id as string;
    const modToken = new URL(created.json.links.moderator).hash.slice(3);
    const guestToken = new URL(created.json.links.guest).hash.slice(3);
    await waitFor(
      async () => (await admin(nodes[C]!.adminUrl, secrets.adminToken, 'GET', '/rooms')).json.rooms.some((r: any) => r.id === roomId),
      10_000,
      'room on C',
    );

    const onA = await client(nodes[A]!.url, roomId);
    expect(await onA.enter(roomId, modToken, 'Teacher')).toMatchObject({ ok: true });
    const live = await waitFor(
      async () => (await admin(nodes[C]!.adminUrl, secrets.adminToken, 'GET', `/rooms/${roomId}`)).json.room.node,
      10_000,
      'live counts',
    );
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
    const token = joined.data.resume.token;
    again.socket.terminate();
    await waitFor(() => [...nodes[A]!.rooms.get(roomId)!.participants.values()].length === 2, 5_000, 'still two');
    const viaC = await client(nodes[C]!.url, roomId);
    expect(await viaC.request('resume', { roomId, token })).toMatchObject({ ok: true });
    expect(nodes[A]!.rooms.get(roomId)!.participants.size).toBe(2);
  });

  it('places ten new rooms at once on different nodes', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) ids.push((await admin(nodes[A]!.adminUrl, secrets.adminToken, 'POST', '/rooms', { title: `Burst ${i}` })).json.room.id);
    await waitFor(
      async () => {
        const rooms = (await admin(nodes[B]!.adminUrl, secrets.adminToken, 'GET', '/rooms')).json.rooms;
        return ids.every((id) => rooms.some((r: any) => r.id === id));
      },
      10_000,
      'rooms on B',
    );
    const sockets = await Promise.all(ids.map((id, i) => client(nodes[i % 3]!.url, id)));
    await Promise.all(sockets.map((s, i) => s.request('hello', { roomId: ids[i]!, token: 'x' })));
    const homes = nodes.map((n) => n.cluster!.homes.owned.size);
    // Spread, not piled on one node (A already hosted the first test's room).
    expect(homes.reduce((a, b) => a + b)).toBe(10);
    expect(Math.max(...homes)).toBeLessThanOrEqual(5);
    expect(Math.min(...homes)).toBeGreaterThanOrEqual(2);
  });
});

describe('Redis outage', () => {
  it('running classes go on, new rooms answer unavailable, and everything works again once Redis is back', async () => {
    const make = async (title: string) => (await admin(nodes[B]!.adminUrl, secrets.adminToken, 'POST', '/rooms', { title })).json;
    const running = await make('Runs through the outage');
    const waiting = await make('Never placed before the outage');
    const roomId = running.room.id as string;
    await waitFor(
      async () =>
        (await admin(nodes[C]!.adminUrl, secrets.adminToken, 'GET', '/rooms')).json.rooms.filter((r: any) => [roomId, waiting.room.id].includes(r.id))
          .length === 2,
      10_000,
      'rooms on C',
    );
    const t1 = await client(nodes[C]!.url, roomId);
    expect(await t1.enter(roomId, new URL(running.links.moderator).hash.slice(3), 'Outage Teacher')).toMatchObject({ ok: true });
    const t2 = await client(nodes[B]!.url, roomId);
    expect(await t2.enter(roomId, new URL(running.links.guest).hash.slice(3), 'Outage Pupil')).toMatchObject({ ok: true });

    await redis.kill();
    // The class carries on: chat from one to the other (one of them relayed).
    expect(await t2.request('sendChat', { text: 'still here' })).toMatchObject({ ok: true });
    await waitFor(() => t1.notifications.some((n) => n.method === 'chatMessage' && n.data.text === 'still here'), 10_000, 'chat during the outage');
    // New rooms and placing one: a clear `unavailable`, not a hang.
    const refused = await admin(nodes[A]!.adminUrl, secrets.adminToken, 'POST', '/rooms', { title: 'During the outage' });
    expect(refused.status).toBe(503);
    expect(refused.json.error.code).toBe('unavailable');
    const late = await client(nodes[A]!.url, waiting.room.id);
    const answer = await late.request('hello', { roomId: waiting.room.id, token: new URL(waiting.links.guest).hash.slice(3) });
    expect(answer).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(answer.error!.message).toMatch(/try again/);

    await redis.restart();
    await waitFor(
      async () => (await admin(nodes[A]!.adminUrl, secrets.adminToken, 'GET', '/nodes')).json.nodes.filter((n: any) => n.alive).length === 3,
      30_000,
      'nodes registered again',
    );
    const after = await waitFor(
      async () => {
        const r = await admin(nodes[A]!.adminUrl, secrets.adminToken, 'POST', '/rooms', { title: 'After the outage' });
        return r.status === 201 ? r : undefined;
      },
      20_000,
      'room creation works again',
    );
    expect(after.json.room.id).toMatch(/^[0-9a-f]{32}$/);
    const now = await client(nodes[A]!.url, waiting.room.id);
    expect(await now.enter(waiting.room.id, new URL(waiting.links.guest).hash.slice(3), 'After Pupil')).toMatchObject({ ok: true });
    // The running class was never interrupted.
    expect(await t1.request('sendChat', { text: 'after' })).toMatchObject({ ok: true });
    await waitFor(() => t2.notifications.some((n) => n.method === 'chatMessage' && n.data.text === 'after'), 10_000, 'chat after');
  });
});

describe('Redis back empty', () => {
  it('nodes re-announce the rooms they host and restore the definitions from their copy', async () => {
    const r = (await admin(nodes[B]!.adminUrl, secrets.adminToken, 'POST', '/rooms', { title: 'Survives an empty Redis' })).json;
    const roomId = r.room.id as string;
    const other = (await admin(nodes[B]!.adminUrl, secrets.adminToken, 'POST', '/rooms', { title: 'Placed after' })).json;
    await waitFor(() => nodes.every((n) => n.rooms.get(other.room.id)), 10_000, 'definitions everywhere');
    const c = await client(nodes[A]!.url, roomId);
    expect(await c.enter(roomId, new URL(r.links.guest).hash.slice(3), 'Empty Redis Pupil')).toMatchObject({ ok: true });
    const home = nodes.find((n) => n.cluster!.homes.owned.has(roomId))!;
    await redis.kill();
    for (const f of fs.readdirSync(redis.dir)) fs.rmSync(`${redis.dir}/${f}`, { recursive: true, force: true });
    await redis.restart();
    await waitFor(async () => ((await home.cluster!.redis.call('SCARD', 'aula:rooms').catch(() => 0)) as number) >= 2, 30_000, 'definitions restored');
    await waitFor(async () => (await home.cluster!.redis.call('GET', `aula:r:{${roomId}}:home`).catch(() => null)) !== null, 30_000, 'home re-announced');
    // The class was not interrupted, and its node still hosts it.
    expect(home.cluster!.homes.owned.has(roomId)).toBe(true);
    expect(c.notifications.some((n) => n.method === 'roomClosed')).toBe(false);
    expect(await c.request('sendChat', { text: 'after an empty redis' })).toMatchObject({ ok: true });
    // A room nobody hosted is placed again.
    const late = await client(nodes[C]!.url, other.room.id);
    expect(await late.enter(other.room.id, new URL(other.links.guest).hash.slice(3), 'Placed Pupil')).toMatchObject({ ok: true });
  });
});

describe('nodes: list, drain, fencing', () => {
  it('`npx aula node list` on any node shows all three; a drained node gets no new rooms', async () => {
    const cli = async (node: RunningServer, ...args: string[]) => {
      const { execFile } = await import('node:child_process');
      return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, ['bin/aula.mjs', ...args, '--url', node.adminUrl, '--token', secrets.adminToken], { cwd: ROOT }, (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    };
    const listed = await cli(nodes[C]!, 'node', 'list', '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).nodes.map((n: any) => [n.id, n.alive, n.state])).toEqual([
      ['a', true, 'serving'],
      ['b', true, 'serving'],
      ['c', true, 'serving'],
    ]);
    expect((await cli(nodes[A]!, 'node', 'drain', 'b')).code).toBe(0);
    expect((await cli(nodes[A]!, 'node', 'list')).stdout).toMatch(/^b {2}draining/m);
    const before = nodes[B]!.cluster!.homes.owned.size;
    for (let i = 0; i < 4; i++) {
      const r = (await admin(nodes[C]!.adminUrl, secrets.adminToken, 'POST', '/rooms', { title: `After drain ${i}` })).json;
      await waitFor(() => nodes[B]!.rooms.get(r.room.id), 10_000, 'definition on B');
      const c = await client(nodes[B]!.url, r.room.id);
      expect(await c.enter(r.room.id, new URL(r.links.guest).hash.slice(3), `Drained ${i}`)).toMatchObject({ ok: true });
    }
    expect(nodes[B]!.cluster!.homes.owned.size).toBe(before);
    expect((await cli(nodes[A]!, 'node', 'undrain', 'b')).code).toBe(0);
    expect((await cli(nodes[A]!, 'node', 'drain', 'zz')).stderr).toMatch(/no such node/);
  }, 300_000); // five CLI processes; each starts Node and tsx, slow on a busy machine

  it('a node that finds its room homed elsewhere (it was cut off meanwhile) gives its copy up and sends its participants there', async () => {
    const r = (await admin(nodes[A]!.adminUrl, secrets.adminToken, 'POST', '/rooms', { title: 'Fenced' })).json;
    const roomId = r.room.id as string;
    const c = await client(nodes[A]!.url, roomId);
    await waitFor(() => nodes[A]!.rooms.get(roomId), 10_000, 'definition on A');
    expect(await c.enter(roomId, new URL(r.links.guest).hash.slice(3), 'Fenced Pupil')).toMatchObject({ ok: true });
    const home = Object.entries({ a: 0, b: 1, c: 2 }).find(([, i]) => nodes[i]!.cluster!.homes.owned.has(roomId))!;
    const owner = nodes[home[1]]!;
    // What a claim by another node during a partition leaves in Redis: a new owner, a higher epoch.
    const other = home[0] === 'c' ? nodes[B]! : nodes[C]!;
    await owner.cluster!.redis.call('SET', `aula:r:{${roomId}}:home`, `${other.cluster!.nodeId} ${other.cluster!.nodes.boot} 99`);
    await waitFor(() => c.notifications.some((n) => n.method === 'roomClosed' && n.data.code === 'room_moved'), 10_000, 'roomClosed room_moved');
    expect(owner.cluster!.homes.owned.has(roomId)).toBe(false);
    expect(owner.rooms.get(roomId)!.participants.size).toBe(0);
    expect(owner.rooms.get(roomId)!.isClosed).toBe(false); // a fresh copy for later
  });
});

describe('recordings and meetings across nodes', () => {
  it('lists, shows and deletes a recording held by another node through any node', async () => {
    // A recording's sidecar and file on node C (capture and encryption at rest are tested in tests/e2e/recording.test.ts).
    const store = nodes[C]!.recordings.store;
    const rec = store.create('0'.repeat(32));
    store.save({ ...rec, state: 'ready', progress: 1, stoppedAt: new Date().toISOString() });
    const list = await admin(nodes[A]!.adminUrl, secrets.adminToken, 'GET', '/recordings');
    expect(list.json.recordings.find((r: any) => r.id === rec.id)).toMatchObject({ node: 'c', state: 'ready' });
    expect((await admin(nodes[B]!.adminUrl, secrets.adminToken, 'GET', `/recordings/${rec.id}`)).json.recording.id).toBe(rec.id);
    expect((await admin(nodes[A]!.adminUrl, secrets.adminToken, 'DELETE', `/recordings/${rec.id}`)).status).toBe(204);
    expect(store.get(rec.id)).toBeUndefined();
  });
});

describe('LTI rooms across nodes', () => {
  it("a resource link's room (an id derived from the link) is created once, whichever node the launch reaches first", async () => {
    const id = 'a1'.repeat(16);
    const first = await nodes[A]!.cluster!.createRoom({ title: 'Course room' }, id);
    const again = await nodes[B]!.cluster!.createRoom({ title: 'Course room' }, id);
    expect(again.id).toBe(first.id);
    expect(again.linkGeneration).toBe(first.linkGeneration);
    const listed = await waitFor(
      async () => {
        const rooms = (await admin(nodes[C]!.adminUrl, secrets.adminToken, 'GET', '/rooms')).json.rooms.filter((r: any) => r.id === id);
        return rooms.length ? rooms : undefined;
      },
      10_000,
      'room on C',
    );
    expect(listed).toHaveLength(1);
    expect(await nodes[A]!.cluster!.redis.call('SISMEMBER', 'aula:rooms', id)).toBe(1);
  });
});

describe('slides and problem reports across nodes', () => {
  it("uploads slides through one node and fetches them through another; the room's node serves both", async () => {
    const r = (await admin(nodes[A]!.adminUrl, secrets.adminToken, 'POST', '/rooms', { title: 'Slides' })).json;
    const roomId = r.room.id as string;
    const presenter = await client(nodes[A]!.url, roomId);
    expect(await presenter.enter(roomId, new URL(r.links.moderator).hash.slice(3), 'Slides Teacher')).toMatchObject({ ok: true });
    const pupil = await client(nodes[B]!.url, roomId);
    expect(await pupil.enter(roomId, new URL(r.links.guest).hash.slice(3), 'Slides Pupil')).toMatchObject({ ok: true });
    const home = nodes.find((n) => n.cluster!.homes.owned.has(roomId))!;
    const others = nodes.filter((n) => n !== home);
    const started = await presenter.request('startSlides', { bytes: 2000, pageCount: 2 });
    expect(started.ok).toBe(true);
    const upload = started.data.upload;
    expect(upload.url).toContain(`?room=${roomId}`);
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1991, 0x20)]);
    const seen = pupil.nextNotification('presentationChanged', 30_000);
    // The upload reaches a node that does not host the room.
    const put = await fetch(`${others[0]!.url}${upload.url}`, { method: 'POST', headers: { authorization: `Bearer ${upload.token}` }, body: pdf });
    expect(put.status).toBe(201);
    const { presentation } = await seen;
    const got = await fetch(`${others[1]!.url}${presentation!.file!.url}`, { headers: { authorization: `Bearer ${presentation!.file!.token}` } });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await got.arrayBuffer()).equals(pdf)).toBe(true);
    // Only the room's node keeps the file.
    for (const n of others) expect(fs.readdirSync(n.presentations.dir)).toEqual([]);
    expect(fs.readdirSync(home.presentations.dir)).toHaveLength(1);
    expect((await fetch(`${others[0]!.url}${presentation!.file!.url}`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(404);
  });

  it('lists, shows and deletes a problem report kept by another node through any node', async () => {
    const r = (await admin(nodes[A]!.adminUrl, secrets.adminToken, 'POST', '/rooms', { title: 'Problems' })).json;
    await waitFor(() => nodes[C]!.rooms.get(r.room.id), 10_000, 'definition on C');
    const sent = await fetch(`${nodes[C]!.url}/api/problems`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-aula-room': r.room.id, 'x-aula-link': new URL(r.links.guest).hash.slice(3) },
      body: JSON.stringify({ page: 'room', description: 'sound breaks up' }),
    });
    expect(sent.status).toBe(201);
    const listed = (await admin(nodes[A]!.adminUrl, secrets.adminToken, 'GET', '/problems')).json.problems.find(
      (p: any) => p.description === 'sound breaks up',
    );
    expect(listed).toMatchObject({ node: 'c' });
    expect((await admin(nodes[B]!.adminUrl, secrets.adminToken, 'GET', `/problems/${listed.id}`)).status).toBe(200);
    expect((await admin(nodes[A]!.adminUrl, secrets.adminToken, 'DELETE', `/problems/${listed.id}`)).status).toBe(204);
    expect(nodes[C]!.problems.get(listed.id)).toBeUndefined();
  });
});

describe('links and shutdown across nodes', () => {
  it("new links made through one node revoke the old ones on the room's node", async () => {
    const r = (await admin(nodes[A]!.adminUrl, secrets.adminToken, 'POST', '/rooms', { title: 'Rotated' })).json;
    const roomId = r.room.id as string;
    const old = new URL(r.links.guest).hash.slice(3);
    const first = await client(nodes[B]!.url, roomId);
    expect(await first.enter(roomId, old, 'Before Rotation')).toMatchObject({ ok: true });
    const rotated = await admin(nodes[C]!.adminUrl, secrets.adminToken, 'POST', `/rooms/${roomId}/links`, {});
    expect(rotated.status).toBe(200);
    await waitFor(
      async () => {
        const c = await client(nodes[B]!.url, roomId);
        return (await c.request('hello', { roomId, token: old })).error?.code === 'invalid_link';
      },
      10_000,
      'old link refused',
    );
    const fresh = await client(nodes[A]!.url, roomId);
    expect(await fresh.enter(roomId, new URL(rotated.json.links.guest).hash.slice(3), 'After Rotation')).toMatchObject({ ok: true });
    // Settings changed through one node reach every node's copy.
    expect((await admin(nodes[B]!.adminUrl, secrets.adminToken, 'PATCH', `/rooms/${roomId}`, { title: 'Renamed' })).status).toBe(200);
    await waitFor(() => nodes.every((n) => n.rooms.get(roomId)?.title === 'Renamed'), 10_000, 'new title on every node');
  });

  it('a node that shuts down sends its participants to another node (room_moved) and leaves the cluster', async () => {
    const r = (await admin(nodes[A]!.adminUrl, secrets.adminToken, 'POST', '/rooms', { title: 'Shutdown' })).json;
    const roomId = r.room.id as string;
    const c = await client(nodes[A]!.url, roomId);
    expect(await c.enter(roomId, new URL(r.links.guest).hash.slice(3), 'Shutdown Pupil')).toMatchObject({ ok: true });
    const index = nodes.findIndex((n) => n.cluster!.homes.owned.has(roomId));
    const leaving = nodes[index]!;
    const survivor = nodes[(index + 1) % 3]!;
    await leaving.close();
    nodes.splice(index, 1);
    await waitFor(() => c.notifications.some((n) => n.method === 'roomClosed' && n.data.code === 'room_moved'), 10_000, 'room_moved');
    const listed = (await admin(survivor.adminUrl, secrets.adminToken, 'GET', '/nodes')).json.nodes.filter((n: any) => n.alive);
    expect(listed).toHaveLength(2);
    // The room is placed again at once (no waiting for a TTL): its node released it.
    const again = await client(survivor.url, roomId);
    expect(await again.enter(roomId, new URL(r.links.guest).hash.slice(3), 'Shutdown Pupil')).toMatchObject({ ok: true });
    expect(survivor.cluster!.homes.owned.has(roomId) || nodes.some((n) => n.cluster!.homes.owned.has(roomId))).toBe(true);
  });
});
