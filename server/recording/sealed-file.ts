// Recording files at rest: a sequence of AES-256-GCM records, each
//   [4 bytes: ciphertext length, big-endian][12 bytes IV][ciphertext][16 bytes tag]
// under the recording's own key. The associated data is the file's label
// (recording id and file name) and the record's index, so records cannot be
// moved between files or reordered unnoticed. A file cut off by a crash reads
// up to its last complete record, as the plain WebM did up to its last cluster.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';

const HEAD = 4 + 12;
const TAG = 16;
/** Records are at most this large, so a reader never holds much in memory. */
const MAX_RECORD = 1 << 20;

const aad = (label: string, index: number) => Buffer.from(`${label}:${index}`);

export function sealRecord(key: Buffer, label: string, index: number, plain: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG });
  cipher.setAAD(aad(label, index));
  const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(ct.length);
  return Buffer.concat([len, iv, ct, cipher.getAuthTag()]);
}

function openRecord(key: Buffer, label: string, index: number, record: Buffer): Buffer {
  const iv = record.subarray(4, HEAD);
  const ct = record.subarray(HEAD, record.length - TAG);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG });
  decipher.setAAD(aad(label, index));
  decipher.setAuthTag(record.subarray(record.length - TAG));
  return Buffer.concat([decipher.update(ct), decipher.final()]);
}

/** How many complete records a file holds (where appending continues). */
export function countRecords(file: string): number {
  let n = 0;
  for (const _ of records(file)) n++;
  return n;
}

/** The complete records of a file, in order (a torn last record is left out). */
function* records(file: string): Generator<Buffer> {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return;
  }
  try {
    const len = Buffer.alloc(4);
    let pos = 0;
    for (;;) {
      if (fs.readSync(fd, len, 0, 4, pos) < 4) return;
      const size = len.readUInt32BE();
      if (size > MAX_RECORD) throw new Error('sealed file: record too large (damaged file)');
      const record = Buffer.alloc(HEAD + size + TAG);
      if (fs.readSync(fd, record, 0, record.length, pos) < record.length) return;
      pos += record.length;
      yield record;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** The plaintext of a whole (small) sealed file, e.g. the transcript. */
export function readSealed(file: string, key: Buffer, label: string): Buffer {
  const parts: Buffer[] = [];
  let i = 0;
  for (const r of records(file)) parts.push(openRecord(key, label, i++, r));
  return Buffer.concat(parts);
}

/** The plaintext of a sealed file as a stream (media: read record by record). */
export function sealedReadStream(file: string, key: Buffer, label: string): Readable {
  const it = records(file);
  let i = 0;
  return new Readable({
    read() {
      try {
        const next = it.next();
        this.push(next.done ? null : openRecord(key, label, i++, next.value));
      } catch (err) {
        this.destroy(err as Error);
      }
    },
    destroy(err, cb) {
      it.return(undefined);
      cb(err);
    },
  });
}

/**
 * Appends plaintext as sealed records. Small writes are gathered for up to
 * `flushMs` (ffmpeg flushes every packet), so a crash loses about that much.
 */
export class SealedWriter {
  private fd: number;
  private index: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    file: string,
    private readonly key: Buffer,
    private readonly label: string,
    flushMs = 1000,
    private readonly maxBytes = 256 * 1024,
  ) {
    this.index = countRecords(file);
    this.fd = fs.openSync(file, 'a', 0o600);
    this.timer = setInterval(() => this.flush(), flushMs);
    this.timer.unref();
  }

  write(chunk: Buffer): void {
    if (this.fd < 0) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= this.maxBytes) this.flush();
  }

  flush(): void {
    if (this.fd < 0 || !this.pendingBytes) return;
    const plain = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    for (let at = 0; at < plain.length; at += MAX_RECORD) {
      fs.writeSync(this.fd, sealRecord(this.key, this.label, this.index++, plain.subarray(at, at + MAX_RECORD)));
    }
  }

  close(): void {
    if (this.fd < 0) return;
    clearInterval(this.timer);
    this.flush();
    fs.closeSync(this.fd);
    this.fd = -1;
  }
}
