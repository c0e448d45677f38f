// Append-only, hash-chained audit log of report requests, approvals,
// deliveries and purges: <data.dir>/audit.log, one JSON entry per line.
// Each entry's hash covers the previous hash, so changing, removing or
// reordering any entry breaks every hash after it. It never holds attendee names.
//
// The chain alone cannot tell how many entries there should be, so two small
// files, each with a MAC under the audit key, pin its ends:
//   audit.anchor  where the chain starts after retention deleted older entries
//   audit.head    the newest entry (seq and hash), rewritten after each append
// Entries cut off the start (with a forged anchor) or off the end (the log
// stops before the head) stop start-up like any other break. Removing the log
// and both files together looks like a fresh installation; only a copy of the
// head kept elsewhere (an operator's notes, a backup) can show that.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { appendDurably, readCompleteLines, readIfExists, writePrivateFile } from '../access/data-dir.js';

export type AuditType =
  | 'report.requested'
  | 'report.approved'
  | 'report.delivered'
  | 'meeting.purged'
  | 'audit.purged'
  | 'recording.downloaded'
  | 'recording.deleted'
  | 'recording.purged';

/** Where the chain continues after older entries were deleted for retention. */
export interface Anchor {
  seq: number;
  hash: string;
}

export interface AuditFields {
  type: AuditType;
  operator?: string;
  meetingId?: string;
  requestId?: string;
  recordingId?: string;
  reason?: string;
}

export interface AuditEntry extends AuditFields {
  seq: number;
  at: string;
  prev: string;
  hash: string;
}

const GENESIS = '0'.repeat(64);
const START: Anchor = { seq: 0, hash: GENESIS };
const DAY = 86_400_000;

/**
 * The entry's hash over its fields and the previous hash. With a key (derived
 * from the ledger master key) it is an HMAC, so whoever lacks the key cannot
 * rewrite the chain and re-hash it.
 */
export function entryHash(entry: Omit<AuditEntry, 'hash'>, key?: Buffer): string {
  // Fixed key order, so the hash does not depend on how JSON was written.
  const canonical = JSON.stringify([
    entry.seq,
    entry.at,
    entry.prev,
    entry.type,
    entry.operator ?? null,
    entry.meetingId ?? null,
    entry.requestId ?? null,
    entry.reason ?? null,
    // Only when present, so the hashes of entries written before recordings were audited stay valid.
    ...(entry.recordingId ? [entry.recordingId] : []),
  ]);
  return (key ? createHmac('sha256', key) : createHash('sha256')).update(canonical).digest('hex');
}

export class AuditLog {
  readonly file: string;
  private readonly anchorFile: string;
  private readonly headFile: string;
  private entries: AuditEntry[];
  private anchor: Anchor;

  constructor(
    dataDir: string,
    private readonly key?: Buffer,
  ) {
    this.file = path.join(dataDir, 'audit.log');
    this.anchorFile = path.join(dataDir, 'audit.anchor');
    this.headFile = path.join(dataDir, 'audit.head');
    const broken = (why: string) => new Error(`audit log ${this.file} is not intact: ${why}`);
    const anchor = this.readPin(this.anchorFile, 'anchor');
    if (anchor === 'forged') throw broken('audit.anchor does not match its MAC');
    this.anchor = anchor ?? START;
    const head = this.readPin(this.headFile, 'head');
    if (head === 'forged') throw broken('audit.head does not match its MAC');
    // A purge that crashed after writing the anchor left entries it had already dropped.
    this.entries = AuditLog.read(this.file).filter((e) => e.seq > this.anchor.seq);
    const problem = AuditLog.verify(this.entries, key, this.anchor);
    if (problem) throw broken(problem);
    const last = this.entries.at(-1) ?? this.anchor;
    if (!head && last.seq > 0) throw broken('audit.head is missing');
    if (head) {
      // The log may run past the head (a crash between the two writes), never end before it.
      if (last.seq < head.seq) throw broken(`entries ${last.seq + 1} to ${head.seq} are missing from its end`);
      const atHead = head.seq === this.anchor.seq ? this.anchor : this.entries.find((e) => e.seq === head.seq);
      if (atHead?.hash !== head.hash) throw broken(`entry ${head.seq} is not the one audit.head names`);
      if (last.seq > head.seq) this.writePin(this.headFile, 'head', last);
    }
  }

