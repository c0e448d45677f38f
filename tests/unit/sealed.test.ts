import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { open, seal } from '../../server/privacy/sealed.js';

describe('sealed records (AES-256-GCM)', () => {
  it('opens what seal wrote, and nothing with a shortened tag or another IV length', () => {
    const key = randomBytes(32);
    const sealed = seal(key, 'x', 'a');
    expect(open(key, sealed, 'a').toString()).toBe('x');
    const [iv, ct, tag] = sealed.split('.') as [string, string, string];
    const b64 = (b: Buffer) => b.toString('base64url');
    // Node would accept a 4..15-byte prefix of the tag: 2^-32 forgeries.
    for (const n of [4, 8, 12, 15]) {
      expect(() => open(key, [iv, ct, b64(Buffer.from(tag, 'base64url').subarray(0, n))].join('.'), 'a'), `${n}-byte tag`).toThrow(/malformed/);
    }
    expect(() => open(key, [b64(Buffer.concat([Buffer.from(iv, 'base64url'), Buffer.alloc(4)])), ct, tag].join('.'), 'a')).toThrow();
    expect(() => open(key, `${sealed}.extra`, 'a')).toThrow(/malformed/);
    expect(() => open(key, sealed, 'b')).toThrow();
  });
});
