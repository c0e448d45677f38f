// Who may enter a room, and in which role: from a room link signed by this
// server, or from a token of a configured organisation issuer.
import { decodeJwt } from 'jose';
import type { Role } from '../../shared/protocol.js';
import { AulaError } from '../errors.js';
import type { Room } from '../rooms/room.js';
import { LINK_ISSUER, type LinkSigner } from './links.js';
import type { OrgIssuers } from './org-issuers.js';

export interface Grant {
  role: Role;
  via: 'link' | 'organisation';
  prefillName?: string;
}

const invalid = () => new AulaError('invalid_link', 'this link is not valid');

export class AccessControl {
  constructor(
    private readonly links: LinkSigner,
    private readonly issuers: OrgIssuers,
  ) {}

  async grant(token: string, room: Room): Promise<Grant> {
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw invalid();
    }
    if (issuer === LINK_ISSUER) {
      const claims = await this.links.verify(token);
      if (claims.room !== room.id) throw invalid();
      // A re-issued set of links has a new generation: older links are revoked.
      if (claims.gen !== room.linkGeneration) throw invalid();
      // Guest links are the participant-role links; the room may turn them off.
      if (claims.role === 'participant' && !room.settings.guestAccess) throw invalid();
      return { role: claims.role, via: 'link' };
    }
    if (typeof issuer === 'string' && this.issuers.has(issuer)) {
      const grant = await this.issuers.verify(token, issuer);
      if (grant.room !== room.id) throw invalid();
      return { role: grant.role, via: 'organisation', prefillName: grant.prefillName };
    }
    throw invalid();
  }
}
