// Tokens from the organisation's own systems (LMS, intranet): verified against
// the configured issuer's key or JWKS. aula reads exactly three claims (role,
// room and, if configured, a display name to prefill) and drops the rest:
// subject, e-mail and everything else never leave this function.
import { createRemoteJWKSet, importJWK, importSPKI, type JWK, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { Role } from '../../shared/protocol.js';
import type { IssuerConfig } from '../config/config.js';
import { AulaError } from '../errors.js';
import { toAccessError } from './links.js';

export interface OrgGrant {
  room: string;
  role: Role;
  prefillName?: string;
}

type KeySource = JWTVerifyGetKey | CryptoKey | Uint8Array;

const ROLES: readonly string[] = ['moderator', 'presenter', 'participant'];

export class OrgIssuers {
  private readonly keys = new Map<string, Promise<KeySource>>();
  private readonly byIssuer = new Map<string, IssuerConfig>();

  constructor(configs: IssuerConfig[]) {
    for (const c of configs) this.byIssuer.set(c.issuer, c);
  }

  has(issuer: string): boolean {
    return this.byIssuer.has(issuer);
  }

  async verify(token: string, issuer: string): Promise<OrgGrant> {
    const config = this.byIssuer.get(issuer);
    if (!config) throw new AulaError('invalid_link', 'this link is not valid');
    try {
      const key = await this.key(config);
      const { payload } = await jwtVerify(token, key as JWTVerifyGetKey, {
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
      const grant: OrgGrant = { room, role: role as Role };
      if (typeof name === 'string') grant.prefillName = name.slice(0, 256);
      return grant;
    } catch (err) {
      throw toAccessError(err);
    }
  }

  private key(config: IssuerConfig): Promise<KeySource> {
    let key = this.keys.get(config.issuer);
    if (!key) {
      key = loadKey(config);
      this.keys.set(config.issuer, key);
      // A failed static-key import should be retried next time, not cached.
      key.catch(() => this.keys.delete(config.issuer));
    }
    return key;
  }
}

async function loadKey(config: IssuerConfig): Promise<KeySource> {
  if (config.jwksUrl) {
    return createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 });
  }
  const pk = config.publicKey!;
  if (typeof pk === 'string') {
    let lastError: unknown;
    for (const alg of config.algorithms) {
      try {
        return await importSPKI(pk, alg);
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError;
  }
  return (await importJWK(pk as JWK, (pk as JWK).alg ?? config.algorithms[0])) as CryptoKey;
}
