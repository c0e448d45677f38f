// The access layer: the data directory (locked while this process runs), the
// server's signing key and what is built on it: room links, LTI grants, the
// admin token and the access check that turns a token into a role.
import type { Config } from '../config/config.js';
import { LtiGrants } from '../lti/grant.js';
import type { Layer } from '../lifecycle.js';
import { AccessControl } from './access.js';
import { loadOrCreateAdminToken } from './admin-token.js';
import { ensureDataDir, lockDataDir } from './data-dir.js';
import { LinkSigner } from './links.js';
import { OrgIssuers } from './org-issuers.js';
import { loadOrCreateServerKey } from './server-key.js';

export interface AccessLayer extends Layer {
  dataDir: string;
  signer: LinkSigner;
  ltiGrants: LtiGrants;
  adminToken: string;
  access: AccessControl;
}

export async function openAccess(config: Config): Promise<AccessLayer> {
  const dataDir = ensureDataDir(config.data.dir);
  const unlock = lockDataDir(dataDir);
  try {
    const serverKey = await loadOrCreateServerKey(dataDir);
    const signer = new LinkSigner(serverKey);
    const ltiGrants = new LtiGrants(serverKey);
    const adminToken = loadOrCreateAdminToken(config.admin.token, dataDir);
    const access = new AccessControl(signer, new OrgIssuers(config.issuers), ltiGrants);
    return { dataDir, signer, ltiGrants, adminToken, access, close: unlock };
  } catch (err) {
    unlock();
    throw err;
  }
}
