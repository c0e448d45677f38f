// The attendee report end to end: real browsers join, leave and rejoin; the
// server restarts; two operators request and approve with their own keys
// through `npx aula`; the requester decrypts the JWE locally. Then retention
// deletes the meeting.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../server/config/config.js';
import { AuditLog } from '../../server/privacy/audit-log.js';
import { auditKey, ledgerMasterKey } from '../../server/privacy/ledger.js';
import type { RunningServer } from '../../server/server.js';
import { joinThroughUi, launchChromium } from '../helpers/browser.js';
import { aulaCli } from '../helpers/cli.js';
import { linkPath, startTestServer, waitFor } from '../helpers/server.js';

const keysDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aula-operators-'));
const TEACHER = 'Teacher Canary-4b1d';
const PUPIL = 'Pupil Canary-77ae';
const DAY = 86_400_000;

let server: RunningServer;
let browser: Browser;
let config: ConfigInput;
let dataDir: string;

const aula = (...args: string[]) => aulaCli(server, ...args);
const key = (name: string) => path.join(keysDir, `${name}.private.jwk`);

const joinAs = (link: string, name: string) => joinThroughUi(browser, `${server.url}${linkPath(link)}`, name);

async function leave(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Leave' }).click();
  await page.getByText('You left the classroom.').waitFor();
  await page.context().close();
}

// The audit chain is an HMAC under a key derived from the ledger master key.
const auditChainKey = () => auditKey(ledgerMasterKey(undefined, dataDir));

function scanForCanaries(dir: string): string[] {
  const hits: string[] = [];
  for (const f of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!f.isFile()) continue;
    const bytes = fs.readFileSync(path.join(f.parentPath, f.name));
    for (const canary of ['Canary-4b1d', 'Canary-77ae']) if (bytes.includes(canary)) hits.push(`${f.name}: ${canary}`);
  }
  return hits;
}

