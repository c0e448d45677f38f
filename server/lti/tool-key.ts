// aula's own LTI signing key (RSA 2048, RS256: what every platform verifies),
// generated on first start into <data.dir>/lti-key.json (0600) like the server
// key. It signs Deep Linking responses; its public half is served at /lti/jwks.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { calculateJwkThumbprint, type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { readIfExists, writePrivateFile } from '../access/data-dir.js';

export interface ToolKey {
  privateKey: CryptoKey;
  kid: string;
  /** The public JWK with kid, alg and use (Moodle's php-jwt refuses keys without alg). */
  publicJwk: JWK;
  /** A secret derived from the key, for deriving room ids from resource links. */
  roomSecret: Buffer;
}

export async function loadOrCreateToolKey(dataDir: string): Promise<ToolKey> {
  const file = path.join(dataDir, 'lti-key.json');
  let jwk: JWK;
  const existing = readIfExists(file);
  if (existing) {
    jwk = JSON.parse(existing) as JWK;
  } else {
    const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    jwk = await exportJWK(privateKey);
    writePrivateFile(file, JSON.stringify(jwk));
  }
  const { kty, n, e } = jwk;
  const kid = await calculateJwkThumbprint({ kty, n, e });
  return {
    privateKey: (await importJWK(jwk, 'RS256')) as CryptoKey,
    kid,
    publicJwk: { kty, n, e, kid, alg: 'RS256', use: 'sig' },
    roomSecret: createHash('sha256').update('aula-lti-rooms\n').update(jwk.d!).digest(),
  };
}
