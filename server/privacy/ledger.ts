// The attendance ledger: for each meeting occurrence, who was there (display
// name, role, join and leave time). The only place aula writes display names
// to disk, and only encrypted:
//
//   <data.dir>/ledger/<meetingId>/meta.json   room, title, start, end, event count (no names), with a MAC
//   <data.dir>/ledger/<meetingId>/key.json    the meeting's data key, sealed with the ledger master key
//   <data.dir>/ledger/<meetingId>/events.log  one AES-GCM sealed event per line, fsynced
//
// Writes run off the event loop, one queue per meeting (group-commit.ts):
// appends that arrive while a batch is being fsynced go into the next batch.
// A promise from append() settles once that event is on disk, so callers
// acknowledge a join only when it would survive a crash.
//
// meta.json carries an HMAC (a key derived from the master key): editing the
// end to keep attendance past its retention, or cutting events off the end of
// events.log (the MAC covers the count), is detected. Such a meeting is
// `tampered`: no report is made from it, and retention deletes it at once.
//
// Expired meetings are deleted key first: without it the events are noise.
import { createHmac, hkdfSync, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Role } from '../../shared/protocol.js';
import { fsyncDir, readCompleteLines, readIfExists, writePrivateFile } from '../access/data-dir.js';
import type { AuditLog } from './audit-log.js';
import { fsyncDirAsync, GroupCommit, writePrivateFileAsync } from './group-commit.js';
import { open, seal } from './sealed.js';

export interface MeetingMeta {
  id: string;
  roomId: string;
  title: string;
  startedAt: string;
  endedAt?: string;
  /** How many events the meeting had when it ended. */
  events?: number;
  /** Set when meta.json does not match its MAC (never stored). */
  tampered?: true;
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

type StoredMeta = Omit<MeetingMeta, 'tampered'> & { mac?: string };

export class Ledger {
  readonly dir: string;
  /** Event batches written and events in them (for the benchmark and tests). */
  readonly stats = { batches: 0, events: 0 };
  private readonly keys = new Map<string, Buffer>();
  private readonly seqs = new Map<string, number>();
  private readonly writers = new Map<string, GroupCommit<LedgerEvent>>();
  /** events.log of each open meeting, kept open between batches (fewer system calls per batch). */
  private readonly files = new Map<string, FileHandle>();
  private readonly metaKey: Buffer;

  constructor(
    dataDir: string,
    private readonly masterKey: Buffer,
    readonly retentionDays: number,
    private readonly audit: AuditLog,
  ) {
    this.dir = path.join(dataDir, 'ledger');
    this.metaKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'aula ledger meta', 32));
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  /**
   * A new meeting occurrence; its files are written in the background (before any of its events).
   * `id`: several nodes, a meeting that moved here continues under its id (this node's segment of it).
   */
  start(roomId: string, title: string, now = new Date(), id: string = randomUUID()): MeetingMeta {
    const meta: MeetingMeta = { id, roomId, title, startedAt: now.toISOString() };
    const key = randomBytes(32);
    this.keys.set(meta.id, key);
    this.seqs.set(meta.id, 0);
    const dir = this.meetingDir(meta.id);
    void this.writer(meta.id)
      .task(async () => {
        await fs.promises.mkdir(dir, { mode: 0o700 });
        await fsyncDirAsync(this.dir);
        await writePrivateFileAsync(path.join(dir, 'key.json'), JSON.stringify({ sealed: seal(this.masterKey, key, `key:${meta.id}`) }), dir);
        await writePrivateFileAsync(path.join(dir, 'meta.json'), this.storedMeta(meta), dir);
      })
      .catch(() => undefined); // the appends that follow fail too, and report it
    return meta;
  }

  /** Append one event; settles once it is durable (complete line, fsync). */
  append(meetingId: string, event: LedgerEvent): Promise<void> {
    return this.writer(meetingId).append(event);
  }

