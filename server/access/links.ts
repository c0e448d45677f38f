// Room links: `<publicUrl>/r/<roomId>#t=<token>`. The token is a JWT signed by
// the server key naming room, role, link generation and expiry. It travels in
// the URL fragment, which browsers never send to a server or in a Referer.
import { errors, jwtVerify, SignJWT } from 'jose';
import type { Role } from '../../shared/protocol.js';
import { AulaError } from '../errors.js';
import type { ServerKey } from './server-key.js';

export const LINK_ISSUER = 'aula';
const AUDIENCE = 'aula-room';

export interface LinkClaims {
  room: string;
  role: Role;
  /** The room's link generation when the link was made; re-issuing changes it. */
  gen: string;
}

export interface VerifiedLink extends LinkClaims {
  /** Expiry, seconds since the epoch. */
  exp: number;
}

const ROLES: readonly string[] = ['moderator', 'presenter', 'participant'];

export class LinkSigner {
  constructor(private readonly key: ServerKey) {}

  issue(claims: LinkClaims, validitySeconds: number): Promise<string> {
    return new SignJWT({ room: claims.room, role: claims.role, gen: claims.gen })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
      .setIssuer(LINK_ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + validitySeconds)
      .sign(this.key.privateKey);
  }

  /** The link's claims, or AulaError invalid_link / link_expired. */
  async verify(token: string): Promise<VerifiedLink> {
    try {
      const { payload } = await jwtVerify(token, this.key.publicKey, {
        issuer: LINK_ISSUER,
        audience: AUDIENCE,
        algorithms: ['EdDSA'],
        requiredClaims: ['exp', 'room', 'role', 'gen'],
      });
      const { room, role, gen, exp } = payload as Record<string, unknown>;
      if (typeof room !== 'string' || typeof gen !== 'string' || typeof role !== 'string' || !ROLES.includes(role)) {
        throw new AulaError('invalid_link', 'this link is not valid');
      }
      return { room, role: role as Role, gen, exp: exp as number };
    } catch (err) {
      throw toAccessError(err);
    }
  }
}

/** What a user may learn: expired, or simply not valid. Nothing about which check failed. */
export function toAccessError(err: unknown): AulaError {
  if (err instanceof AulaError) return err;
  if (err instanceof errors.JWTExpired) return new AulaError('link_expired', 'this link has expired');
  return new AulaError('invalid_link', 'this link is not valid');
}

export function roomLink(publicUrl: string, roomId: string, token: string): string {
  return `${publicUrl}/r/${roomId}#t=${token}`;
}

export interface RoomLinks {
  guest: string;
  moderator: string;
  expiresAt: string;
}

/** A fresh guest and moderator link for the room's current generation. */
export async function linksFor(signer: LinkSigner, room: { id: string; linkGeneration: string }, publicUrl: string, validityDays: number): Promise<RoomLinks> {
  const seconds = validityDays * 86_400;
  const make = async (role: Role) => roomLink(publicUrl, room.id, await signer.issue({ room: room.id, role, gen: room.linkGeneration }, seconds));
  return {
    guest: await make('participant'),
    moderator: await make('moderator'),
    expiresAt: new Date(Date.now() + seconds * 1000).toISOString(),
  };
}
