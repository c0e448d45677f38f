// Append-only, hash-chained audit log of report requests, approvals,
// deliveries and purges: <data.dir>/audit.log, one JSON entry per line.
// Each entry's hash covers the previous hash, so changing, removing or
// reordering any entry breaks every hash after it. It never holds attendee names.
import { createHash, createHmac } from 'node:crypto';
import path from 'node:path';
import { appendDurably, readCompleteLines } from '../access/data-dir.js';

export type AuditType = 'report.requested' | 'report.approved' | 'report.delivered' | 'meeting.purged';

export interface AuditFields {
  type: AuditType;
  operator?: string;
  meetingId?: string;
  requestId?: string;
  reason?: string;
}

export interface AuditEntry extends AuditFields {
  seq: number;
  at: string;
  prev: string;
  hash: string;
}

const GENESIS = '0'.repeat(64);

/**
 * The entry's hash over its fields and the previous hash. With a key (derived
 * from the ledger master key) it is an HMAC, so whoever lacks the key cannot
 * rewrite the chain and re-hash it.
 */
export function entryHash(entry: Omit<AuditEntry, 'hash'>, key?: Buffer): string {
  // Fixed key order, so the hash does not depend on how JSON was written.
  const canonical = JSON.stringify([entry.seq, entry.at, entry.prev, entry.type, entry.operator ?? null, entry.meetingId ?? null, entry.requestId ?? null, entry.reason ?? null]);
  return (key ? createHmac('sha256', key) : createHash('sha256')).update(canonical).digest('hex');
}

export class AuditLog {
  readonly file: string;
  private entries: AuditEntry[];

  constructor(
    dataDir: string,
    private readonly key?: Buffer,
  ) {
    this.file = path.join(dataDir, 'audit.log');
    this.entries = AuditLog.read(this.file);
    const problem = AuditLog.verify(this.entries, key);
    if (problem) throw new Error(`audit log ${this.file} is not intact: ${problem}`);
  }

  /** The entries; an unfinished last line (a write torn by a crash) is dropped. */
  static read(file: string): AuditEntry[] {
    return readCompleteLines(file).map((line, i) => {
      try {
        return JSON.parse(line) as AuditEntry;
      } catch {
        throw new Error(`audit log ${file}: line ${i + 1} is not JSON`);
      }
    });
  }

  /** The first break in the chain, or null if every entry is intact and in order. */
  static verify(entries: AuditEntry[], key?: Buffer): string | null {
    let prev = GENESIS;
    for (const [i, e] of entries.entries()) {
      if (e.seq !== i + 1) return `entry ${i + 1} has sequence number ${e.seq}`;
      if (e.prev !== prev) return `entry ${e.seq} does not follow entry ${i}`;
      const { hash, ...rest } = e;
      if (entryHash(rest, key) !== hash) return `entry ${e.seq} was modified`;
      prev = hash;
    }
    return null;
  }

  append(fields: AuditFields, now = new Date()): AuditEntry {
    const body = {
      seq: this.entries.length + 1,
      at: now.toISOString(),
      prev: this.entries.at(-1)?.hash ?? GENESIS,
      ...fields,
    };
    const entry: AuditEntry = { ...body, hash: entryHash(body, this.key) };
    appendDurably(this.file, `${JSON.stringify(entry)}\n`);
    this.entries.push(entry);
    return entry;
  }

  all(): readonly AuditEntry[] {
    return this.entries;
  }
}
