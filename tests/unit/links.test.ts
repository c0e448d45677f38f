// Room links: signed by the server key, bound to room, role, generation, expiry.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { AccessControl } from '../../server/access/access.js';
import { LinkSigner } from '../../server/access/links.js';
import { OrgIssuers } from '../../server/access/org-issuers.js';
import { loadOrCreateServerKey } from '../../server/access/server-key.js';
import type { Room } from '../../server/rooms/room.js';

let dir: string;
let signer: LinkSigner;
let access: AccessControl;
const room = (over: Partial<{ id: string; gen: string; guestAccess: boolean }> = {}) =>
  ({
    id: over.id ?? 'room-1',
    linkGeneration: over.gen ?? 'gen-1',
    settings: { guestAccess: over.guestAccess ?? true },
  }) as unknown as Room;
const roleOf = async (token: string, r = room()) => (await access.grant(token, r)).grant.role;
const issue = (role: 'moderator' | 'participant' | 'presenter' = 'participant', seconds = 600, r = room()) =>
  signer.issue({ room: r.id, role, gen: r.linkGeneration }, seconds);
const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'accepted';
  } catch (err) {
    return `${(err as { code: string }).code}: ${(err as Error).message}`;
  }
};
const INVALID = 'invalid_link: this link is not valid';

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aula-links-'));
  signer = new LinkSigner(await loadOrCreateServerKey(dir));
  access = new AccessControl(signer, new OrgIssuers([]));
});

describe('room links', () => {
  it('grant the role they name', async () => {
    const { grant } = await access.grant(await issue('participant', 600), room());
    expect(grant).toMatchObject({ role: 'participant', via: 'link', gen: 'gen-1' });
    expect(grant.expiresAt).toBeGreaterThan(Date.now() + 590_000);
    expect(await roleOf(await issue('moderator'))).toBe('moderator');
    expect(await roleOf(await issue('presenter'))).toBe('presenter');
  });

  it('refuse a tampered token with the same message as any invalid one', async () => {
    const token = await issue('participant');
    const [h, p, sig] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const promoted = Buffer.from(JSON.stringify({ ...claims, role: 'moderator' })).toString('base64url');
    expect(await refusal(access.grant(`${h}.${promoted}.${sig}`, room()))).toBe(INVALID);
    const flipped = sig.slice(0, 10) + (sig[10] === 'A' ? 'B' : 'A') + sig.slice(11);
    expect(await refusal(access.grant(`${h}.${p}.${flipped}`, room()))).toBe(INVALID);
  });

  it('refuse an expired token as expired', async () => {
    expect(await refusal(access.grant(await issue('participant', -5), room()))).toBe('link_expired: this link has expired');
  });

  it('refuse a token for another room, a revoked generation, and guests when guest access is off', async () => {
    expect(await refusal(access.grant(await issue('participant', 600, room({ id: 'room-2' })), room()))).toBe(INVALID);
    expect(await refusal(access.grant(await issue('moderator'), room({ gen: 'gen-2' })))).toBe(INVALID);
    expect(await refusal(access.grant(await issue('participant'), room({ guestAccess: false })))).toBe(INVALID);
    expect(await roleOf(await issue('moderator'), room({ guestAccess: false }))).toBe('moderator');
  });

  it('refuse tokens not signed by this server: another key, alg none, garbage', async () => {
    const other = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const forged = await new SignJWT({ room: 'room-1', role: 'moderator', gen: 'gen-1' })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setIssuer('aula')
      .setAudience('aula-room')
      .setExpirationTime('1h')
      .sign(other.privateKey);
    expect(await refusal(access.grant(forged, room()))).toBe(INVALID);
    const unsigned = new UnsecuredJWT({ room: 'room-1', role: 'moderator', gen: 'gen-1' })
      .setIssuer('aula')
      .setAudience('aula-room')
      .setExpirationTime('1h')
      .encode();
    expect(await refusal(access.grant(unsigned, room()))).toBe(INVALID);
    for (const junk of ['not-a-jwt', 'a.b.c', '', '....']) expect(await refusal(access.grant(junk, room()))).toBe(INVALID);
  });

  it('are checked again later: a revoked or expired grant stops working', async () => {
    const r = room();
    const { grant } = await access.grant(await issue('participant', 600, r), r);
    expect(() => access.recheck(grant, r)).not.toThrow();
    expect(() => access.recheck(grant, room({ gen: 'gen-2' }))).toThrow('this link is not valid');
    expect(() => access.recheck({ ...grant, expiresAt: Date.now() - 1 }, r)).toThrow('this link has expired');
  });

  it('keeps the server key in the data directory, private, and reuses it', async () => {
    const file = path.join(dir, 'server-key.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const again = new LinkSigner(await loadOrCreateServerKey(dir));
    const token = await again.issue({ room: 'room-1', role: 'participant', gen: 'gen-1' }, 60);
    expect(await roleOf(token)).toBe('participant');
  });
});
