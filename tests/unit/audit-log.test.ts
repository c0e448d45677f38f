import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { AuditLog, entryHash } from '../../server/privacy/audit-log.js';

let dir: string;
const lines = () => fs.readFileSync(path.join(dir, 'audit.log'), 'utf8').trim().split('\n');
const write = (ls: string[]) => fs.writeFileSync(path.join(dir, 'audit.log'), `${ls.join('\n')}\n`);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aula-audit-'));
  const log = new AuditLog(dir);
  log.append({ type: 'report.requested', operator: 'alice', meetingId: 'm1', requestId: 'r1', reason: 'complaint, Art. 6(1)(e)' });
  log.append({ type: 'report.approved', operator: 'bob', meetingId: 'm1', requestId: 'r1' });
  log.append({ type: 'report.delivered', operator: 'alice', meetingId: 'm1', requestId: 'r1' });
});

describe('audit log', () => {
  it('with a key, a rewritten and fully re-hashed chain is still detected', () => {
    const keyed = fs.mkdtempSync(path.join(os.tmpdir(), 'aula-audit-keyed-'));
    const key = Buffer.alloc(32, 7);
    const log = new AuditLog(keyed, key);
    log.append({ type: 'report.requested', operator: 'alice', meetingId: 'm1', requestId: 'r1', reason: 'x' });
    log.append({ type: 'report.approved', operator: 'bob', meetingId: 'm1', requestId: 'r1' });
    // A forger without the key rewrites the approval and re-hashes the whole chain.
    const entries = AuditLog.read(log.file);
    const strip = ({ hash: _h, ...rest }: (typeof entries)[number]) => rest;
    const first = strip(entries[0]!);
    const firstHash = entryHash(first, Buffer.alloc(32, 9)); // a guessed key
    const second = { ...strip(entries[1]!), operator: 'alice', prev: firstHash };
    const rewritten = [
      { ...first, hash: firstHash },
      { ...second, hash: entryHash(second, Buffer.alloc(32, 9)) },
    ];
    expect(AuditLog.verify(rewritten, Buffer.alloc(32, 9))).toBeNull(); // consistent under the forger's key
    expect(AuditLog.verify(rewritten, key)).toBe('entry 1 was modified');
    expect(AuditLog.verify(entries, key)).toBeNull();
  });

  it('chains entries and reads them back intact, file mode 0600', () => {
    const log = new AuditLog(dir);
    expect(log.all().map((e) => e.type)).toEqual(['report.requested', 'report.approved', 'report.delivered']);
    expect(AuditLog.verify([...log.all()])).toBeNull();
    expect(log.all()[1]!.prev).toBe(log.all()[0]!.hash);
    expect(fs.statSync(log.file).mode & 0o777).toBe(0o600);
  });

  it('detects a modified entry', () => {
    const ls = lines();
    const e = JSON.parse(ls[0]!);
    write([JSON.stringify({ ...e, reason: 'curiosity' }), ...ls.slice(1)]);
    expect(AuditLog.verify(AuditLog.read(path.join(dir, 'audit.log')))).toBe('entry 1 was modified');
    expect(() => new AuditLog(dir)).toThrow(/not intact: entry 1 was modified/);
  });

  it('detects a removed or reordered entry, and a re-hashed forgery', () => {
    const ls = lines();
    write([ls[0]!, ls[2]!]);
    expect(AuditLog.verify(AuditLog.read(path.join(dir, 'audit.log')))).toMatch(/sequence number 3/);
    write([ls[1]!, ls[0]!, ls[2]!]);
    expect(AuditLog.verify(AuditLog.read(path.join(dir, 'audit.log')))).not.toBeNull();
    // Changing the operator of the approval breaks the chain at that entry, even
    // if the forger recomputes that entry's own hash from its fields.
    const { hash: _old, ...approved } = JSON.parse(ls[1]!);
    write([ls[0]!, JSON.stringify({ ...approved, operator: 'alice' }), ls[2]!]);
    expect(AuditLog.verify(AuditLog.read(path.join(dir, 'audit.log')))).toBe('entry 2 was modified');
    const forged = { ...approved, operator: 'alice' };
    write([ls[0]!, JSON.stringify({ ...forged, hash: entryHash(forged) }), ls[2]!]);
    expect(AuditLog.verify(AuditLog.read(path.join(dir, 'audit.log')))).toBe('entry 3 does not follow entry 2');
  });
});

