import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../server/privacy/audit-log.js';
import { Ledger, ledgerMasterKey } from '../../server/privacy/ledger.js';
import { NOTICE, reportToCsv } from '../../server/privacy/report-format.js';
import { entriesFrom } from '../../server/privacy/reports.js';

const CANARY = 'Canary Zoë 9c1e';
let dir: string;
let ledger: Ledger;
let audit: AuditLog;

function allBytes(root: string): Buffer[] {
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((f) => f.isFile())
    .map((f) => fs.readFileSync(path.join(f.parentPath, f.name)));
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aula-ledger-'));
  audit = new AuditLog(dir);
  ledger = new Ledger(dir, ledgerMasterKey(undefined, dir), 30, audit);
});

describe('attendance ledger', () => {
  it('stores names encrypted: no plaintext canary anywhere on disk, and reads them back', async () => {
    const m = ledger.start('room-1', 'Maths', new Date('2026-11-02T08:00:00Z'));
    await ledger.append(m.id, { type: 'join', session: 's1', displayName: CANARY, role: 'participant', at: '2026-11-02T08:00:05Z' });
    await ledger.append(m.id, { type: 'leave', session: 's1', at: '2026-11-02T08:40:00Z' });
    await ledger.end(m.id, new Date('2026-11-02T08:45:00Z'));
    for (const bytes of allBytes(dir)) {
      expect(bytes.includes(CANARY)).toBe(false);
      expect(bytes.includes(Buffer.from(CANARY, 'utf16le'))).toBe(false);
    }
    // Survives a restart: a new Ledger over the same directory decrypts it.
    const again = new Ledger(dir, ledgerMasterKey(undefined, dir), 30, audit);
    expect(again.read(m.id).map((e) => e.displayName)).toEqual([CANARY, undefined]);
    expect(again.meeting(m.id)).toMatchObject({ title: 'Maths', endedAt: '2026-11-02T08:45:00.000Z' });
    for (const f of ['meta.json', 'key.json', 'events.log']) {
      expect(fs.statSync(path.join(ledger.dir, m.id, f)).mode & 0o777).toBe(0o600);
    }
  });

  it('cannot be read with another master key, nor with events moved between meetings', async () => {
    const a = ledger.start('room-1', 'A');
    const b = ledger.start('room-1', 'B');
    await ledger.append(a.id, { type: 'join', session: 's1', displayName: 'X', role: 'participant', at: new Date().toISOString() });
    await ledger.append(b.id, { type: 'join', session: 's2', displayName: 'Y', role: 'participant', at: new Date().toISOString() });
    const stranger = new Ledger(dir, randomBytes(32), 30, audit);
    expect(() => stranger.read(a.id)).toThrow();
    const events = (id: string) => path.join(ledger.dir, id, 'events.log');
    fs.copyFileSync(events(a.id), events(b.id));
    const fresh = new Ledger(dir, ledgerMasterKey(undefined, dir), 30, audit);
    expect(() => fresh.read(b.id)).toThrow();
  });

  it('purges meetings past retention, key first, and records the purge in the audit log', async () => {
    const old = ledger.start('room-1', 'Old', new Date('2026-01-01T10:00:00Z'));
    await ledger.append(old.id, { type: 'join', session: 's', displayName: CANARY, role: 'moderator', at: '2026-01-01T10:00:01Z' });
    await ledger.end(old.id, new Date('2026-01-01T11:00:00Z'));
    const recent = ledger.start('room-1', 'Recent', new Date('2026-01-25T10:00:00Z'));
    await ledger.end(recent.id, new Date('2026-01-25T11:00:00Z'));
    const open = ledger.start('room-2', 'Still running', new Date('2026-01-01T09:00:00Z'));
    await ledger.idle();

    expect(ledger.purge(new Date('2026-01-31T10:59:00Z'))).toBe(0); // 30 days not yet over
    expect(ledger.purge(new Date('2026-01-31T11:00:01Z'))).toBe(1);
    expect(fs.existsSync(path.join(ledger.dir, old.id))).toBe(false);
    expect(ledger.meeting(old.id)).toBeUndefined();
    expect(
      ledger
        .meetings()
        .map((m) => m.id)
        .sort(),
    ).toEqual([recent.id, open.id].sort());
    expect(audit.all().at(-1)).toMatchObject({ type: 'meeting.purged', meetingId: old.id });
    expect(AuditLog.verify([...audit.all()])).toBeNull();
  });

  it('ends meetings left open by a crash at their last recorded event', async () => {
    const m = ledger.start('room-1', 'Crashed', new Date('2026-03-01T09:00:00Z'));
    await ledger.append(m.id, { type: 'join', session: 's', displayName: 'A', role: 'participant', at: '2026-03-01T09:05:00.000Z' });
    expect(await ledger.endOpenMeetings()).toBe(1);
    expect(ledger.meeting(m.id)?.endedAt).toBe('2026-03-01T09:05:00.000Z');
  });

  it('survives a write torn by a crash: the unfinished line is dropped and appending goes on', async () => {
    const m = ledger.start('room-1', 'Torn');
    await ledger.append(m.id, { type: 'join', session: 's1', displayName: 'One', role: 'participant', at: 't1' });
    fs.appendFileSync(path.join(ledger.dir, m.id, 'events.log'), 'AAAA.BBBB'); // half a line, no newline
    const after = new Ledger(dir, ledgerMasterKey(undefined, dir), 30, audit);
    await after.append(m.id, { type: 'join', session: 's2', displayName: 'Two', role: 'participant', at: 't2' });
    expect(after.read(m.id).map((e) => e.displayName)).toEqual(['One', 'Two']);
  });
});

