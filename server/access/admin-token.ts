// The operator's bearer token for the admin API and `npx aula`.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { readIfExists, writePrivateFile } from './data-dir.js';

export const adminTokenFile = (dataDir: string) => path.join(dataDir, 'admin-token');

/** The configured token, or the one generated on first start into the data directory. */
export function loadOrCreateAdminToken(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const file = adminTokenFile(dataDir);
  const existing = readIfExists(file)?.trim();
  if (existing) return existing;
  const token = randomBytes(32).toString('base64url');
  writePrivateFile(file, `${token}\n`);
  return token;
}

/**
 * Constant-time check of an `Authorization: Bearer …` header. Both sides are
 * hashed first so that the comparison does not depend on the length either.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (\S+)$/.exec(header ?? '')?.[1] ?? '';
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b) && given.length > 0;
}
