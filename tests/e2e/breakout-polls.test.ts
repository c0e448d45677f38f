// A teacher and three pupils in real Chromium: breakout groups (each group
// decodes its own members and nobody else's; calling everyone back restores
// the class) and an anonymous poll whose answers are never tied to a name.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { launchChromium, openTab, switchDevicesOn } from '../helpers/browser.js';
import { linkPath, startTestServer, waitFor } from '../helpers/server.js';

interface ConsumerStats {
  peerId: string;
  kind: string;
  framesDecoded: number;
}

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function axeViolations(p: Page): Promise<string[]> {
  await p.evaluate(AXE);
  const result = await p.evaluate(async () => (window as any).axe.run(document, { resultTypes: ['violations'] }));
  return (result.violations as Array<{ id: string; impact: string; nodes: unknown[] }>)
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}, ${v.nodes.length} nodes)`);
}

// Canary names: they must never show up next to a choice, on disk or in logs.
const PUPILS = ['Canary Quokka', 'Canary Narwhal', 'Canary Axolotl'];
const TEACHER = 'Canary Teacher';
const logs: string[] = [];
let server: RunningServer;
let browser: Browser;
let room: Room;
const pages = new Map<string, Page>();

const page = (name: string) => pages.get(name)!;
const idOf = (name: string) => [...room.participants.values()].find((p) => p.displayName === name)!.id;
const groupOf = (name: string) => room.participants.get(idOf(name))!.group;
const stats = (p: Page) => p.evaluate(() => (window as any).aula.stats() as Promise<ConsumerStats[]>);
const tilePeers = (p: Page) => p.locator('.tiles li').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.peerId));

/** `name` decodes video from exactly `others` (and from nobody else). */
async function decodesExactly(name: string, others: string[]): Promise<void> {
  const want = others.map(idOf).sort();
  const started = Date.now();
  let last: ConsumerStats[] = [];
  const got = await waitFor(
    async () => {
      const s = (last = await stats(page(name)));
      const decoding = [...new Set(s.filter((c) => c.kind === 'video' && c.framesDecoded > 0).map((c) => c.peerId))].sort();
      const consuming = [...new Set(s.map((c) => c.peerId))].sort();
      return JSON.stringify(decoding) === JSON.stringify(want) && JSON.stringify(consuming) === JSON.stringify(want) && decoding;
    },
    60_000,
    `${name} to decode exactly ${others.join(', ') || 'nobody'}`,
  ).catch(async (err) => {
    await page(name).screenshot({ path: `/tmp/aula-${name.replace(/\W/g, '')}.png` });
    throw new Error(`${(err as Error).message}; want ${want.join(',')}; stats ${JSON.stringify(last)}`);
  });
  expect(got).toEqual(want);
  console.log(`${name} decodes ${others.length} after ${Math.round((Date.now() - started) / 1000)} s`);
  const self = idOf(name);
  expect((await tilePeers(page(name))).filter((id) => id !== self).sort()).toEqual(want);
}

// As joinThroughUi, with patience for a busy machine (four browsers at once).
async function join(url: string, name: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US', viewport });
  const p = await context.newPage();
  p.setDefaultTimeout(120_000);
  await p.goto(url, { waitUntil: 'commit' });
  await p.getByLabel('Display name').fill(name);
  await switchDevicesOn(p);
  await p.getByRole('button', { name: 'Join' }).click();
  await p.getByRole('button', { name: 'Leave' }).waitFor();
  p.on('pageerror', (e) => console.log('page error at', name, e.message));
  return p;
}

beforeAll(async () => {
  server = await startTestServer({}, { logSink: (l) => logs.push(l) });
  browser = await launchChromium();
  room = await server.rooms.create({ title: 'Geography 7a' });
  const links = await server.links(room);
  pages.set(TEACHER, await join(`${server.url}${linkPath(links.moderator)}`, TEACHER, { width: 1600, height: 1000 }));
  for (const name of PUPILS) pages.set(name, await join(`${server.url}${linkPath(links.guest)}`, name));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('breakout groups in Chromium', () => {
  it('splits a class of four into two groups that see and hear only each other', async () => {
    const teacher = page(TEACHER);
    await openTab(teacher, 'Breakout groups');
    await teacher.getByLabel('Number of groups').fill('2');
    await teacher.getByRole('button', { name: 'Split at random' }).click();
    await waitFor(() => PUPILS.every((p) => groupOf(p)), 30_000, 'pupils in groups');
    // Random split of three pupils: two in one group, one in the other; the teacher visits the one alone.
    const groups = room.breakout!.state().groups;
    const lonely = groups.find((g) => PUPILS.filter((p) => groupOf(p) === g.id).length === 1)!;
    const pair = groups.find((g) => g !== lonely)!;
    await teacher.getByRole('button', { name: `Visit group ${lonely.name}` }).click();
    await waitFor(() => groupOf(TEACHER) === lonely.id, 30_000, 'teacher in the group');
    const members = (g: { id: string }) => [TEACHER, ...PUPILS].filter((n) => groupOf(n) === g.id);
    for (const group of [lonely, pair]) {
      const [a, b] = members(group);
      expect(members(group)).toHaveLength(2);
      await decodesExactly(a!, [b!]);
      await decodesExactly(b!, [a!]);
      // Each pupil is told where they are.
      if (a !== TEACHER) await page(a!).getByText(`You are in group ${group.name}.`).waitFor();
    }
    // The moderator's breakout controls and a pupil's group view are accessible.
    expect(await axeViolations(teacher)).toEqual([]);
    expect(await axeViolations(page(members(pair)[0]!))).toEqual([]);
  }, 400_000);

  it('"Call everyone back" restores the main room with everyone decoding everyone', async () => {
    const teacher = page(TEACHER);
    await teacher.getByRole('button', { name: 'Back to main room' }).click();
    await waitFor(() => groupOf(TEACHER) === undefined, 30_000, 'teacher back');
    await teacher.getByRole('button', { name: 'Call everyone back' }).click();
    await waitFor(() => room.breakout === undefined, 30_000, 'breakout ended');
    const all = [TEACHER, ...PUPILS];
    for (const name of all)
      await decodesExactly(
        name,
        all.filter((n) => n !== name),
      );
    // Still one meeting in the ledger, one join per person, no leave.
    const [meeting] = server.ledger!.meetings();
    const events = server.ledger!.read(meeting!.id);
    expect(events.filter((e) => e.type === 'join')).toHaveLength(4);
    expect(events.filter((e) => e.type === 'leave')).toHaveLength(0);
  }, 240_000);
});

describe('an anonymous poll in Chromium', () => {
  it('three voters, a changed vote counted once, results shown to everyone', async () => {
    const teacher = page(TEACHER);
    await openTab(teacher, 'Polls');
    await teacher.getByLabel('Question').fill('Longest river?');
    await teacher.getByLabel('Answers, one per line').fill('Nile\nAmazon\nDanube');
    await teacher.getByRole('button', { name: 'Start poll' }).click();
    const choose = async (name: string, option: string) => {
      const p = page(name);
      await openTab(p, 'Polls');
      await p.getByRole('radio', { name: option }).check();
      await p.getByRole('button', { name: /^(Vote|Change vote)$/ }).click();
      await p.getByText('Your vote was counted.', { exact: false }).waitFor();
    };
    await choose(PUPILS[0]!, 'Nile');
    await choose(PUPILS[1]!, 'Amazon');
    await choose(PUPILS[2]!, 'Danube');
    // Quokka changes their mind: counted once, for the new answer.
    await choose(PUPILS[0]!, 'Amazon');
    const results = teacher.getByRole('list', { name: 'Longest river?' });
    await results.getByText('Amazon: 2 votes').waitFor({ timeout: 10_000 });
    expect(await results.locator('li').allInnerTexts()).toEqual(['Nile: 0 votes', 'Amazon: 2 votes', 'Danube: 1 vote']);
    await teacher.getByText('3 people answered').waitFor();
    // Pupils see no counts while it is open.
    expect(await page(PUPILS[1]!).getByRole('list', { name: 'Longest river?' }).count()).toBe(0);

    await teacher.getByRole('button', { name: 'Close poll' }).click();
    await teacher.getByRole('button', { name: 'Show results to everyone' }).click();
    for (const name of PUPILS) {
      const list = page(name).getByRole('list', { name: 'Longest river?' });
      await list.getByText('Amazon: 2 votes').waitFor({ timeout: 10_000 });
      expect(await list.locator('li').allInnerTexts()).toEqual(['Nile: 0 votes', 'Amazon: 2 votes', 'Danube: 1 vote']);
    }
    expect(room.poll!.results()).toMatchObject({ counts: [0, 2, 1], voters: 3, final: true });
    expect(await axeViolations(teacher)).toEqual([]);
    expect(await axeViolations(page(PUPILS[0]!))).toEqual([]);
  }, 180_000);

  it('no link between a voter and a choice: server memory, data directory, logs', async () => {
    // Memory after close: the counts, no participant id, no name.
    const memory = JSON.stringify(room.poll, (_k, v) => (v instanceof Map ? [...v.entries()] : v));
    for (const name of [TEACHER, ...PUPILS]) {
      expect(memory).not.toContain(name);
      expect(memory).not.toContain(idOf(name));
    }
    expect((room.poll as unknown as { ballots: unknown }).ballots).toBeNull();
    // Disk: no canary name and no poll text anywhere in plaintext (the ledger is encrypted; polls are never written).
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(server.dataDir);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const text = fs.readFileSync(f).toString('latin1');
      for (const needle of ['Canary', 'Longest river', 'Amazon', 'Danube']) expect(text, f).not.toContain(needle);
    }
    // Logs: no name, no question, no answer, no participant id next to a poll.
    const log = logs.join('\n');
    for (const needle of ['Canary', 'Longest river', 'Amazon', 'Danube', 'choices']) expect(log).not.toContain(needle);
    for (const line of logs.filter((l) => l.includes(room.poll!.id))) {
      for (const name of [TEACHER, ...PUPILS]) expect(line).not.toContain(idOf(name));
    }
  });
});
