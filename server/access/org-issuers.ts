// Tokens from the organisation's own systems (LMS, intranet): verified against
// the configured issuer's key or JWKS. aula reads exactly three claims (role,
// room and, if configured, a display name to prefill) and drops the rest:
// subject, e-mail and everything else never leave this function.
import { createRemoteJWKSet, type CryptoKey, importJWK, importSPKI, type JWK, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { Role } from '../../shared/protocol.js';
import type { IssuerConfig } from '../config/config.js';
import { AulaError } from '../errors.js';
import { toAccessError } from './links.js';

export interface OrgGrant {
  room: string;
  role: Role;
  /** Expiry, seconds since the epoch. */
  exp: number;
  prefillName?: string;
}

const ROLES: readonly string[] = ['moderator', 'presenter', 'participant'];

export class OrgIssuers {
  private readonly keys = new Map<string, JWTVerifyGetKey>();
  private readonly byIssuer = new Map<string, IssuerConfig>();

  constructor(configs: IssuerConfig[]) {
    for (const c of configs) this.byIssuer.set(c.issuer, c);
  }

  has(issuer: string): boolean {
    return this.byIssuer.has(issuer);
  }

  /**
   * May this issuer grant access to this room? A room is bound to the issuers
   * its settings name and to those whose `rooms` list it; then only they may.
   * An unbound room takes tokens only on a single-issuer server, and only
   * from an issuer not confined to a list of rooms: with several
   * organisations on one server, issuer A must not mint moderators for B's class.
   */
  mayGrant(issuer: string, room: { id: string; settings: { issuers?: readonly string[] } }): boolean {
    const config = this.byIssuer.get(issuer);
    if (!config) return false;
    const bound = new Set(room.settings.issuers ?? []);
    for (const c of this.byIssuer.values()) if (c.rooms.includes(room.id)) bound.add(c.issuer);
    if (bound.size > 0) return bound.has(issuer);
    return this.byIssuer.size === 1 && config.rooms.length === 0;
  }

  async verify(token: string, issuer: string): Promise<OrgGrant> {
    const config = this.byIssuer.get(issuer);
    if (!config) throw new AulaError('invalid_link', 'this link is not valid');
    try {
      const { payload } = await jwtVerify(token, this.key(config), {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: config.algorithms,
        requiredClaims: ['exp'],
      });
      const role = payload[config.roleClaim];
      const room = payload[config.roomClaim];
      if (typeof role !== 'string' || !ROLES.includes(role) || typeof room !== 'string') {
        throw new AulaError('invalid_link', 'this link is not valid');
      }
      const name = config.nameClaim ? payload[config.nameClaim] : undefined;
      const grant: OrgGrant = { room, role: role as Role, exp: payload.exp! };
      if (typeof name === 'string') grant.prefillName = name.slice(0, 256);
      return grant;
    } catch (err) {
      throw toAccessError(err);
    }
  }

  private key(config: IssuerConfig): JWTVerifyGetKey {
    let key = this.keys.get(config.issuer);
    if (!key) {
      key = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 }) : staticKey(config.publicKey!);
      this.keys.set(config.issuer, key);
    }
    return key;
  }
}

/**
 * A static key, imported for the algorithm the token names (jwtVerify has
 * already checked that it is one of the issuer's allowed algorithms).
 */
function staticKey(pk: string | Record<string, unknown>): JWTVerifyGetKey {
  const imported = new Map<string, Promise<CryptoKey>>();
  return (header) => {
    const alg = header.alg;
    let key = imported.get(alg);
    if (!key) {
      key = (typeof pk === 'string' ? importSPKI(pk, alg) : importJWK(pk as JWK, alg)) as Promise<CryptoKey>;
      imported.set(alg, key);
    }
    return key;
  };
}