beforeAll(async () => {
  // Operator keys are made with the CLI, on the "operators' machines".
  for (const name of ['alice', 'bob']) {
    const r = await aulaCli(null, 'keys', 'generate', '--out', path.join(keysDir, name), '--json');
    expect(JSON.parse(r.stdout).operator.name).toBe(name);
  }
  expect(fs.statSync(key('alice')).mode & 0o777).toBe(0o600);
  const operators = ['alice', 'bob'].map((name) => JSON.parse(fs.readFileSync(path.join(keysDir, `${name}.public.jwk`), 'utf8')));
  config = { operators: operators.map((publicKey) => ({ name: publicKey.kid, publicKey })), ledger: { retentionDays: 30, coalesceSeconds: 0 } }; // the meeting ends as the last one leaves
  server = await startTestServer(config);
  dataDir = server.dataDir;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('attendance ledger and encrypted report', () => {
  let meetingId: string;
  let requestId: string;
  const times: Record<string, number> = {};

  it('records a session of real browser participants (join, leave, rejoin)', async () => {
    const room = await server.rooms.create({ title: 'Ethics 10a' });
    const links = await server.links(room);
    times.start = Date.now();
    const teacher = await joinAs(links.moderator, TEACHER);
    const pupil = await joinAs(links.guest, PUPIL);
    await waitFor(() => room.participants.size === 2, 5000, 'two in the room');
    times.pupilLeft = Date.now();
    await leave(pupil);
    await waitFor(() => room.participants.size === 1, 5000, 'pupil gone');
    times.pupilBack = Date.now();
    const again = await joinAs(links.guest, PUPIL);
    await leave(again);
    await leave(teacher);
    await waitFor(() => room.participants.size === 0, 5000, 'room empty');
    times.end = Date.now();
    await server.ledger!.idle();
    const meetings = server.ledger!.meetings();
    expect(meetings).toHaveLength(1);
    expect(meetings[0]).toMatchObject({ roomId: room.id, title: 'Ethics 10a', endedAt: expect.any(String) });
    meetingId = meetings[0]!.id;
    expect(scanForCanaries(dataDir)).toEqual([]);
  });

  it('keeps the ledger across a server restart', async () => {
    await server.close();
    server = await startTestServer(config, { dataDir });
    const list = await aula('meeting', 'list', '--json');
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).meetings.map((m: { id: string }) => m.id)).toEqual([meetingId]);
  });

  it("needs a request with a reason and a second operator's approval", async () => {
    const req = await aula('report', 'request', '--meeting', meetingId, '--reason', 'Attendance dispute, Art. 6(1)(c) GDPR', '--key', key('alice'), '--json');
    expect(req.code).toBe(0);
    requestId = JSON.parse(req.stdout).request.id;

    const early = await aula('report', 'fetch', requestId, '--key', key('alice'), '--out', path.join(keysDir, 'early.jwe'));
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/^aula: the request has not been approved/);

    const self = await aula('report', 'approve', requestId, '--key', key('alice'));
    expect(self.code).toBe(1);
    expect(self.stderr).toMatch(/^aula: a second operator must approve/);

    const unknown = await aula('report', 'request', '--meeting', '00000000-0000-4000-8000-000000000000', '--reason', 'testing unknown', '--key', key('alice'));
    expect(unknown.stderr.trim()).toBe('aula: no such meeting');

    expect((await aula('report', 'approve', requestId, '--key', key('bob'))).code).toBe(0);
    const notMine = await aula('report', 'fetch', requestId, '--key', key('bob'), '--out', path.join(keysDir, 'bob.jwe'));
    expect(notMine.stderr).toMatch(/only the operator who requested/);
  });

  it('delivers a JWE that only the requester can open, with exactly the sessions and the notice first', async () => {
    const file = path.join(keysDir, 'report.jwe');
    expect((await aula('report', 'fetch', requestId, '--key', key('alice'), '--out', file)).code).toBe(0);
    const jwe = fs.readFileSync(file, 'utf8').trim();
    expect(jwe.split('.')).toHaveLength(5);
    expect(JSON.parse(Buffer.from(jwe.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM' });
    expect(jwe).not.toContain('Canary');

    const opened = await aula('report', 'decrypt', file, '--key', key('alice'));
    expect(opened.code).toBe(0);
    expect(opened.stderr.split('\n').slice(0, 2)).toEqual([
      'Die Weitergabe dieser Liste an Dritte bedarf einer eigenen Rechtsgrundlage.',
      'Passing this list on to third parties requires its own legal basis.',
    ]);
    const report = JSON.parse(opened.stdout);
    expect(report.meeting).toMatchObject({ id: meetingId, title: 'Ethics 10a' });
    expect(report.request).toMatchObject({ id: requestId, requestedBy: 'alice', approvedBy: 'bob', reason: 'Attendance dispute, Art. 6(1)(c) GDPR' });
    expect(report.entries.map((e: { displayName: string; role: string }) => [e.displayName, e.role])).toEqual([
      [TEACHER, 'moderator'],
      [PUPIL, 'participant'],
      [PUPIL, 'participant'],
    ]);
    const ms = (s: string) => Date.parse(s);
    const [teacher, first, second] = report.entries;
    expect(ms(teacher.joined)).toBeGreaterThanOrEqual(times.start! - 1000);
    expect(ms(first.left)).toBeGreaterThanOrEqual(times.pupilLeft!);
    expect(ms(first.left)).toBeLessThanOrEqual(times.pupilBack!);
    expect(ms(second.joined)).toBeGreaterThanOrEqual(times.pupilBack!);
    expect(ms(teacher.left)).toBeLessThanOrEqual(times.end!);
    for (const e of report.entries) expect(ms(e.left)).toBeGreaterThan(ms(e.joined));

    const csv = await aula('report', 'decrypt', file, '--key', key('alice'), '--format', 'csv');
    expect(csv.stdout.split('\n')[0]).toBe('display_name,role,joined,left');
    expect(csv.stdout).toContain(PUPIL);

    const wrong = await aula('report', 'decrypt', file, '--key', key('bob'));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^aula: cannot decrypt .* not the key this report was encrypted to/);
  });

  it('writes every step to a hash-chained audit log without attendee names', async () => {
    const entries = AuditLog.read(path.join(dataDir, 'audit.log'));
    expect(AuditLog.verify(entries, auditChainKey())).toBeNull();
    // `report list` shows the chain's head, for an operator to note down (rollback witness).
    const list = await aula('report', 'list', '--json');
    expect(JSON.parse(list.stdout).auditHead).toEqual({ seq: entries.at(-1)!.seq, hash: entries.at(-1)!.hash });
    expect(entries.filter((e) => e.requestId === requestId).map((e) => [e.type, e.operator])).toEqual([
      ['report.requested', 'alice'],
      ['report.approved', 'bob'],
      ['report.delivered', 'alice'],
    ]);
    expect(scanForCanaries(dataDir)).toEqual([]);
  });

  it('refuses the report once retention has deleted the meeting', async () => {
    const deleted = server.retention.runOnce(new Date(Date.now() + 31 * DAY));
    expect(deleted).toEqual({ meetings: 1, problemReports: 0, recordings: 0 });
    expect(fs.existsSync(path.join(dataDir, 'ledger', meetingId))).toBe(false);
    const late = await aula('report', 'request', '--meeting', meetingId, '--reason', 'too late now', '--key', key('alice'));
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/^aula: the meeting passed its retention period/);
    const fetchAgain = await aula('report', 'fetch', requestId, '--key', key('alice'), '--out', path.join(keysDir, 'again.jwe'));
    expect(fetchAgain.stderr).toMatch(/retention period/);
    expect(AuditLog.verify(AuditLog.read(path.join(dataDir, 'audit.log')), auditChainKey())).toBeNull();
  });
});