describe('audit retention', () => {
  it('deletes old entries, keeps the chain verifiable from an anchor, and records the purge', () => {
    const dir2 = fs.mkdtempSync(path.join(os.tmpdir(), 'aula-audit-ret-'));
    const key = Buffer.alloc(32, 3);
    const log = new AuditLog(dir2, key);
    log.append({ type: 'report.requested', operator: 'alice', requestId: 'old', reason: 'x' }, new Date('2026-01-01T00:00:00Z'));
    log.append({ type: 'report.approved', operator: 'bob', requestId: 'old' }, new Date('2026-01-02T00:00:00Z'));
    log.append({ type: 'report.requested', operator: 'alice', requestId: 'new', reason: 'y' }, new Date('2026-06-01T00:00:00Z'));
    expect(log.purge(90, new Date('2026-06-10T00:00:00Z'))).toBe(2);
    expect(log.all().map((e) => [e.seq, e.type])).toEqual([
      [3, 'report.requested'],
      [4, 'audit.purged'],
    ]);
    const reopened = new AuditLog(dir2, key);
    expect(reopened.all()).toHaveLength(2);
    reopened.append({ type: 'report.approved', operator: 'bob', requestId: 'new' });
    expect(new AuditLog(dir2, key).all().at(-1)!.seq).toBe(5);
    // Tampering after a purge is still detected.
    const ls = fs.readFileSync(path.join(dir2, 'audit.log'), 'utf8').trim().split('\n');
    const first = JSON.parse(ls[0]!);
    fs.writeFileSync(path.join(dir2, 'audit.log'), `${[JSON.stringify({ ...first, operator: 'mallory' }), ...ls.slice(1)].join('\n')}\n`);
    expect(() => new AuditLog(dir2, key)).toThrow(/entry 3 was modified/);
  });
});

describe('audit log ends (anchor and head)', () => {
  // The review's M3 exploits: someone with write access to the data directory, without the key.
  const key = Buffer.alloc(32, 7);
  let d: string;
  let ls: string[];
  const file = () => path.join(d, 'audit.log');
  beforeEach(() => {
    d = fs.mkdtempSync(path.join(os.tmpdir(), 'aula-audit-ends-'));
    const log = new AuditLog(d, key);
    for (const t of ['report.requested', 'report.approved', 'report.delivered', 'report.requested', 'report.approved'] as const) {
      log.append({ type: t, operator: 'alice', requestId: 'r', meetingId: 'm' });
    }
    ls = fs.readFileSync(file(), 'utf8').trim().split('\n');
  });

  it('(a) refuses a log whose last entries were cut off', () => {
    fs.writeFileSync(file(), `${ls.slice(0, 3).join('\n')}\n`);
    expect(() => new AuditLog(d, key)).toThrow(/entries 4 to 5 are missing from its end/);
    fs.rmSync(path.join(d, 'audit.head'));
    expect(() => new AuditLog(d, key)).toThrow(/audit.head is missing/);
  });

  it('(b, c) refuses a forged anchor that hides deleted first entries or an emptied log', () => {
    const e3 = JSON.parse(ls[2]!);
    fs.writeFileSync(path.join(d, 'audit.anchor'), JSON.stringify({ seq: 3, hash: e3.hash }));
    fs.writeFileSync(file(), `${ls.slice(3).join('\n')}\n`);
    expect(() => new AuditLog(d, key)).toThrow(/audit.anchor does not match its MAC/);
    // A MAC made with a guessed key does not help either.
    const e5 = JSON.parse(ls[4]!);
    fs.writeFileSync(path.join(d, 'audit.anchor'), JSON.stringify({ seq: 5, hash: e5.hash, mac: 'f'.repeat(64) }));
    fs.writeFileSync(file(), '');
    expect(() => new AuditLog(d, key)).toThrow(/audit.anchor does not match its MAC/);
  });

  it('accepts a log one entry past its head (a crash between the two writes) and moves the head on', () => {
    const log = new AuditLog(d, key);
    const head = fs.readFileSync(path.join(d, 'audit.head'), 'utf8');
    log.append({ type: 'report.delivered', operator: 'alice', requestId: 'r', meetingId: 'm' });
    fs.writeFileSync(path.join(d, 'audit.head'), head);
    expect(new AuditLog(d, key).head().seq).toBe(6);
    expect(JSON.parse(fs.readFileSync(path.join(d, 'audit.head'), 'utf8')).seq).toBe(6);
  });

  it('keeps anchor and head authentic through a retention purge', () => {
    const log = new AuditLog(d, key);
    expect(log.purge(30, new Date(Date.now() + 40 * 86_400_000))).toBe(5);
    const again = new AuditLog(d, key);
    expect(again.all().map((e) => e.type)).toEqual(['audit.purged']);
    expect(again.head().seq).toBe(6);
  });
});
