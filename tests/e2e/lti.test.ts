// LTI 1.3 end to end in real Chromium: the platform simulator's course pages
// start the launches, the OIDC redirects run through the browser (top level
// and inside the platform's iframe), a teacher and a learner meet and see
// each other, Deep Linking returns a verified response, bad launches get
// their pages. aula runs as its own process, so that afterwards its heap
// (a V8 heap snapshot), its logs and its data directory can be searched for
// the identity canaries the platform sent: none may be there.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsumerStats, launchChromium, openTab, switchDevicesOn } from '../helpers/browser.js';
import { filesUnder, scan } from '../helpers/canary.js';
import { LtiPlatformSim, ROLE, type LaunchUser, type Scenario } from '../helpers/lti-platform.js';
import { waitFor } from '../helpers/server.js';

const root = path.resolve(import.meta.dirname, '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aula-lti-e2e-'));
const dataDir = path.join(tmp, 'data');
const diagDir = path.join(tmp, 'diag');
const shots = path.join(tmp, 'screenshots');
const L = 'https://purl.imsglobal.org/spec/lti/claim/';

const canaryUser = (who: string): LaunchUser => ({
  sub: `sub-canary-${who}-q7x2k9`,
  name: `name-canary-${who}-q7x2k9`,
  given_name: `given-canary-${who}-q7x2k9`,
  family_name: `family-canary-${who}-q7x2k9`,
  email: `mail-canary-${who}-q7x2k9@school.example`,
  sourcedId: `sourcedid-canary-${who}-q7x2k9`,
});
const teacher = canaryUser('teacher');
const learner = canaryUser('learner');
const CANARIES = [teacher, learner].flatMap((u) => [u.sub, u.email!, u.name!, u.given_name!, u.family_name!, u.sourcedId!]);

let sim: LtiPlatformSim;
let child: ChildProcess;
let aulaUrl = '';
let output = '';
let browser: Browser;
const pages: Page[] = [];

const stats = (page: Page) => page.evaluate(() => (window as any).aula.stats() as Promise<ConsumerStats[]>);
const selfId = (page: Page) => page.evaluate(() => (window as any).aula.self as string);
const logRecords = () =>
  output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1200, height: 850 } });
  // Patient on a busy machine: every step waits for its state, within generous bounds.
  context.setDefaultTimeout(60_000);
  context.setDefaultNavigationTimeout(120_000);
  const page = await context.newPage();
  pages.push(page);
  return page;
}

async function joinRoom(page: Page, name: string): Promise<void> {
  await page.getByLabel('Display name').fill(name);
  await switchDevicesOn(page); // camera and microphone are off by default
  await page.getByRole('button', { name: 'Join' }).click();
  await page.getByRole('button', { name: 'Leave' }).waitFor({ timeout: 60_000 });
}

/** What each frame of a page shows, bounded in time (for a failure message). */
async function framesOf(page: Page): Promise<string> {
  const one = (f: ReturnType<Page['frames']>[number]) =>
    Promise.race([
      f.evaluate(() => document.body?.innerText ?? '').catch((e: Error) => `(${e.message.slice(0, 80)})`),
      new Promise<string>((r) => setTimeout(() => r('(no answer)'), 5000)),
    ]).then((text) => `${f.url()}: ${text.slice(0, 200)}`);
  return (await Promise.all(page.frames().map(one))).join(' | ');
}

beforeAll(async () => {
  sim = await LtiPlatformSim.start();
  fs.mkdirSync(diagDir);
  fs.mkdirSync(shots);
  const configFile = path.join(tmp, 'aula.json');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      http: { port: 0 },
      metrics: { port: 0 },
      admin: { port: 0 }, // its own listener (9465 by default) must not collide with other runs
      media: { workers: 1 },
      rooms: { demoRoom: false },
      data: { dir: dataDir },
      log: { level: 'debug' },
      lti: { platforms: [sim.registration()] },
    }),
  );
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AULA_')));
  child = spawn(process.execPath, ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${diagDir}`, '--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: { ...env, AULA_CONFIG: configFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const port = await waitFor(() => logRecords().find((r) => r.msg === 'http server listening')?.port as number | undefined, 60_000, 'aula to listen');
  aulaUrl = `http://localhost:${port}`;
  sim.aulaUrl = aulaUrl;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  await sim?.close();
  // The heap snapshot and data are large; the screenshots stay for a look.
  fs.rmSync(diagDir, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
});

