// What a launch hands the browser: a short aula token for the room (signed by
// the server key), carried in the room link's fragment like any room link.
// It names room and role, and the display name to prefill only when
// lti.prefillName is on. It is not tied to a link generation: the platform,
// not an aula link, let the person in.
import { jwtVerify, SignJWT } from 'jose';
import type { Role } from '../../shared/protocol.js';
import type { ServerKey } from '../access/server-key.js';
import { toAccessError } from '../access/links.js';
import { AulaError } from '../errors.js';

export const LTI_GRANT_ISSUER = 'aula-lti';
const AUDIENCE = 'aula-room';
const ROLES: readonly string[] = ['moderator', 'presenter', 'participant'];

export interface LtiGrant {
  room: string;
  role: Role;
  exp: number;
  prefillName?: string;
}

export class LtiGrants {
  constructor(private readonly key: ServerKey) {}

  issue(room: string, role: Role, validitySeconds: number, prefillName?: string): Promise<string> {
    return new SignJWT({ room, role, ...(prefillName ? { pn: prefillName } : {}) })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
      .setIssuer(LTI_GRANT_ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + validitySeconds)
      .sign(this.key.privateKey);
  }

  async verify(token: string): Promise<LtiGrant> {
    try {
      const { payload } = await jwtVerify(token, this.key.publicKey, {
        issuer: LTI_GRANT_ISSUER,
        audience: AUDIENCE,
        algorithms: ['EdDSA'],
        requiredClaims: ['exp', 'room', 'role'],
      });
      const { room, role, pn } = payload as Record<string, unknown>;
      if (typeof room !== 'string' || typeof role !== 'string' || !ROLES.includes(role)) {
        throw new AulaError('invalid_link', 'this link is not valid');
      }
      return { room, role: role as Role, exp: payload.exp!, ...(typeof pn === 'string' ? { prefillName: pn } : {}) };
    } catch (err) {
      throw toAccessError(err);
    }
  }
}
