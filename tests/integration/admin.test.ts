// The admin API and `npx aula` against the real server: rooms are created by
// an operator, links re-issued and revoked, rooms closed, and all of it
// survives a restart.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.js';
import { startTestServer } from '../helpers/server.js';
import { aulaCli } from '../helpers/cli.js';
import { TestClient } from '../helpers/ws-client.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
let server: RunningServer;
const clients: TestClient[] = [];

const api = (method: string, route: string, body?: unknown, token = server.adminToken) =>
  fetch(`${server.adminUrl}/api/admin${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });

const tokenOf = (link: string) => new URL(link).hash.slice('#t='.length);
const roomOf = (link: string) => new URL(link).pathname.split('/')[2]!;

async function hello(link: string) {
  const c = await TestClient.connect(server.url);
  clients.push(c);
  return c.request('hello', { roomId: roomOf(link), token: tokenOf(link) });
}

const cli = (...args: string[]) => aulaCli(server, ...args);

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
});

describe('admin API', () => {
  it('refuses requests without the right bearer token', async () => {
    expect((await api('GET', '/rooms', undefined, 'wrong')).status).toBe(401);
    expect((await fetch(`${server.adminUrl}/api/admin/rooms`)).status).toBe(401);
    expect((await api('GET', '/rooms', undefined, `${server.adminToken}x`)).status).toBe(401);
    expect((await api('GET', '/rooms')).status).toBe(200);
  });

  it('is served on its own listener only, never on the main port a reverse proxy forwards', async () => {
    expect(new URL(server.adminUrl).port).not.toBe(String(server.port));
    expect(new URL(server.adminUrl).hostname).toBe('127.0.0.1');
    const onMain = await fetch(`${server.url}/api/admin/rooms`, { headers: { authorization: `Bearer ${server.adminToken}` } });
    expect(onMain.status).toBe(404);
    expect((await api('GET', '/rooms')).status).toBe(200);
    // …and the admin listener serves nothing but the admin API.
    expect((await fetch(`${server.adminUrl}/healthz`)).status).toBe(404);
  });

  it('creates a room with an unguessable id and working guest and moderator links', async () => {
    const res = await api('POST', '/rooms', { title: 'Chemistry 2b', lobby: true, maxParticipants: 25 });
    expect(res.status).toBe(201);
    const { room, links } = await res.json();
    expect(room.id).toMatch(/^[0-9a-f]{32}$/); // 128 bits; hex so a CLI argument never starts with '-'
    expect(room.settings).toEqual({ title: 'Chemistry 2b', lobby: true, maxParticipants: 25, recording: false, guestAccess: true, moderatorDevicesOn: false });
    expect(await hello(links.guest)).toMatchObject({ ok: true, data: { role: 'participant', lobby: true, title: 'Chemistry 2b' } });
    expect(await hello(links.moderator)).toMatchObject({ ok: true, data: { role: 'moderator', lobby: false } });
    const list = await (await api('GET', '/rooms')).json();
    expect(list.rooms.map((r: { id: string }) => r.id)).toContain(room.id);
  });

  it('answers bad input with a typed error', async () => {
    const noTitle = await api('POST', '/rooms', { lobby: true });
    expect(noTitle.status).toBe(400);
    expect((await noTitle.json()).error.code).toBe('invalid_params');
    const extra = await api('POST', '/rooms', { title: 'x', organiserEmail: 'a@b.example' });
    expect(extra.status).toBe(400);
    const badJson = await api('POST', '/rooms', '{nope');
    expect(badJson.status).toBe(400);
    expect((await badJson.json()).error.code).toBe('bad_json');
    expect((await api('GET', '/rooms/unknown')).status).toBe(404);
  });

  it('re-issues links, revoking the old ones unless asked to keep them', async () => {
    const { room, links: first } = await (await api('POST', '/rooms', { title: 'Rotate' })).json();
    const kept = await (await api('POST', `/rooms/${room.id}/links`, { rotate: false })).json();
    expect(await hello(first.guest)).toMatchObject({ ok: true });
    expect(await hello(kept.links.guest)).toMatchObject({ ok: true });
    const rotated = await (await api('POST', `/rooms/${room.id}/links`, {})).json();
    expect(await hello(first.guest)).toMatchObject({ ok: false, error: { code: 'invalid_link' } });
    expect(await hello(first.moderator)).toMatchObject({ ok: false, error: { code: 'invalid_link' } });
    expect(await hello(rotated.links.moderator)).toMatchObject({ ok: true, data: { role: 'moderator' } });
  });

  it('turns guest links off for rooms without guest access', async () => {
    const { links } = await (await api('POST', '/rooms', { title: 'Staff only', guestAccess: false })).json();
    expect(await hello(links.guest)).toMatchObject({ ok: false, error: { code: 'invalid_link' } });
    expect(await hello(links.moderator)).toMatchObject({ ok: true });
  });

  it('closes a room for everyone and forgets it', async () => {
    const { room, links } = await (await api('POST', '/rooms', { title: 'Short' })).json();
    const c = await TestClient.connect(server.url);
    clients.push(c);
    await c.enter(room.id, tokenOf(links.guest), 'Stay');
    expect((await api('DELETE', `/rooms/${room.id}`)).status).toBe(204);
    expect((await c.notification('roomClosed')).reason).toBeTypeOf('string');
    expect(await hello(links.guest)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(fs.readFileSync(path.join(server.dataDir, 'rooms.json'), 'utf8')).not.toContain(room.id);
  });

  it('keeps rooms and links across a restart', async () => {
    const { room, links } = await (await api('POST', '/rooms', { title: 'Persistent' })).json();
    const dataDir = server.dataDir;
    await server.close();
    server = await startTestServer({}, { dataDir });
    expect(server.rooms.get(room.id)?.title).toBe('Persistent');
    expect(await hello(links.guest)).toMatchObject({ ok: true, data: { title: 'Persistent' } });
  });
});

describe('npx aula', () => {
  it('room create / list / show / links / close, with --json', async () => {
    const created = await cli('room', 'create', '--title', 'Biology', '--lobby', '--max', '12', '--json');
    expect(created.code).toBe(0);
    const { room, links } = JSON.parse(created.stdout);
    expect(room.settings).toMatchObject({ title: 'Biology', lobby: true, maxParticipants: 12, guestAccess: true });
    expect(await hello(links.moderator)).toMatchObject({ ok: true, data: { role: 'moderator' } });

    const list = JSON.parse((await cli('room', 'list', '--json')).stdout);
    expect(list.rooms.map((r: { id: string }) => r.id)).toContain(room.id);
    const shown = await cli('room', 'show', room.id, '--json');
    expect(shown).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(shown.stdout).room.title).toBe('Biology');

    const reissued = JSON.parse((await cli('room', 'links', room.id, '--json')).stdout);
    expect(await hello(links.guest)).toMatchObject({ ok: false, error: { code: 'invalid_link' } });
    expect(await hello(reissued.links.guest)).toMatchObject({ ok: true });

    const text = await cli('room', 'list');
    expect(text.stdout).toContain('Biology');

    expect((await cli('room', 'close', room.id, '--json')).code).toBe(0);
    expect(server.rooms.get(room.id)).toBeUndefined();
  });

  it('--help lists every verb with examples; config check validates a file', async () => {
    const help = await cli('--help');
    for (const verb of ['room', 'keys', 'meeting', 'report', 'problems', 'privacy', 'config']) expect(help.stdout).toMatch(new RegExp(`^  ${verb}\\b`, 'm'));
    expect(help.stdout).toContain('Examples:');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aula-cfg-'));
    fs.writeFileSync(path.join(dir, 'good.json'), JSON.stringify({ http: { port: 8443 }, admin: { token: 'y'.repeat(40) } }));
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ media: { listenIp: '0.0.0.0' } }));
    const good = await aulaCli(null, 'config', 'check', path.join(dir, 'good.json'), '--json');
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout).config).toMatchObject({ http: { port: 8443 }, admin: { token: '***' } });
    const bad = await aulaCli(null, 'config', 'check', path.join(dir, 'bad.json'));
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe(
      'aula: invalid configuration: media.announcedAddress: listening on all interfaces needs media.announcedAddress (the address browsers reach)',
    );
  });

  it('npx aula finds the admin listener from the configuration (admin.host, admin.port), not the main port', async () => {
    const env = { ...process.env, AULA_CONFIG: '', AULA_URL: '', AULA_ADMIN_TOKEN: server.adminToken };
    const listed = await run(process.execPath, ['bin/aula.mjs', 'room', 'list', '--json'], {
      cwd: root,
      env: { ...env, AULA_ADMIN_PORT: new URL(server.adminUrl).port },
    });
    expect(JSON.parse(listed.stdout).rooms.length).toBeGreaterThan(0);
    const mainPort = await run(process.execPath, ['bin/aula.mjs', 'room', 'list'], {
      cwd: root,
      env: { ...env, AULA_ADMIN_PORT: String(server.port) },
    }).catch((e) => e);
    expect(mainPort.code).toBe(1);
  });

  it('fails with one line and a non-zero exit', async () => {
    const missing = await cli('room', 'close', 'no-such-room');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim()).toBe('aula: no such room');

    const wrongToken = await run(process.execPath, ['bin/aula.mjs', 'room', 'list', '--url', server.adminUrl, '--token', 'x'.repeat(40)], {
      cwd: root,
    }).catch((e) => e);
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.stderr.trim()).toBe('aula: missing or wrong admin token');

    const down = await run(process.execPath, ['bin/aula.mjs', 'room', 'list', '--url', 'http://127.0.0.1:9', '--token', 'x'.repeat(40)], {
      cwd: root,
    }).catch((e) => e);
    expect(down.code).toBe(1);
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
    expect(down.stderr).toMatch(/^aula: cannot reach the aula server at http:\/\/127\.0\.0\.1:9/);

    const badMax = await cli('room', 'create', '--title', 'x', '--max', 'many');
    expect(badMax.code).not.toBe(0);
    expect(badMax.stderr).toMatch(/--max/);
  });
});
