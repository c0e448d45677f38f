// Recording files at rest: sealed records that read back, survive a torn
// tail (a crash), and refuse tampering, reordering and another file's label.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { readSealed, SealedWriter, sealedReadStream } from '../../server/recording/sealed-file.js';

const key = randomBytes(32);
const tmp = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aula-sealed-')), 'f.webm');

function write(file: string, chunks: string[]): void {
  const w = new SealedWriter(file, key, 'rec/f.webm', 60_000, 8); // tiny records: one per chunk or two
  for (const c of chunks) w.write(Buffer.from(c));
  w.close();
}

describe('sealed recording files', () => {
  it('read back what was written, also when appended later; the bytes at rest are not the plaintext', async () => {
    const file = tmp();
    write(file, ['\x1aE\xdf\xa3webm header', ' and more']);
    write(file, [' appended']);
    expect(readSealed(file, key, 'rec/f.webm').toString()).toBe('\x1aE\xdf\xa3webm header and more appended');
    expect(await text(sealedReadStream(file, key, 'rec/f.webm'))).toBe('\x1aE\xdf\xa3webm header and more appended');
    const raw = fs.readFileSync(file);
    expect(raw.includes(Buffer.from('webm'))).toBe(false);
    expect(raw.includes(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]))).toBe(false);
  });

  it('a file torn by a crash reads up to its last complete record', () => {
    const file = tmp();
    write(file, ['12345678', 'abcdefgh']);
    fs.truncateSync(file, fs.statSync(file).size - 5);
    expect(readSealed(file, key, 'rec/f.webm').toString()).toBe('12345678');
  });

  it('refuses a changed byte, swapped records, another file label and another key', () => {
    const file = tmp();
    write(file, ['12345678', 'abcdefgh']);
    const raw = fs.readFileSync(file);
    const flipped = Buffer.from(raw);
    flipped[20] = flipped[20]! ^ 1;
    fs.writeFileSync(file, flipped);
    expect(() => readSealed(file, key, 'rec/f.webm')).toThrow();
    const half = raw.length / 2;
    fs.writeFileSync(file, Buffer.concat([raw.subarray(half), raw.subarray(0, half)]));
    expect(() => readSealed(file, key, 'rec/f.webm')).toThrow();
    fs.writeFileSync(file, raw);
    expect(() => readSealed(file, key, 'rec/other.webm')).toThrow();
    expect(() => readSealed(file, randomBytes(32), 'rec/f.webm')).toThrow();
    expect(readSealed(file, key, 'rec/f.webm').toString()).toBe('12345678abcdefgh');
  });
});
