// The attendance ledger: for each meeting occurrence, who was there (display
// name, role, join and leave time). The only place aula writes display names
// to disk, and only encrypted:
//
//   <data.dir>/ledger/<meetingId>/meta.json   room, title, start, end (no names)
//   <data.dir>/ledger/<meetingId>/key.json    the meeting's data key, sealed with the ledger master key
//   <data.dir>/ledger/<meetingId>/events.log  one AES-GCM sealed event per line, fsynced
//
// Expired meetings are deleted key first: without it the events are noise.
import { hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Role } from '../../shared/protocol.js';
import { appendDurably, fsyncDir, readCompleteLines, readIfExists, writePrivateFile } from '../access/data-dir.js';
import type { AuditLog } from './audit-log.js';
import { open, seal } from './sealed.js';

export interface MeetingMeta {
  id: string;
  roomId: string;
  title: string;
  startedAt: string;
  endedAt?: string;
}

export interface LedgerEvent {
  type: 'join' | 'change' | 'leave';
  /** The session's random participant id: ties a leave to its join. */
  session: string;
  displayName?: string;
  role?: Role;
  at: string;
}

const DAY = 86_400_000;

/** The master key wrapping every meeting key: configured, or generated into the data directory. */
export function ledgerMasterKey(configured: string | undefined, dataDir: string): Buffer {
  if (configured) return Buffer.from(configured, 'base64url');
  return generatedMasterKey(dataDir);
}

export const masterKeyFile = (dataDir: string) => path.join(dataDir, 'ledger-master.key');

/** A separate key for the audit log's HMAC chain, derived from the master key. */
export function auditKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'aula audit log', 32));
}

function generatedMasterKey(dataDir: string): Buffer {
  const file = masterKeyFile(dataDir);
  const existing = readIfExists(file)?.trim();
  if (existing) return Buffer.from(existing, 'base64url');
  const key = randomBytes(32);
  writePrivateFile(file, `${key.toString('base64url')}\n`);
  return key;
}

export class Ledger {
  readonly dir: string;
  private readonly keys = new Map<string, Buffer>();
  private readonly seqs = new Map<string, number>();

  constructor(
    dataDir: string,
    private readonly masterKey: Buffer,
    readonly retentionDays: number,
    private readonly audit: AuditLog,
  ) {
    this.dir = path.join(dataDir, 'ledger');
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  /** `id`: several nodes, a meeting that moved here continues under its id (this node's segment of it). */
  start(roomId: string, title: string, now = new Date(), id: string = randomUUID()): MeetingMeta {
    const meta: MeetingMeta = { id, roomId, title, startedAt: now.toISOString() };
    const dir = this.meetingDir(meta.id);
    fs.mkdirSync(dir, { mode: 0o700 });
    fsyncDir(this.dir);
    const key = randomBytes(32);
    writePrivateFile(path.join(dir, 'key.json'), JSON.stringify({ sealed: seal(this.masterKey, key, `key:${meta.id}`) }));
    writePrivateFile(path.join(dir, 'meta.json'), JSON.stringify(meta));
    this.keys.set(meta.id, key);
    this.seqs.set(meta.id, 0);
    return meta;
  }

  /** Append one event durably (complete line, fsync) before returning. */
  append(meetingId: string, event: LedgerEvent): void {
    const file = path.join(this.meetingDir(meetingId), 'events.log');
    // After a failed write the count on disk is the truth, not the cached one.
    const seq = (this.seqs.get(meetingId) ?? readCompleteLines(file).length) + 1;
    const line = seal(this.key(meetingId), JSON.stringify(event), `event:${meetingId}:${seq}`);
    this.seqs.delete(meetingId);
    appendDurably(file, `${line}\n`);
    this.seqs.set(meetingId, seq);
  }

  end(meetingId: string, now = new Date()): void {
    const meta = this.meeting(meetingId);
    if (!meta || meta.endedAt) return;
    writePrivateFile(path.join(this.meetingDir(meetingId), 'meta.json'), JSON.stringify({ ...meta, endedAt: now.toISOString() }));
  }

  meeting(id: string): MeetingMeta | undefined {
    if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
    const text = readIfExists(path.join(this.meetingDir(id), 'meta.json'));
    return text ? (JSON.parse(text) as MeetingMeta) : undefined;
  }

  meetings(): MeetingMeta[] {
    return fs
      .readdirSync(this.dir)
      .map((id) => this.meeting(id))
      .filter((m): m is MeetingMeta => Boolean(m))
      .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  }

  /** Decrypt a meeting's events, in order. */
  read(meetingId: string): LedgerEvent[] {
    const key = this.key(meetingId);
    return readCompleteLines(path.join(this.meetingDir(meetingId), 'events.log')).map((line, i) => JSON.parse(open(key, line, `event:${meetingId}:${i + 1}`).toString('utf8')) as LedgerEvent);
  }

  /**
   * After a crash nobody is in any room: end what was left open, at its last
   * recorded event (not at the restart, which may be days later).
   */
  endOpenMeetings(): number {
    let n = 0;
    for (const m of this.meetings()) {
      if (m.endedAt) continue;
      const last = this.read(m.id).at(-1)?.at ?? m.startedAt;
      this.end(m.id, new Date(last));
      n++;
    }
    return n;
  }

  isExpired(meta: MeetingMeta, now = new Date()): boolean {
    return Boolean(meta.endedAt) && this.expiresAt(meta) <= now;
  }

  expiresAt(meta: MeetingMeta): Date {
    return new Date(Date.parse(meta.endedAt ?? meta.startedAt) + this.retentionDays * DAY);
  }

  /** Delete meetings past retention: key first, then the rest. Returns how many. */
  purge(now = new Date()): number {
    let n = 0;
    for (const m of this.meetings()) {
      if (!this.isExpired(m, now)) continue;
      // Audit first: a crash half-way still leaves the purge on record.
      if (!this.audit.all().some((e) => e.type === 'meeting.purged' && e.meetingId === m.id)) {
        this.audit.append({ type: 'meeting.purged', meetingId: m.id }, now);
      }
      const dir = this.meetingDir(m.id);
      fs.rmSync(path.join(dir, 'key.json'), { force: true });
      this.keys.get(m.id)?.fill(0);
      this.keys.delete(m.id);
      this.seqs.delete(m.id);
      fs.rmSync(dir, { recursive: true, force: true });
      n++;
    }
    if (n) fsyncDir(this.dir);
    return n;
  }

  private key(meetingId: string): Buffer {
    let key = this.keys.get(meetingId);
    if (!key) {
      const text = readIfExists(path.join(this.meetingDir(meetingId), 'key.json'));
      if (!text) throw new Error('meeting key not found');
      key = open(this.masterKey, (JSON.parse(text) as { sealed: string }).sealed, `key:${meetingId}`);
      this.keys.set(meetingId, key);
    }
    return key;
  }

  private meetingDir(id: string): string {
    return path.join(this.dir, id);
  }
}
