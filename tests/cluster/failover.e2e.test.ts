// Several nodes with real browsers: three aula processes (one mediasoup worker
// each) on 127.0.0.1, a real redis-server, Debian's Chromium. A browser that
// connects through node B joins a room homed on A and sees video from a
// browser on A; kill -9 of A, and both come back on another node by
// themselves, with their names and roles, without the lobby. Meanwhile
// `redis-cli monitor` records every command: no name, chat, token or client
// address may be in it.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ConfigInput } from '../../server/config/config.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, type NodeSpec, nodeConfig, nodeSpec, ROOT, sharedSecrets, spawnNode, TestRedis } from '../helpers/cluster.js';
import { type ConsumerStats, launchChromium, openTab, switchDevicesOn } from '../helpers/browser.js';
import { waitFor } from '../helpers/server.js';
import { TcpBalancer } from '../helpers/tcp-lb.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** `npx aula …` against one node, as an operator would. */
async function aula(node: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, ['bin/aula.mjs', ...args, '--url', base(node), '--token', secrets.adminToken], { cwd: ROOT });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
const keysDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aula-cluster-operators-'));
const key = (name: string) => path.join(keysDir, `${name}.private.jwk`);
const operators: NonNullable<ConfigInput['operators']> = [];

const TEACHER = 'Zyxwa Lehrkraft';
const PUPIL = 'Qorvath Schuelerin';
const CHAT = 'Kanarienvogel im Chat 7731';
const secrets = sharedSecrets();
let redis: TestRedis;
let monitor: ChildProcess;
const monitorFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aula-monitor-')), 'monitor.log');
const specs: NodeSpec[] = [];
const procs = new Map<string, ChildProcess>();
let browser: Browser;
let lbA: TcpBalancer; // "a browser on A": A first, C if A does not answer
let lbB: TcpBalancer; // "a browser through B"
let roomId = '';
let links: { moderator: string; guest: string };

/** A node's admin API (its own listener), for the admin calls and `npx aula`. */
const base = (id: string) => `http://127.0.0.1:${specs.find((s) => s.id === id)!.adminPort}`;
const stats = (page: Page) => page.evaluate(() => (window as any).aula?.stats() as Promise<ConsumerStats[]> | undefined);
const selfId = (page: Page) => page.evaluate(() => (window as any).aula?.self as string | undefined);

/** Frames decoded from `peer`'s camera, 0 if none. */
async function framesFrom(page: Page, peer: string): Promise<number> {
  const s = (await stats(page).catch(() => undefined)) ?? [];
  return s.filter((c) => c.peerId === peer && c.source === 'camera').reduce((n, c) => n + c.framesDecoded, 0);
}

async function join(url: string, name: string): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(url, { timeout: 60_000 });
  await page.getByLabel('Display name').fill(name);
  // Camera and microphone are off until the person turns them on.
  await switchDevicesOn(page);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  return page;
}

const config = (spec: NodeSpec) => nodeConfig(spec, redis.url, secrets, { operators });

beforeAll(async () => {
  for (const name of ['alice', 'bob']) {
    await run(process.execPath, ['bin/aula.mjs', 'keys', 'generate', '--out', path.join(keysDir, name), '--json'], { cwd: ROOT });
    const publicKey = JSON.parse(fs.readFileSync(path.join(keysDir, `${name}.public.jwk`), 'utf8'));
    operators.push({ name: publicKey.kid, publicKey });
  }
  redis = await TestRedis.start();
  monitor = redis.monitor(monitorFile);
  specs.push(await nodeSpec('a'));
  procs.set('a', await spawnNode(specs[0]!, config(specs[0]!)));
  for (const id of ['b', 'c']) {
    const spec = await nodeSpec(id, specs[0]!.dataDir);
    specs.push(spec);
    procs.set(id, await spawnNode(spec, config(spec)));
  }
  lbA = await TcpBalancer.start([specs[0]!.port, specs[2]!.port]);
  lbB = await TcpBalancer.start([specs[1]!.port, specs[2]!.port]); // B first, C if B is gone
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  for (const p of procs.values()) p.kill('SIGKILL');
  monitor?.kill();
  await lbA?.close();
  await lbB?.close();
  await redis?.kill();
});

