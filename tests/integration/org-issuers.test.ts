// Organisation tokens: minted by a different JWT library (jsonwebtoken, as an
// LMS might), verified by aula with jose against a JWKS served by a local HTTP
// server or against a static PEM key. aula keeps the role only.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { aulaCli } from '../helpers/cli.js';
import { startTestServer } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';

const LMS = 'https://lms.school.example';
const INTRANET = 'https://intranet.school.example';
const SUBJECT = 'sub-canary-7f3a91';
const EMAIL = 'canary.7f3a91@school.example';
const NAME = 'Ada Canary-7f3a91';

let jwks: http.Server;
let jwksHits = 0;
let server: RunningServer;
let room: Room;
const logLines: string[] = [];
const lms = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const intranet = generateKeyPairSync('rsa', { modulusLength: 2048 });
const clients: TestClient[] = [];

const pem = (k: KeyObject) => k.export({ format: 'pem', type: k.type === 'private' ? 'pkcs8' : 'spki' }).toString();

function lmsToken(claims: Record<string, unknown>, options: jwt.SignOptions = {}, key = lms.privateKey): string {
  const merged: jwt.SignOptions = { algorithm: 'ES256', keyid: 'lms-1', issuer: LMS, audience: 'aula', expiresIn: '5m', ...options };
  for (const k of Object.keys(merged) as Array<keyof jwt.SignOptions>) if (merged[k] === undefined) delete merged[k];
  return jwt.sign({ aula_role: 'moderator', aula_room: room.id, sub: SUBJECT, email: EMAIL, name: NAME, ...claims }, pem(key), merged);
}

async function hello(token: string, roomId = room.id) {
  const c = await TestClient.connect(server.url);
  clients.push(c);
  return { c, reply: await c.request('hello', { roomId, token }) };
}

