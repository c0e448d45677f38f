// Which organisation issuer may grant access to which room (issuers[].rooms
// and the room setting `issuers`), through AccessControl with real keys.
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AccessControl } from '../../server/access/access.js';
import type { LinkSigner } from '../../server/access/links.js';
import { OrgIssuers } from '../../server/access/org-issuers.js';
import { issuerSchema } from '../../server/config/issuers.js';
import type { Room } from '../../server/rooms/room.js';

const keyA = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keyB = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = (k: typeof keyA) => k.publicKey.export({ format: 'pem', type: 'spki' }).toString();
const A = 'https://a.school.example';
const B = 'https://b.school.example';
const roomX = 'a'.repeat(32);
const roomY = 'b'.repeat(32);
const roomZ = 'c'.repeat(32);

const room = (id: string, issuers?: string[]) =>
  ({ id, settings: { guestAccess: true, ...(issuers ? { issuers } : {}) }, linkGeneration: 'g' }) as unknown as Room;

const token = (iss: string, roomId: string, key = iss === A ? keyA : keyB) =>
  new SignJWT({ aula_role: 'moderator', aula_room: roomId })
    .setProtectedHeader({ alg: 'ES256' })
    .setIssuer(iss)
    .setAudience('aula')
    .setExpirationTime('1m')
    .sign(key.privateKey);

// Room links are not what this is about: no link signer is needed.
function access(issuers: Array<Record<string, unknown>>): AccessControl {
  const configs = issuers.map((i) => issuerSchema.parse({ audience: 'aula', algorithms: ['ES256'], ...i }));
  return new AccessControl({} as LinkSigner, new OrgIssuers(configs));
}

const granted = (ac: AccessControl, iss: string, r: Room) =>
  token(iss, r.id)
    .then((t) => ac.grant(t, r))
    .then(
      () => true,
      () => false,
    );

describe('issuer binding', () => {
  it('a single issuer, unbound, is trusted for every room', async () => {
    const ac = access([{ issuer: A, publicKey: pem(keyA) }]);
    expect(await granted(ac, A, room(roomX))).toBe(true);
  });

  it('issuers[].rooms binds rooms: the issuer is confined to them, and they to it', async () => {
    const ac = access([
      { issuer: A, publicKey: pem(keyA), rooms: [roomX] },
      { issuer: B, publicKey: pem(keyB), rooms: [roomY] },
    ]);
    expect(await granted(ac, A, room(roomX))).toBe(true);
    expect(await granted(ac, B, room(roomX))).toBe(false);
    expect(await granted(ac, B, room(roomY))).toBe(true);
    expect(await granted(ac, A, room(roomY))).toBe(false);
    // Bound to nobody, on a server with two issuers: neither.
    expect(await granted(ac, A, room(roomZ))).toBe(false);
    expect(await granted(ac, B, room(roomZ))).toBe(false);
  });

  it('a room naming its issuers takes only theirs', async () => {
    const ac = access([
      { issuer: A, publicKey: pem(keyA) },
      { issuer: B, publicKey: pem(keyB) },
    ]);
    expect(await granted(ac, A, room(roomX, [A]))).toBe(true);
    expect(await granted(ac, B, room(roomX, [A]))).toBe(false);
    expect(await granted(ac, B, room(roomX, [A, B]))).toBe(true);
  });

  it('a single issuer confined to some rooms is refused elsewhere', async () => {
    const ac = access([{ issuer: A, publicKey: pem(keyA), rooms: [roomX] }]);
    expect(await granted(ac, A, room(roomX))).toBe(true);
    expect(await granted(ac, A, room(roomY))).toBe(false);
  });
});
