// The server's own signing key (Ed25519) for room links. Generated on first
// start, kept as a private JWK in <data.dir>/server-key.json (0600).
import path from 'node:path';
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { readIfExists, writePrivateFile } from './data-dir.js';

export interface ServerKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

export async function loadOrCreateServerKey(dataDir: string): Promise<ServerKey> {
  const file = path.join(dataDir, 'server-key.json');
  const existing = readIfExists(file);
  if (existing) {
    const jwk = JSON.parse(existing) as JWK;
    const { d: _private, ...publicJwk } = jwk;
    return {
      privateKey: (await importJWK(jwk, 'EdDSA')) as CryptoKey,
      publicKey: (await importJWK(publicJwk, 'EdDSA')) as CryptoKey,
    };
  }
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  writePrivateFile(file, JSON.stringify(await exportJWK(privateKey)));
  return { privateKey, publicKey };
}