// A busy machine makes every browser step slow; the steps wait for state, the bound is generous.
describe('LTI 1.3 in Chromium', { timeout: 240_000 }, () => {
  let teacherPage: Page;
  let learnerPage: Page;

  it("a teacher adds aula by Deep Linking; the platform verifies aula's response and gets one resource link", async () => {
    const page = await newPage();
    await page.goto(sim.launch({ message: 'LtiDeepLinkingRequest', roles: [ROLE.instructor], user: teacher }).url);
    await page.getByRole('heading', { name: 'Add a video conference' }).waitFor();
    await page.getByLabel('Title').fill('Office hour');
    await page.getByLabel('Guests wait in a lobby until a moderator admits them').check();
    await page.screenshot({ path: path.join(shots, 'deep-linking.png') });
    await page.getByRole('button', { name: 'Add to the course' }).click();
    await page.getByRole('heading', { name: 'Activity added' }).waitFor();
    expect(sim.deepLinkErrors).toEqual([]);
    const items = sim.deepLinks.at(-1)!.claims['https://purl.imsglobal.org/spec/lti-dl/claim/content_items'] as Array<Record<string, unknown>>;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ type: 'ltiResourceLink', title: 'Office hour', url: `${aulaUrl}/lti/launch`, custom: { aula_lobby: 'true' } });
  });

  const refusals: Array<[string, (id?: string) => Scenario | string, string, string]> = [
    ['a replayed id_token (same nonce)', () => 'replay', 'replayed', 'Go back to your course'],
    ['a wrong aud', () => ({ roles: [ROLE.learner], user: learner, claims: (c) => (c.aud = 'not-aula') }), 'wrong_audience', 'Ask your course administrator'],
    [
      'a wrong iss',
      () => ({ roles: [ROLE.learner], user: learner, claims: (c) => (c.iss = 'https://moodle.evil.example') }),
      'wrong_issuer',
      'Ask your course administrator',
    ],
    [
      'an unknown deployment',
      () => ({ roles: [ROLE.learner], user: learner, claims: (c) => (c[`${L}deployment_id`] = '77') }),
      'unknown_deployment',
      'Ask your course administrator',
    ],
    [
      'an expired token',
      () => ({ roles: [ROLE.learner], user: learner, claims: (c) => ((c.iat = Math.floor(Date.now() / 1000) - 900), (c.exp = (c.iat as number) + 60)) }),
      'token_expired',
      'Go back to your course',
    ],
    ['a missing state', () => ({ roles: [ROLE.learner], user: learner, dropState: true }), 'state_missing', 'Go back to your course'],
    ['an unsigned token (alg none)', () => ({ roles: [ROLE.instructor], user: teacher, signing: 'none' }), 'bad_algorithm', 'Ask your course administrator'],
    ['an HS256 token', () => ({ roles: [ROLE.instructor], user: teacher, signing: 'HS256' }), 'bad_algorithm', 'Ask your course administrator'],
  ];

  for (const [what, scenario, reason, advice] of refusals) {
    it(`refuses ${what} with its page and a log line "${reason}"`, async () => {
      const page = await newPage();
      const s = scenario();
      if (s === 'replay') {
        const { id, url } = sim.launch({ roles: [ROLE.learner], user: learner, resourceLink: { id: 'rl-replay' } });
        await page.goto(url, { waitUntil: 'commit' });
        await page.waitForURL(/\/r\//, { timeout: 60_000 });
        await page.goto(sim.replayUrl(id), { waitUntil: 'commit' });
      } else {
        await page.goto(sim.launch(s as Scenario).url, { waitUntil: 'commit' });
      }
      await page.getByRole('heading', { name: 'aula could not open this meeting' }).waitFor({ timeout: 60_000 });
      expect(await page.locator('.advice').innerText()).toContain(advice);
      expect(await page.locator('.code code').innerText()).toBe(reason);
      if (reason === 'replayed') await page.screenshot({ path: path.join(shots, 'refusal.png') });
      await waitFor(() => logRecords().some((r) => r.msg === 'lti launch refused' && r.reason === reason), 10_000, 'the log line');
      await page.context().close();
    });
  }

  it('an Instructor launched from the course enters as moderator', async () => {
    const { url } = sim.launch({ roles: [ROLE.instructor], user: teacher, resourceLink: { id: 'rl-e2e', title: 'Physics 7c' } });
    teacherPage = await newPage();
    await teacherPage.goto(url);
    // A moderator stays on the launch page, which offers the guest link; then joins.
    await teacherPage.getByRole('heading', { name: 'Physics 7c' }).waitFor();
    await teacherPage.getByText('You enter as moderator.').waitFor();
    await teacherPage.screenshot({ path: path.join(shots, 'launch-moderator.png') });
    await teacherPage.getByRole('link', { name: 'Join the meeting' }).click();
    await teacherPage.getByRole('heading', { name: 'Physics 7c' }).waitFor();
    // Nothing from the platform prefills the name (lti.prefillName is off).
    expect(await teacherPage.getByLabel('Display name').inputValue()).toBe('');
    await joinRoom(teacherPage, 'Teacher T');
    // The moderator's room actions are in the Participants tab.
    await openTab(teacherPage, 'Participants');
    await teacherPage.getByRole('button', { name: 'Lock room' }).waitFor();
  });

  it("a Learner inside the platform's iframe opens aula in a new window without a second login and enters as participant", async () => {
    const { framedUrl } = sim.launch({ roles: [ROLE.learner], user: learner, resourceLink: { id: 'rl-e2e', title: 'Physics 7c' } });
    const course = await newPage();
    await course.goto(framedUrl);
    const frame = course.frameLocator('#tool');
    try {
      await frame.getByText('Screen sharing and full screen work only in a new window.').waitFor({ timeout: 60_000 });
    } catch (err) {
      throw new Error(`the launch page did not appear in the iframe; frames: ${await framesOf(course)}`, { cause: err });
    }
    await course.screenshot({ path: path.join(shots, 'launch-in-iframe.png') });
    const authBefore = sim.authRequests.length;
    const [popup] = await Promise.all([course.waitForEvent('popup'), frame.getByRole('link', { name: 'Open in a new window' }).click()]);
    pages.push(popup);
    await frame.getByText('aula is open in a new window.').waitFor();
    learnerPage = popup;
    await learnerPage.getByRole('heading', { name: 'Physics 7c' }).waitFor({ timeout: 60_000 });
    await joinRoom(learnerPage, 'Learner L');
    expect(sim.authRequests.length).toBe(authBefore);
    expect(await learnerPage.getByRole('button', { name: 'Lock room' }).count()).toBe(0);
    await teacherPage.getByText('Learner L').first().waitFor();
  });

  it("teacher and learner decode each other's video", async () => {
    for (const [me, other] of [
      [teacherPage, learnerPage],
      [learnerPage, teacherPage],
    ] as const) {
      const peer = await selfId(other);
      await waitFor(async () => (await stats(me)).some((c) => c.peerId === peer && c.kind === 'video' && c.framesDecoded > 0), 60_000, 'video decoded');
    }
    await teacherPage.screenshot({ path: path.join(shots, 'room-teacher.png') });
  });

  it('a second learner joins inside the iframe (camera and microphone delegated by the platform) and the teacher sees their video', async () => {
    const second = canaryUser('second');
    CANARIES.push(second.sub, second.email!, second.name!, second.given_name!, second.sourcedId!);
    const { framedUrl } = sim.launch({ roles: [ROLE.learner], user: second, resourceLink: { id: 'rl-e2e', title: 'Physics 7c' } });
    const course = await newPage();
    const problems: string[] = [];
    course.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    course.on('pageerror', (e) => problems.push(e.message));
    await course.goto(framedUrl);
    const frame = course.frameLocator('#tool');
    try {
      await frame.getByRole('link', { name: 'Join the meeting' }).click({ timeout: 60_000 });
    } catch (err) {
      throw new Error(`no launch page in the iframe; frames: ${await framesOf(course)}; errors: ${problems.join(' | ')}`, { cause: err });
    }
    try {
      await frame.getByLabel('Display name').fill('Framed F');
    } catch (err) {
      throw new Error(`no join page in the iframe; frames: ${await framesOf(course)}; errors: ${problems.join(' | ')}`, { cause: err });
    }
    // Turning the camera and microphone on inside the iframe: the platform's delegation at work.
    for (const name of ['Camera', 'Microphone']) {
      await frame.getByRole('switch', { name, exact: true }).click();
      await frame.locator('[role="switch"][aria-checked="true"]', { hasText: name }).waitFor({ timeout: 60_000 });
    }
    await frame.getByRole('button', { name: 'Join' }).click();
    await frame.getByRole('button', { name: 'Leave' }).waitFor({ timeout: 60_000 });
    const inner = course.frames().find((f) => f.url().includes('/r/'))!;
    const peer = await inner.evaluate(() => (window as any).aula.self as string);
    await waitFor(
      async () => (await stats(teacherPage)).some((c) => c.peerId === peer && c.kind === 'video' && c.framesDecoded > 0),
      60_000,
      "the framed learner's video at the teacher",
    );
    await course.screenshot({ path: path.join(shots, 'room-in-iframe.png') });
  });

  it("keeps sub, e-mail, names and lis.person_sourcedid nowhere: not in aula's heap, logs or data directory", async () => {
    // While teacher and learner are still in the room.
    expect(learnerPage.isClosed()).toBe(false);
    child.kill('SIGUSR2');
    const file = await waitFor(
      () => {
        const f = fs.readdirSync(diagDir).find((n) => n.endsWith('.heapsnapshot'));
        if (!f) return undefined;
        const buf = fs.readFileSync(path.join(diagDir, f));
        // A finished snapshot is complete JSON.
        return buf.subarray(-4).toString().trimEnd().endsWith(']}') ? path.join(diagDir, f) : undefined;
      },
      120_000,
      'the heap snapshot',
    );
    const heap = fs.readFileSync(file);
    expect(heap.length).toBeGreaterThan(1_000_000);
    // The heap holds what aula keeps: the display names people chose are there (so the scan sees live strings).
    expect(heap.includes('Learner L')).toBe(true);
    // …and what aula took from the launch on purpose: the resource link's title, now the room's title.
    expect(scan(['Physics 7c'], [['heap', heap]]).length).toBeGreaterThan(0);
    const items: Array<[string, Buffer]> = [
      ['heap', heap],
      ['logs', Buffer.from(output)],
    ];
    for (const f of filesUnder(dataDir)) items.push([`data:${path.relative(dataDir, f)}`, fs.readFileSync(f)]);
    expect(items.length).toBeGreaterThan(4);
    expect(logRecords().some((r) => r.msg === 'lti launch')).toBe(true);
    expect(scan(CANARIES, items)).toEqual([]);
  });
});