  /** The newest entry's seq and hash: what an operator can note down to detect a rollback later. */
  head(): Anchor {
    const last = this.entries.at(-1) ?? this.anchor;
    return { seq: last.seq, hash: last.hash };
  }

  // audit.anchor and audit.head: {seq, hash, mac}; the MAC's label keeps one from being used as the other.
  private pinMac(kind: string, a: Anchor): string {
    const data = `audit ${kind}:${a.seq}:${a.hash}`;
    return (this.key ? createHmac('sha256', this.key) : createHash('sha256')).update(data).digest('hex');
  }

  private readPin(file: string, kind: string): Anchor | 'forged' | undefined {
    const text = readIfExists(file);
    if (!text) return undefined;
    let pin: Anchor & { mac?: unknown };
    try {
      pin = JSON.parse(text) as Anchor & { mac?: unknown };
    } catch {
      return 'forged';
    }
    if (!Number.isSafeInteger(pin.seq) || typeof pin.hash !== 'string' || typeof pin.mac !== 'string') return 'forged';
    const expected = Buffer.from(this.pinMac(kind, pin));
    const given = Buffer.from(pin.mac);
    return given.length === expected.length && timingSafeEqual(given, expected) ? { seq: pin.seq, hash: pin.hash } : 'forged';
  }

  private writePin(file: string, kind: string, a: Anchor): void {
    writePrivateFile(file, JSON.stringify({ seq: a.seq, hash: a.hash, mac: this.pinMac(kind, a) }));
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
  static verify(entries: AuditEntry[], key?: Buffer, anchor: Anchor = START): string | null {
    let prev = anchor.hash;
    for (const [i, e] of entries.entries()) {
      const seq = anchor.seq + i + 1;
      if (e.seq !== seq) return `entry ${seq} has sequence number ${e.seq}`;
      if (e.prev !== prev) return `entry ${e.seq} does not follow entry ${seq - 1}`;
      const { hash, ...rest } = e;
      if (entryHash(rest, key) !== hash) return `entry ${e.seq} was modified`;
      prev = hash;
    }
    return null;
  }

  append(fields: AuditFields, now = new Date()): AuditEntry {
    const body = {
      seq: (this.entries.at(-1)?.seq ?? this.anchor.seq) + 1,
      at: now.toISOString(),
      prev: this.entries.at(-1)?.hash ?? this.anchor.hash,
      ...fields,
    };
    const entry: AuditEntry = { ...body, hash: entryHash(body, this.key) };
    appendDurably(this.file, `${JSON.stringify(entry)}\n`);
    this.entries.push(entry);
    this.writePin(this.headFile, 'head', entry);
    return entry;
  }

  all(): readonly AuditEntry[] {
    return this.entries;
  }

  /**
   * Delete entries older than `retentionDays` (from the start of the log) and
   * record that as the next entry. The chain goes on from an anchor: the seq
   * and hash of the last deleted entry.
   */
  purge(retentionDays: number, now = new Date()): number {
    const cutoff = now.getTime() - retentionDays * DAY;
    let n = 0;
    while (n < this.entries.length && Date.parse(this.entries[n]!.at) < cutoff) n++;
    if (n === 0) return 0;
    const last = this.entries[n - 1]!;
    this.anchor = { seq: last.seq, hash: last.hash };
    this.writePin(this.anchorFile, 'anchor', this.anchor);
    this.entries = this.entries.slice(n);
    writePrivateFile(this.file, this.entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
    this.append({ type: 'audit.purged', reason: `${n} entries older than ${retentionDays} days deleted` }, now);
    return n;
  }
}
