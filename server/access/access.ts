// Who may enter a room, and in which role: from a room link signed by this
// server, or from a token of a configured organisation issuer. A grant is
// checked at hello and again at join and at admission, so a link revoked or
// expired meanwhile stops working there too.
import { decodeJwt } from 'jose';
import type { Role } from '../../shared/protocol.js';
import { AulaError } from '../errors.js';
import type { Room } from '../rooms/room.js';
import { LINK_ISSUER, type LinkSigner } from './links.js';
import type { OrgIssuers } from './org-issuers.js';
import { LTI_GRANT_ISSUER, type LtiGrants } from '../lti/grant.js';

export interface Grant {
  role: Role;
  via: 'link' | 'organisation';
  /** When the token expires, ms since the epoch. */
  expiresAt: number;
  /** For room links: the link generation it was made for. */
  gen?: string;
}

const invalid = () => new AulaError('invalid_link', 'this link is not valid');

export class AccessControl {
  constructor(
    private readonly links: LinkSigner,
    private readonly issuers: OrgIssuers,
    private readonly lti?: LtiGrants,
  ) {}

  /** The grant a token gives in this room, and a name to prefill (not kept). */
  async grant(token: string, room: Room): Promise<{ grant: Grant; prefillName?: string }> {
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw invalid();
    }
    let result: { grant: Grant; prefillName?: string };
    if (issuer === LINK_ISSUER) {
      const claims = await this.links.verify(token);
      if (claims.room !== room.id) throw invalid();
      result = { grant: { role: claims.role, via: 'link', expiresAt: claims.exp * 1000, gen: claims.gen } };
    } else if (issuer === LTI_GRANT_ISSUER && this.lti) {
      // An LTI launch: the platform vouched for the person, like an organisation token.
      const lti = await this.lti.verify(token);
      if (lti.room !== room.id) throw invalid();
      result = { grant: { role: lti.role, via: 'organisation', expiresAt: lti.exp * 1000 }, prefillName: lti.prefillName };
    } else if (typeof issuer === 'string' && this.issuers.has(issuer)) {
      const org = await this.issuers.verify(token, issuer);
      if (org.room !== room.id || !this.issuers.mayGrant(issuer, room)) throw invalid();
      result = {
        grant: { role: org.role, via: 'organisation', expiresAt: org.exp * 1000 },
        prefillName: org.prefillName,
      };
    } else {
      throw invalid();
    }
    this.recheck(result.grant, room);
    return result;
  }

  /** Is the grant still good in this room now? Throws the reason if not. */
  recheck(grant: Grant, room: Room): void {
    if (Date.now() >= grant.expiresAt) throw new AulaError('link_expired', 'this link has expired');
    // A re-issued set of links has a new generation: older links are revoked.
    if (grant.via === 'link' && grant.gen !== room.linkGeneration) throw invalid();
    // Guest links are the participant-role links; the room may turn them off.
    if (grant.via === 'link' && grant.role === 'participant' && !room.settings.guestAccess) throw invalid();
  }
}
