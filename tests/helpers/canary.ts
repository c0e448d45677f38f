// Scanning what aula wrote for canary strings, in the encodings a leak could
// take: UTF-8 (also lower-cased), UTF-16 (both byte orders), base64 at every
// alignment, hex of the UTF-8 bytes (both cases).
import fs from 'node:fs';
import path from 'node:path';

/** Every byte pattern under which `canary` could appear. */
export function encodings(canary: string): Array<[string, Buffer]> {
  const utf8 = Buffer.from(canary, 'utf8');
  const utf16le = Buffer.from(canary, 'utf16le');
  const utf16be = Buffer.from(utf16le).swap16();
  const out: Array<[string, Buffer]> = [
    ['utf8', utf8],
    ['utf8-lower', Buffer.from(canary.toLocaleLowerCase(), 'utf8')],
    ['utf16le', utf16le],
    ['utf16be', utf16be],
    ['hex', Buffer.from(utf8.toString('hex'))],
    ['HEX', Buffer.from(utf8.toString('hex').toUpperCase())],
  ];
  // base64 of the name at each of the three offsets within a 3-byte group;
  // only the characters fully determined by the name's own bytes.
  for (const offset of [0, 1, 2]) {
    for (const variant of ['base64', 'base64url'] as const) {
      const encoded = Buffer.concat([Buffer.alloc(offset), utf8]).toString(variant);
      const skip = Math.ceil((offset * 4) / 3);
      const keep = Math.floor(((offset + utf8.length) * 4) / 3);
      out.push([`${variant}@${offset}`, Buffer.from(encoded.slice(skip + 1, keep - 1))]);
    }
  }
  return out;
}

export function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/** Hits of any canary in the given buffers (labelled), as readable strings. */
export function scan(canaries: string[], items: Array<[string, Buffer]>): string[] {
  const hits: string[] = [];
  for (const canary of canaries) {
    for (const [enc, pattern] of encodings(canary)) {
      for (const [label, bytes] of items) if (bytes.includes(pattern)) hits.push(`${label}: ${canary} as ${enc}`);
    }
  }
  return hits;
}