beforeAll(async () => {
  jwks = http.createServer((req, res) => {
    jwksHits++;
    if (req.url !== '/.well-known/jwks.json') return res.writeHead(404).end();
    const jwk = { ...lms.publicKey.export({ format: 'jwk' }), kid: 'lms-1', alg: 'ES256', use: 'sig' };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', () => r()));
  const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
  server = await startTestServer(
    {
      issuers: [
        { issuer: LMS, audience: 'aula', jwksUrl, nameClaim: 'name' },
        { issuer: INTRANET, audience: 'aula-intranet', publicKey: pem(intranet.publicKey), algorithms: ['RS256'], roleClaim: 'role', roomClaim: 'room' },
      ],
    },
    { logSink: (line) => logLines.push(line) },
  );
  // Two issuers on one server: a room takes tokens only from the issuers it is bound to.
  room = await server.rooms.create({ title: 'Seminar', lobby: true, issuers: [LMS, INTRANET] });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
  jwks.close();
});

describe('organisation issuers', () => {
  it('accepts an LMS token (jsonwebtoken, ES256, JWKS) and grants its role', async () => {
    const { c, reply } = await hello(lmsToken({}));
    expect(reply).toMatchObject({ ok: true, data: { role: 'moderator', lobby: false, prefillName: NAME } });
    expect(jwksHits).toBeGreaterThan(0);
    const joined = await c.request('join', { displayName: 'Ada', rtpCapabilities: reply.data.routerRtpCapabilities });
    expect(joined).toMatchObject({ ok: true, data: { status: 'joined', self: { role: 'moderator' } } });
  });

  it('accepts an intranet token verified with a static PEM key (RS256) and custom claim names', async () => {
    const token = jwt.sign({ role: 'presenter', room: room.id, sub: SUBJECT }, pem(intranet.privateKey), {
      algorithm: 'RS256',
      issuer: INTRANET,
      audience: 'aula-intranet',
      expiresIn: 60,
    });
    const { reply } = await hello(token);
    expect(reply).toMatchObject({ ok: true, data: { role: 'presenter', lobby: false } });
    expect(reply.data.prefillName).toBeUndefined();
  });

  it('refuses wrong audience, unknown issuer, wrong room, expiry, a foreign key and a bad role', async () => {
    const cases: Array<[string, string]> = [
      [lmsToken({}, { audience: 'someone-else' }), 'invalid_link'],
      [lmsToken({}, { issuer: 'https://evil.example' }), 'invalid_link'],
      [lmsToken({ aula_room: 'another-room' }), 'invalid_link'],
      [lmsToken({ exp: Math.floor(Date.now() / 1000) - 60 }, { expiresIn: undefined }), 'link_expired'],
      [lmsToken({}, {}, stranger.privateKey), 'invalid_link'],
      [lmsToken({ aula_role: 'admin' }), 'invalid_link'],
      [lmsToken({ aula_role: undefined }), 'invalid_link'],
      [jwt.sign({ aula_role: 'moderator', aula_room: room.id }, 'shared-secret', { algorithm: 'HS256', issuer: LMS, audience: 'aula' }), 'invalid_link'],
    ];
    for (const [token, code] of cases) {
      const { reply } = await hello(token);
      expect(reply, code).toMatchObject({ ok: false, error: { code } });
    }
  });

  it('keeps subject, e-mail and name out of memory and logs', async () => {
    const { c, reply } = await hello(lmsToken({ aula_role: 'participant' }));
    expect(reply.data.lobby).toBe(true);
    await c.request('join', { displayName: 'Pseudonym', rtpCapabilities: reply.data.routerRtpCapabilities });
    // What aula holds about the people in the room: their session objects.
    const held = JSON.stringify({
      participants: [...room.participants.values()].map((p) => p.info()),
      lobby: room.lobby.list(),
    });
    expect(held).not.toContain(SUBJECT);
    expect(held).not.toContain(EMAIL);
    expect(held).not.toContain(NAME);
    expect(logLines.length).toBeGreaterThan(0);
    for (const canary of [SUBJECT, EMAIL, 'Canary-7f3a91', 'Pseudonym']) {
      expect(logLines.join('\n')).not.toContain(canary);
    }
    // Nor on disk in plaintext (the attendance ledger holds the display name, encrypted).
    const files = fs.readdirSync(server.dataDir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) {
      const bytes = fs.readFileSync(path.join(f.parentPath, f.name));
      for (const canary of [SUBJECT, EMAIL, 'Canary-7f3a91', 'Pseudonym']) expect(bytes.includes(canary)).toBe(false);
    }
  });
});

describe('organisation tokens that must not pass', () => {
  it("refuses a token without exp, and HS256 signed with the issuer's public key as the secret", async () => {
    const noExp = jwt.sign({ role: 'moderator', room: room.id }, pem(intranet.privateKey), {
      algorithm: 'RS256',
      issuer: INTRANET,
      audience: 'aula-intranet',
    });
    expect((await hello(noExp)).reply).toMatchObject({ ok: false, error: { code: 'invalid_link' } });
    // Algorithm confusion: an attacker who knows the public PEM signs with HMAC.
    const confused = jwt.sign({ role: 'moderator', room: room.id }, pem(intranet.publicKey), {
      algorithm: 'HS256',
      issuer: INTRANET,
      audience: 'aula-intranet',
      expiresIn: 60,
    });
    expect((await hello(confused)).reply).toMatchObject({ ok: false, error: { code: 'invalid_link' } });
  });
});

describe('issuers bound to rooms', () => {
  const intranetToken = (roomId: string) =>
    jwt.sign({ role: 'moderator', room: roomId }, pem(intranet.privateKey), { algorithm: 'RS256', issuer: INTRANET, audience: 'aula-intranet', expiresIn: 60 });

  it('refuses a token of issuer A for a room bound to issuer B, even as moderator with the right room claim', async () => {
    const intranetRoom = await server.rooms.create({ title: 'Intranet only', issuers: [INTRANET] });
    expect((await hello(lmsToken({ aula_room: intranetRoom.id }), intranetRoom.id)).reply).toMatchObject({ ok: false, error: { code: 'invalid_link' } });
    expect((await hello(intranetToken(intranetRoom.id), intranetRoom.id)).reply).toMatchObject({ ok: true, data: { role: 'moderator' } });
  });

  it('on a server with several issuers, a room bound to none takes no organisation token (its own links still work)', async () => {
    const unbound = await server.rooms.create({ title: 'Links only' });
    expect((await hello(lmsToken({ aula_room: unbound.id }), unbound.id)).reply).toMatchObject({ ok: false, error: { code: 'invalid_link' } });
    expect((await hello(intranetToken(unbound.id), unbound.id)).reply).toMatchObject({ ok: false, error: { code: 'invalid_link' } });
    const link = await server.signer.issue({ room: unbound.id, role: 'participant', gen: unbound.linkGeneration }, 60);
    expect((await hello(link, unbound.id)).reply).toMatchObject({ ok: true });
  });

  it('the admin API binds a room only to configured issuers', async () => {
    const create = (issuers: string[]) =>
      fetch(`${server.adminUrl}/api/admin/rooms`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Bound', issuers }),
      });
    const ok = await create([LMS]);
    expect(ok.status).toBe(201);
    expect((await ok.json()).room.settings.issuers).toEqual([LMS]);
    const unknown = await create(['https://evil.example']);
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error.code).toBe('invalid_params');
    // npx aula room create --issuer
    const cli = await aulaCli(server, 'room', 'create', '--title', 'From the CLI', '--issuer', INTRANET, '--json');
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout).room.settings.issuers).toEqual([INTRANET]);
  });
});
