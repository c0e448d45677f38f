// Attacks an operator should not have to think about: links used where they
// do not belong, the admin API without its token, ids that try to reach other
// files, oversized and slow HTTP requests, and WebSocket upgrades from pages
// on other sites. The real server, over loopback.
import net from 'node:net';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { startTestServer, tokenFor, waitFor } from '../helpers/server.js';
import { connector } from '../helpers/members.js';
import { TestClient } from '../helpers/ws-client.js';

let server: RunningServer;
let roomA: Room;
let roomB: Room;
const clients: TestClient[] = [];

const client = connector(() => server, clients);

const admin = (route: string, init: RequestInit = {}, token: string | null = server.adminToken) =>
  fetch(`${server.adminUrl}/api/admin${route}`, {
    ...init,
    headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), 'content-type': 'application/json' },
  });

/** Status of a WebSocket upgrade sent with this Origin header (101 = accepted). */
function upgradeStatus(origin: string | undefined): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws`, origin ? { origin } : {});
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => undefined);
  });
}

beforeAll(async () => {
  server = await startTestServer({
    http: { headersTimeoutSeconds: 1, requestTimeoutSeconds: 2, allowedOrigins: ['https://lms.school.example'] },
  });
  roomA = await server.rooms.create({ title: 'A' });
  roomB = await server.rooms.create({ title: 'B' });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
});

describe('links', () => {
  it('a link for room A does not open room B', async () => {
    const c = await client();
    const r = await c.request('hello', { roomId: roomB.id, token: await tokenFor(server, roomA, 'moderator') });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_link' } });
  });

  it('a revoked link is refused, and a removed participant cannot come back with the same link', async () => {
    const oldToken = await tokenFor(server, roomA, 'participant');
    server.rooms.rotateLinks(roomA.id);
    expect(await (await client()).request('hello', { roomId: roomA.id, token: oldToken })).toMatchObject({ ok: false, error: { code: 'invalid_link' } });

    const link = await tokenFor(server, roomA, 'participant');
    const teacher = await client();
    await teacher.enter(roomA.id, await tokenFor(server, roomA, 'moderator'), 'Teacher');
    const eve = await client();
    const joined = await eve.enter(roomA.id, link, 'Eve', 'eve-browser-id-0001');
    expect(await teacher.request('removeParticipant', { peerId: joined.data.self.id })).toMatchObject({ ok: true });
    const replay = await client();
    expect(await replay.request('hello', { roomId: roomA.id, token: link, client: 'eve-browser-id-0001' })).toMatchObject({
      ok: false,
      error: { code: 'removed' },
    });
  });
});

describe('the admin API', () => {
  it('refuses requests without the token, with a wrong one, and with a wrong scheme', async () => {
    expect((await admin('/rooms', {}, null)).status).toBe(401);
    expect((await admin('/rooms', {}, 'x'.repeat(server.adminToken.length))).status).toBe(401);
    expect((await admin('/rooms', {}, `${server.adminToken}x`)).status).toBe(401);
    const basic = await fetch(`${server.adminUrl}/api/admin/rooms`, { headers: { authorization: `Basic ${server.adminToken}` } });
    expect(basic.status).toBe(401);
    expect((await admin('/rooms')).status).toBe(200);
  });
});

describe('ids that reach the file system', () => {
  it('cannot climb out of their directory', async () => {
    for (const id of ['..%2F..%2Fserver-key.jwk', '..%2Frooms.json', '%2E%2E%2F%2E%2E%2Fadmin-token', '....%2F%2F']) {
      for (const route of [`/problems/${id}`, `/rooms/${id}`]) {
        const res = await admin(route);
        expect([400, 404]).toContain(res.status);
        expect(await res.text()).not.toMatch(/"kty"|BEGIN|"rooms":\[/);
      }
    }
    for (const path of ['/assets/..%2F..%2Fpackage.json', '/assets/%2e%2e/%2e%2e/package.json', '/r/..%2F..%2Fpackage.json']) {
      const res = await fetch(`${server.url}${path}`);
      expect(await res.text()).not.toContain('"allowScripts"');
    }
    // A report request for a meeting id that is a path.
    const req = await admin('/reports', { method: 'POST', body: JSON.stringify({ meeting: '../../ledger-master.key', reason: 'x' }) });
    expect(req.status).toBeGreaterThanOrEqual(400);
    expect(req.status).toBeLessThan(500);
  });
});

describe('HTTP limits', () => {
  it('refuses oversized bodies with 413', async () => {
    const big = JSON.stringify({ title: 'x'.repeat(100_000) });
    expect((await admin('/rooms', { method: 'POST', body: big })).status).toBe(413);
    const report = await fetch(`${server.url}/api/problems`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-aula-room': roomA.id, 'x-aula-link': await tokenFor(server, roomA, 'participant') },
      body: JSON.stringify({ text: 'x'.repeat(200_000) }),
    });
    expect(report.status).toBe(413);
  });

  it('closes a connection that sends its headers too slowly (slowloris)', async () => {
    const socket = net.connect(server.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
    const drip = setInterval(() => socket.write('X-Slow: 1\r\n'), 300);
    let closed = false;
    socket.on('close', () => (closed = true));
    socket.on('error', () => undefined);
    socket.resume();
    try {
      await waitFor(() => closed, 10_000, 'the server to close the slow connection');
    } finally {
      clearInterval(drip);
      socket.destroy();
    }
    // And it keeps serving everyone else.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe('WebSocket upgrades', () => {
  it('refuses pages from other sites, accepts its own origin, configured ones and non-browser clients', async () => {
    expect(await upgradeStatus('https://evil.example')).toBe(403);
    expect(await upgradeStatus('null')).toBe(403);
    expect(await upgradeStatus(`http://localhost:${server.port}.evil.example`)).toBe(403);
    expect(await upgradeStatus(`http://localhost:${server.port}`)).toBe(101);
    expect(await upgradeStatus('https://lms.school.example')).toBe(101);
    expect(await upgradeStatus(undefined)).toBe(101);
  });
});
