// AES-256-GCM sealing with node:crypto: `iv.ciphertext.tag`, base64url.
// The associated data binds a record to its place (meeting id, sequence), so
// records cannot be swapped between meetings or reordered unnoticed.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function seal(key: Buffer, plaintext: Buffer | string, aad: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [iv, ct, cipher.getAuthTag()].map((b) => b.toString('base64url')).join('.');
}

export function open(key: Buffer, sealed: string, aad: string): Buffer {
  const parts = sealed.split('.');
  const [iv, ct, tag] = parts.map((p) => Buffer.from(p, 'base64url'));
  // Node accepts GCM tags of 4 to 16 bytes unless told otherwise: a short tag
  // would make a forgery 2^96 times easier. Only what seal() writes is opened.
  if (parts.length !== 3 || !iv || !ct || !tag || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new Error('malformed sealed record');
  }
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ct), decipher.final()]);
}
