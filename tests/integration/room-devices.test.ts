// The room setting moderatorDevicesOn through the admin API and `npx aula`:
// validated, off by default, changeable later (PATCH, `room update`), and
// delivered to the pre-join page (hello) of moderators' links only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.js';
import { aulaCli } from '../helpers/cli.js';
import { startTestServer } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';

let server: RunningServer;
const clients: TestClient[] = [];

const api = (method: string, route: string, body?: unknown) =>
  fetch(`${server.adminUrl}/api/admin${route}`, {
    method,
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });

async function hello(link: string) {
  const url = new URL(link);
  const c = await TestClient.connect(server.url);
  clients.push(c);
  const reply = await c.request('hello', { roomId: url.pathname.split('/')[2]!, token: url.hash.slice('#t='.length) });
  expect(reply).toMatchObject({ ok: true });
  return reply.data;
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
});

describe('moderatorDevicesOn', () => {
  it('is off by default: neither link is told to start with devices on', async () => {
    const { room, links } = await (await api('POST', '/rooms', { title: 'Default' })).json();
    expect(room.settings.moderatorDevicesOn).toBe(false);
    expect((await hello(links.moderator)).devicesOn).toBeUndefined();
    expect((await hello(links.guest)).devicesOn).toBeUndefined();
  });

  it('on: the moderator link is told, the guest link never', async () => {
    const res = await api('POST', '/rooms', { title: 'Teacher on camera', moderatorDevicesOn: true });
    expect(res.status).toBe(201);
    const { room, links } = await res.json();
    expect(room.settings.moderatorDevicesOn).toBe(true);
    expect(await hello(links.moderator)).toMatchObject({ role: 'moderator', devicesOn: true });
    const guest = await hello(links.guest);
    expect(guest.role).toBe('participant');
    expect(guest.devicesOn).toBeUndefined();
  });

  it('is validated by the schema, on create and on update', async () => {
    for (const bad of ['yes', 1, null]) {
      const res = await api('POST', '/rooms', { title: 'Bad', moderatorDevicesOn: bad });
      expect(res.status, String(bad)).toBe(400);
      expect((await res.json()).error).toMatchObject({ code: 'invalid_params', message: expect.stringContaining('moderatorDevicesOn') });
    }
    const { room } = await (await api('POST', '/rooms', { title: 'Good' })).json();
    for (const bad of [{ moderatorDevicesOn: 'on' }, { title: '' }, { maxParticipants: 0 }, { email: 'a@b.example' }, [true]]) {
      const res = await api('PATCH', `/rooms/${room.id}`, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect((await res.json()).error.code, JSON.stringify(bad)).toBe('invalid_params');
    }
    // Nothing changed by the refused updates.
    expect(server.rooms.get(room.id)!.settings).toMatchObject({ title: 'Good', maxParticipants: 100, moderatorDevicesOn: false });
    expect((await api('PATCH', '/rooms/unknown', { moderatorDevicesOn: true })).status).toBe(404);
  });

  it('an update changes only what it names, keeps the links, and survives a restart', async () => {
    const { room, links } = await (await api('POST', '/rooms', { title: 'Later on', lobby: true, maxParticipants: 30 })).json();
    const res = await api('PATCH', `/rooms/${room.id}`, { moderatorDevicesOn: true });
    expect(res.status).toBe(200);
    expect((await res.json()).room.settings).toEqual({
      title: 'Later on',
      lobby: true,
      maxParticipants: 30,
      recording: false,
      guestAccess: true,
      moderatorDevicesOn: true,
    });
    expect((await hello(links.moderator)).devicesOn).toBe(true);
    const dataDir = server.dataDir;
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server.close();
    server = await startTestServer({}, { dataDir });
    expect(server.rooms.get(room.id)!.settings.moderatorDevicesOn).toBe(true);
    expect((await hello(links.moderator)).devicesOn).toBe(true);
  });

  it('npx aula room create --moderator-devices-on, and room update turns it off and on', async () => {
    const created = await aulaCli(server, 'room', 'create', '--title', 'CLI room', '--moderator-devices-on', '--json');
    expect(created.code, created.stderr).toBe(0);
    const { room, links } = JSON.parse(created.stdout);
    expect(room.settings.moderatorDevicesOn).toBe(true);
    const off = await aulaCli(server, 'room', 'update', room.id, '--no-moderator-devices-on', '--json');
    expect(off.code, off.stderr).toBe(0);
    expect(JSON.parse(off.stdout).room.settings).toMatchObject({ title: 'CLI room', lobby: false, moderatorDevicesOn: false });
    expect((await hello(links.moderator)).devicesOn).toBeUndefined();
    const on = await aulaCli(server, 'room', 'update', room.id, '--moderator-devices-on', '--title', 'CLI room 2');
    expect(on.code, on.stderr).toBe(0);
    expect(on.stdout).toContain('moderatorDevicesOn=true');
    expect(server.rooms.get(room.id)!.settings).toMatchObject({ title: 'CLI room 2', lobby: false, moderatorDevicesOn: true });
    // Without an option nothing changes.
    expect((await aulaCli(server, 'room', 'update', room.id)).code).toBe(0);
    expect(server.rooms.get(room.id)!.settings).toMatchObject({ title: 'CLI room 2', moderatorDevicesOn: true });
  });
});