  /** End the meeting at `now` (after its queued events), recording how many events it has. */
  end(meetingId: string, now = new Date()): Promise<void> {
    const done = this.writer(meetingId).task(async () => {
      const meta = this.meeting(meetingId);
      if (!meta || meta.endedAt || meta.tampered) return;
      const events = this.seqs.get(meetingId) ?? this.lines(meetingId).length;
      const { tampered: _t, ...rest } = meta;
      await writePrivateFileAsync(
        path.join(this.meetingDir(meetingId), 'meta.json'),
        this.storedMeta({ ...rest, endedAt: now.toISOString(), events }),
        this.meetingDir(meetingId),
      );
      // An ended meeting is read rarely (a report): its key comes from key.json then.
      this.keys.delete(meetingId);
      this.seqs.delete(meetingId);
      await this.closeFile(meetingId);
    });
    const w = this.writers.get(meetingId)!;
    // An ended meeting needs no writer; a later write (none is expected) would make a new one.
    void w.idle().then(() => {
      if (!w.busy && this.writers.get(meetingId) === w) this.writers.delete(meetingId);
    });
    return done;
  }

  /** Settles when every queued write has been made (or has failed). */
  async idle(): Promise<void> {
    while ([...this.writers.values()].some((w) => w.busy)) await Promise.all([...this.writers.values()].map((w) => w.idle()));
  }

  meeting(id: string): MeetingMeta | undefined {
    if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
    const text = readIfExists(path.join(this.meetingDir(id), 'meta.json'));
    if (!text) return undefined;
    let stored: StoredMeta;
    try {
      stored = JSON.parse(text) as StoredMeta;
    } catch {
      return { id, roomId: '', title: '', startedAt: new Date(0).toISOString(), tampered: true };
    }
    const { roomId, title, startedAt, endedAt, events, mac } = stored;
    const meta: MeetingMeta = { id, roomId, title, startedAt, ...(endedAt !== undefined ? { endedAt } : {}), ...(events !== undefined ? { events } : {}) };
    const expected = Buffer.from(this.mac(meta));
    const intact = typeof mac === 'string' && Buffer.byteLength(mac) === expected.length && timingSafeEqual(Buffer.from(mac), expected);
    return intact ? meta : { ...meta, tampered: true };
  }

  meetings(): MeetingMeta[] {
    return fs
      .readdirSync(this.dir)
      .map((id) => this.meeting(id))
      .filter((m): m is MeetingMeta => Boolean(m))
      .sort((a, b) => String(a.startedAt).localeCompare(String(b.startedAt)));
  }

  /** Decrypt a meeting's events, in order; throws if the file was cut short or lengthened after the end. */
  read(meetingId: string): LedgerEvent[] {
    const key = this.key(meetingId);
    // Not cut: an append may be on its way right now (the writer repairs torn lines itself).
    const text = readIfExists(path.join(this.meetingDir(meetingId), 'events.log')) ?? '';
    const lines = text
      .slice(0, text.lastIndexOf('\n') + 1)
      .split('\n')
      .filter(Boolean);
    const meta = this.meeting(meetingId);
    if (meta?.tampered) throw new Error(`ledger: meta.json of meeting ${meetingId} does not match its MAC`);
    if (meta?.events !== undefined && meta.events !== lines.length) {
      throw new Error(`ledger: events.log of meeting ${meetingId} has ${lines.length} events, ${meta.events} were recorded`);
    }
    return lines.map((line, i) => JSON.parse(open(key, line, `event:${meetingId}:${i + 1}`).toString('utf8')) as LedgerEvent);
  }

  /**
   * After a crash nobody is in any room: end what was left open, at its last
   * recorded event (not at the restart, which may be days later).
   */
  async endOpenMeetings(): Promise<number> {
    let n = 0;
    for (const m of this.meetings()) {
      if (m.endedAt || m.tampered) continue;
      const last = this.read(m.id).at(-1)?.at ?? m.startedAt;
      await this.end(m.id, new Date(last));
      n++;
    }
    return n;
  }