describe('report entries', () => {
  it('one entry per session, with the last name and role, and open sessions ending with the meeting', () => {
    const entries = entriesFrom(
      [
        { type: 'join', session: 'a', displayName: 'Ada', role: 'moderator', at: 't1' },
        { type: 'join', session: 'b', displayName: 'Bob', role: 'participant', at: 't2' },
        { type: 'change', session: 'b', displayName: 'Bobby', role: 'presenter', at: 't3' },
        { type: 'leave', session: 'b', at: 't4' },
        { type: 'join', session: 'c', displayName: 'Bobby', role: 'participant', at: 't5' },
        { type: 'leave', session: 'c', at: 't6' },
      ],
      't9',
    );
    expect(entries).toEqual([
      { displayName: 'Ada', role: 'moderator', joined: 't1', left: 't9' },
      { displayName: 'Bobby', role: 'presenter', joined: 't2', left: 't4', earlierNames: ['Bob'] },
      { displayName: 'Bobby', role: 'participant', joined: 't5', left: 't6' },
    ]);
  });

  it('CSV keeps names that look like formulas inert', () => {
    const csv = reportToCsv({
      notice: NOTICE,
      meeting: { id: 'm', title: 't', start: 's', end: 'e' },
      request: { id: 'r', reason: 'x', requestedBy: 'a', requestedAt: 'z' },
      entries: [
        { displayName: '=HYPERLINK("http://evil")', role: 'participant', joined: 'a', left: 'b' },
        { displayName: 'Doe, Jane', role: 'participant', joined: 'a', left: null },
      ],
    });
    expect(csv.split('\n')).toEqual(['display_name,role,joined,left', `"'=HYPERLINK(""http://evil"")",participant,a,b`, '"Doe, Jane",participant,a,']);
  });
});

describe('ledger writes', () => {
  it('commits a burst of events in few batches (one fsync each), each promise settling once its event is on disk', async () => {
    const m = ledger.start('room-1', 'Burst');
    const on = (n: number) =>
      fs
        .readFileSync(path.join(ledger.dir, m.id, 'events.log'), 'utf8')
        .trim()
        .split('\n').length >= n;
    const writes = Array.from({ length: 200 }, (_, i) =>
      ledger.append(m.id, { type: 'join', session: `s${i}`, displayName: `P${i}`, role: 'participant', at: new Date().toISOString() }).then(() => on(i + 1)),
    );
    // Nothing is written during the call: appending does not block the event loop.
    expect(fs.existsSync(path.join(ledger.dir, m.id, 'events.log'))).toBe(false);
    expect(await Promise.all(writes)).toEqual(writes.map(() => true));
    expect(ledger.stats.events).toBe(200);
    expect(ledger.stats.batches).toBeLessThan(10);
    expect(ledger.read(m.id).map((e) => e.session)).toEqual(writes.map((_, i) => `s${i}`));
  });

  it('detects an edited meta.json (end moved to dodge retention): no report, and retention deletes it', async () => {
    const m = ledger.start('room-1', 'Old', new Date('2026-01-01T10:00:00Z'));
    await ledger.append(m.id, { type: 'join', session: 's', displayName: CANARY, role: 'participant', at: '2026-01-01T10:00:01Z' });
    await ledger.end(m.id, new Date('2026-01-01T11:00:00Z'));
    const file = path.join(ledger.dir, m.id, 'meta.json');
    const meta = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(ledger.meeting(m.id)?.tampered).toBeUndefined();
    fs.writeFileSync(file, JSON.stringify({ ...meta, endedAt: '2099-01-01T00:00:00.000Z' }));
    const again = new Ledger(dir, ledgerMasterKey(undefined, dir), 30, audit);
    expect(again.meeting(m.id)).toMatchObject({ tampered: true });
    expect(() => again.read(m.id)).toThrow(/MAC/);
    // Without the MAC the end would keep it for 73 years; tampered, it goes at the next purge.
    expect(again.purge(new Date('2026-01-05T00:00:00Z'))).toBe(1);
    expect(audit.all().at(-1)).toMatchObject({ type: 'meeting.purged', meetingId: m.id, reason: 'meta.json failed its MAC' });
    // Deleting the MAC is no way round it either.
    const n = ledger.start('room-1', 'New');
    await ledger.end(n.id);
    const nFile = path.join(ledger.dir, n.id, 'meta.json');
    const { mac: _m, ...bare } = JSON.parse(fs.readFileSync(nFile, 'utf8'));
    fs.writeFileSync(nFile, JSON.stringify(bare));
    expect(ledger.meeting(n.id)?.tampered).toBe(true);
  });

  it('detects events cut off the end of an ended meeting', async () => {
    const m = ledger.start('room-1', 'Cut');
    await ledger.append(m.id, { type: 'join', session: 'a', displayName: 'A', role: 'participant', at: 't1' });
    await ledger.append(m.id, { type: 'join', session: 'b', displayName: 'B', role: 'participant', at: 't2' });
    await ledger.append(m.id, { type: 'leave', session: 'b', at: 't3' });
    await ledger.end(m.id);
    expect(ledger.read(m.id)).toHaveLength(3);
    const file = path.join(ledger.dir, m.id, 'events.log');
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    fs.writeFileSync(file, `${lines.slice(0, 2).join('\n')}\n`); // B's leave removed: "present until the end"
    expect(() => ledger.read(m.id)).toThrow(/2 events, 3 were recorded/);
  });
});