describe('several nodes, real browsers', () => {
  let teacher: Page;
  let pupil: Page;
  let oldTeacherId = '';
  let oldPupilId = '';

  it('a room created through A is listed by C; a browser through B joins it on A and decodes video from a browser on A', async () => {
    await waitFor(
      async () => (await admin(base('a'), secrets.adminToken, 'GET', '/nodes')).json.nodes.filter((n: any) => n.alive).length === 3,
      30_000,
      'three live nodes',
    );
    const created = await admin(base('a'), secrets.adminToken, 'POST', '/rooms', { title: 'Failover class', lobby: true });
    expect(created.status).toBe(201);
    roomId = created.json.room.id;
    links = created.json.links;
    await waitFor(
      async () => (await admin(base('c'), secrets.adminToken, 'GET', '/rooms')).json.rooms.some((r: any) => r.id === roomId),
      15_000,
      'room listed by C',
    );

    const path = (link: string) => link.slice(link.indexOf('/r/'));
    teacher = await join(`${lbA.url}${path(links.moderator)}`, TEACHER);
    await teacher.getByRole('button', { name: 'Leave', exact: true }).waitFor({ timeout: 60_000 });
    const home = await waitFor(async () => (await admin(base('c'), secrets.adminToken, 'GET', `/rooms/${roomId}`)).json.room.node, 15_000, 'home known');
    expect(home).toBe('a');

    pupil = await join(`${lbB.url}${path(links.guest)}`, PUPIL);
    await pupil.getByText('Waiting for a moderator to let you in').waitFor({ timeout: 60_000 });
    await teacher
      .getByRole('button', { name: `Admit ${PUPIL}` })
      .first()
      .click();
    await pupil.getByRole('button', { name: 'Leave', exact: true }).waitFor({ timeout: 60_000 });
    oldTeacherId = (await selfId(teacher))!;
    oldPupilId = (await selfId(pupil))!;
    await waitFor(async () => (await framesFrom(pupil, oldTeacherId)) > 5, 60_000, "pupil (via B) decodes the teacher's video");
    await waitFor(async () => (await framesFrom(teacher, oldPupilId)) > 5, 60_000, "teacher decodes the pupil's video");
    // Chat goes through the relay as well (and must not reach Redis).
    await pupil.getByLabel('Message').fill(CHAT);
    await pupil.getByLabel('Message').press('Enter');
    await teacher.getByText(CHAT, { exact: true }).waitFor({ timeout: 30_000 });
  });

  it('kill -9 of the home node: both browsers come back on another node with names and roles, no lobby, video flowing', async () => {
    const killedAt = Date.now();
    procs.get('a')!.kill('SIGKILL');
    let newTeacher = '';
    let newPupil = '';
    // Generous bound for the wait; the figure is printed, not asserted.
    await waitFor(
      async () => {
        newTeacher = (await selfId(teacher).catch(() => undefined)) ?? '';
        newPupil = (await selfId(pupil).catch(() => undefined)) ?? '';
        return (
          newTeacher &&
          newPupil &&
          newTeacher !== oldTeacherId &&
          newPupil !== oldPupilId &&
          (await framesFrom(pupil, newTeacher)) > 5 &&
          (await framesFrom(teacher, newPupil)) > 5
        );
      },
      90_000,
      'both browsers decode video again after the failover',
    );
    const seconds = (Date.now() - killedAt) / 1000;
    console.log(`failover: kill -9 of the home node → both browsers decode video again after ${seconds.toFixed(1)} s (target 15 s)`);
    const shot = path.join(os.tmpdir(), 'aula-failover-pupil.png');
    await pupil.screenshot({ path: shot });
    console.log(`failover: the pupil's page after the move: ${shot}`);

    const room = (await admin(base('b'), secrets.adminToken, 'GET', `/rooms/${roomId}`)).json.room;
    expect(['b', 'c']).toContain(room.node);
    expect(room.participants).toBe(2);
    expect(room.waiting).toBe(0);
    // Names unchanged on both sides; the teacher is still moderator (moderation controls), the pupil is not.
    await teacher.getByText(PUPIL).first().waitFor();
    await pupil.getByText(TEACHER).first().waitFor();
    // No lobby again: both are in the room, not on the waiting page.
    expect(await pupil.getByText('Waiting for a moderator to let you in').count()).toBe(0);
    await openTab(teacher, 'Participants');
    await teacher.getByRole('button', { name: 'Mute all' }).waitFor();
    await openTab(pupil, 'Participants');
    await pupil.getByText(TEACHER).first().waitFor();
    expect(await pupil.getByRole('button', { name: 'Mute all' }).count()).toBe(0);
  });

  it("the meeting's report, requested through a node that never hosted it, lists both sessions of each person", async () => {
    // A comes back (its disk holds the first segment); its interrupted segment is ended at its last event.
    procs.set('a', await spawnNode(specs[0]!, config(specs[0]!)));
    const list = await aula('c', 'meeting', 'list', '--json');
    expect(list.code).toBe(0);
    const meeting = (JSON.parse(list.stdout).meetings as Array<{ id: string; roomId: string; nodes: string[] }>).find((m) => m.roomId === roomId)!;
    expect(meeting.nodes.sort()).toHaveLength(2);
    const req = await aula(
      'c',
      'report',
      'request',
      '--meeting',
      meeting.id,
      '--reason',
      'Attendance dispute after a server failure',
      '--key',
      key('alice'),
      '--json',
    );
    expect(req.stderr).toBe('');
    const requestId = JSON.parse(req.stdout).request.id;
    expect((await aula('b', 'report', 'approve', requestId, '--key', key('bob'))).code).toBe(0);
    const file = path.join(keysDir, 'report.jwe');
    const fetched = await aula('c', 'report', 'fetch', requestId, '--key', key('alice'), '--out', file);
    expect(fetched.stderr).toBe('');
    const opened = await run(process.execPath, ['bin/aula.mjs', 'report', 'decrypt', file, '--key', key('alice')], { cwd: ROOT });
    const entries = JSON.parse(opened.stdout).entries as Array<{ displayName: string; role: string; joined: string; left: string }>;
    expect(entries.map((e) => [e.displayName, e.role]).sort()).toEqual([
      [PUPIL, 'participant'],
      [PUPIL, 'participant'],
      [TEACHER, 'moderator'],
      [TEACHER, 'moderator'],
    ]);
    for (const e of entries) expect(Date.parse(e.left)).toBeGreaterThanOrEqual(Date.parse(e.joined));
    // One audit chain holds the whole request: the node it was handled on.
    const requests = JSON.parse((await aula('b', 'report', 'list', '--json')).stdout).requests as Array<{ id: string; node: string; approvedBy: string }>;
    expect(requests.filter((r) => r.id === requestId)).toHaveLength(1);
    expect(requests.find((r) => r.id === requestId)!.approvedBy).toBe('bob');
  });

  it("SIGTERM of the room's node (a rolling upgrade): both pages move to another node by themselves", async () => {
    const live = async (id: string) => (await admin(base(id), secrets.adminToken, 'GET', `/rooms/${roomId}`)).json.room;
    const home = (await live('a')).node as string;
    const other = ['a', 'b', 'c'].find((n) => n !== home)!;
    const before = [await selfId(teacher), await selfId(pupil)];
    const proc = procs.get(home)!;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    // Shutdown is bounded per layer (server/lifecycle.ts); a node that does not end is the failure, not a hung test.
    await Promise.race([exited, new Promise((_, reject) => setTimeout(() => reject(new Error(`node ${home} still running 60 s after SIGTERM`)), 60_000))]);
    await waitFor(
      async () => {
        const [t, p] = [await selfId(teacher).catch(() => undefined), await selfId(pupil).catch(() => undefined)];
        return t && p && t !== before[0] && p !== before[1] && (await framesFrom(pupil, t)) > 5 && (await framesFrom(teacher, p)) > 5;
      },
      90_000,
      'both browsers decode video again after the node shut down',
    );
    const room = await live(other);
    expect(room.node).not.toBe(home);
    expect(room.participants).toBe(2);
    expect(await pupil.getByText('Waiting for a moderator to let you in').count()).toBe(0);
    await teacher.getByText(PUPIL).first().waitFor();
  }, 180_000);

  it('redis-cli monitor saw no name, chat text, token or browser address', async () => {
    monitor.kill();
    // Each line: `<time> [<db> <the node's own Redis connection>] "COMMAND" "arg" …`; the arguments are what matters.
    const log = fs.readFileSync(monitorFile, 'utf8').replace(/^\S+ \[\d+ [^\]]*\] /gm, '');
    expect(log.length).toBeGreaterThan(1000); // it did record the nodes' traffic
    for (const secret of [TEACHER, PUPIL, CHAT, 'Zyxwa', 'Qorvath', new URL(links.guest).hash.slice(3), new URL(links.moderator).hash.slice(3)]) {
      expect(log.includes(secret), secret).toBe(false);
    }
    // The browsers' connections (their source ports as the load balancers saw them).
    for (const port of [...lbA.clientPorts, ...lbB.clientPorts]) expect(log.includes(`127.0.0.1:${port}`), String(port)).toBe(false);
  });
});