  /** Past retention, or not to be trusted (a meta.json that fails its MAC). */
  isExpired(meta: MeetingMeta, now = new Date()): boolean {
    return Boolean(meta.tampered) || (Boolean(meta.endedAt) && this.expiresAt(meta) <= now);
  }

  expiresAt(meta: MeetingMeta): Date {
    return new Date(Date.parse(meta.endedAt ?? meta.startedAt) + this.retentionDays * DAY);
  }

  /** Delete meetings past retention (and tampered ones): key first, then the rest. Returns how many. */
  purge(now = new Date()): number {
    let n = 0;
    const purged = new Set(
      this.audit
        .all()
        .filter((e) => e.type === 'meeting.purged')
        .map((e) => e.meetingId),
    );
    for (const m of this.meetings()) {
      if (!this.isExpired(m, now) || this.writers.get(m.id)?.busy) continue;
      // Audit first: a crash half-way still leaves the purge on record.
      if (!purged.has(m.id)) {
        this.audit.append({ type: 'meeting.purged', meetingId: m.id, ...(m.tampered ? { reason: 'meta.json failed its MAC' } : {}) }, now);
      }
      const dir = this.meetingDir(m.id);
      fs.rmSync(path.join(dir, 'key.json'), { force: true });
      void this.closeFile(m.id);
      this.keys.get(m.id)?.fill(0);
      this.keys.delete(m.id);
      this.seqs.delete(m.id);
      fs.rmSync(dir, { recursive: true, force: true });
      n++;
    }
    if (n) fsyncDir(this.dir);
    return n;
  }

  private writer(meetingId: string): GroupCommit<LedgerEvent> {
    let w = this.writers.get(meetingId);
    if (!w) {
      w = new GroupCommit((events) => this.commit(meetingId, events));
      this.writers.set(meetingId, w);
    }
    return w;
  }

  // One batch: sealed with consecutive sequence numbers, one write, one fsync.
  private async commit(meetingId: string, events: LedgerEvent[]): Promise<void> {
    // After a failed write the count on disk is the truth, not the cached one.
    const seq = this.seqs.get(meetingId) ?? this.lines(meetingId).length;
    const key = this.key(meetingId);
    const text = events.map((e, i) => `${seal(key, JSON.stringify(e), `event:${meetingId}:${seq + i + 1}`)}\n`).join('');
    this.seqs.delete(meetingId);
    try {
      let fh = this.files.get(meetingId);
      if (!fh) {
        const dir = this.meetingDir(meetingId);
        fh = await fs.promises.open(path.join(dir, 'events.log'), 'a', 0o600);
        this.files.set(meetingId, fh);
        await fsyncDirAsync(dir); // the file's directory entry, if it was just made
      }
      const data = Buffer.from(text);
      for (let off = 0; off < data.length;) off += (await fh.write(data, off)).bytesWritten;
      await fh.datasync();
    } catch (err) {
      await this.closeFile(meetingId);
      throw err;
    }
    this.seqs.set(meetingId, seq + events.length);
    this.stats.batches++;
    this.stats.events += events.length;
  }

  private async closeFile(meetingId: string): Promise<void> {
    const fh = this.files.get(meetingId);
    this.files.delete(meetingId);
    await fh?.close().catch(() => undefined);
  }

  // Only from inside the meeting's writer (or before it has one): it cuts a torn last line.
  private lines(meetingId: string): string[] {
    return readCompleteLines(path.join(this.meetingDir(meetingId), 'events.log'));
  }

  private storedMeta(meta: MeetingMeta): string {
    return JSON.stringify({ ...meta, mac: this.mac(meta) });
  }

  private mac(m: Omit<MeetingMeta, 'tampered'>): string {
    const canonical = JSON.stringify([m.id, m.roomId, m.title, m.startedAt, m.endedAt ?? null, m.events ?? null]);
    return createHmac('sha256', this.metaKey).update(`meta:${canonical}`).digest('base64url');
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
