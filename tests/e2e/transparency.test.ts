// What a data-protection officer would check, in real Chromium: during a full
// session the page talks to no other origin and uses no ICE server; "Report a
// problem" sends exactly the JSON it shows, minus what the user unticked; and
// no log line holds a name, a token or an IP address.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.js';
import { launchChromium, switchDevicesOn } from '../helpers/browser.js';
import { linkPath, startTestServer, waitFor } from '../helpers/server.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const CANARIES = ['Canary Ruth-5d2e', 'Canary Omar-91fa'];

let server: RunningServer;
let browser: Browser;
const logLines: string[] = [];
const requests: string[] = [];
const sockets: string[] = [];
const pages: Page[] = [];
let tokens: string[] = [];

async function joinAs(link: string, name: string): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US' });
  // Record every RTCPeerConnection configuration the page creates.
  await context.addInitScript(() => {
    const Original = window.RTCPeerConnection;
    (window as any).__pcConfigs = [];
    window.RTCPeerConnection = function (config?: RTCConfiguration) {
      (window as any).__pcConfigs.push(JSON.parse(JSON.stringify(config ?? {})));
      return new Original(config);
    } as unknown as typeof RTCPeerConnection;
    window.RTCPeerConnection.prototype = Original.prototype;
  });
  const page = await context.newPage();
  page.on('request', (r) => requests.push(r.url()));
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await page.goto(`${server.url}${linkPath(link)}`);
  await page.getByLabel('Display name').fill(name);
  await switchDevicesOn(page);
  await page.getByRole('button', { name: 'Join' }).click();
  await page.getByRole('button', { name: 'Leave' }).waitFor();
  pages.push(page);
  return page;
}

beforeAll(async () => {
  server = await startTestServer({}, { logSink: (line) => logLines.push(line) });
  browser = await launchChromium();
  const room = await server.rooms.create({ title: 'Transparency' });
  const links = await server.links(room);
  tokens = [links.guest, links.moderator].map((l) => new URL(l).hash.slice(3));
  await joinAs(links.moderator, CANARIES[0]!);
  await joinAs(links.guest, CANARIES[1]!);
  // Let media flow, so statistics and candidate pairs exist.
  await waitFor(
    () => pages[1]!.evaluate(async () => ((await (window as any).aula.stats()) as Array<{ framesDecoded: number }>).some((s) => s.framesDecoded > 0)),
    20_000,
    'video decoded',
  );
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('report a problem', () => {
  it('shows the exact payload, sends only what is left ticked, and stores no name, token or address', async () => {
    const page = pages[1]!;
    await page.getByRole('button', { name: 'Report a problem' }).click();
    const dialog = page.getByRole('dialog', { name: 'Report a problem' });
    const preview = dialog.getByLabel('Report to be sent');
    await waitFor(async () => ((await preview.textContent()) ?? '').includes('"stats"'), 10_000, 'gathered data');
    const shown = JSON.parse((await preview.textContent())!);
    expect(shown.browser.name).toBe('Chromium');
    expect(shown.connection.recv).toBe('connected');
    expect(shown.connection.candidateTypes).toContain('host');
    expect(
      shown.stats.some((s: { direction: string; kind: string; framesDecoded?: number }) => s.direction === 'in' && s.kind === 'video' && s.framesDecoded! > 0),
    ).toBe(true);
    expect(shown.stats.length).toBeLessThanOrEqual(4);
    expect(shown.devices.videoinput).toBeGreaterThan(0);
    // Nothing was sent merely by opening the dialog.
    expect(server.problems.list()).toHaveLength(0);

    await dialog.getByLabel('Media statistics').uncheck();
    await dialog.getByLabel('Number of devices').uncheck();
    await dialog.getByLabel('What went wrong? (optional)').fill('The teacher froze twice.');
    const final = JSON.parse((await preview.textContent())!);
    expect(final.stats).toBeUndefined();
    expect(final.devices).toBeUndefined();
    expect(final.description).toBe('The teacher froze twice.');

    await dialog.getByRole('button', { name: 'Send report' }).click();
    await dialog.getByText(/Thank you\. The report was sent/).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
    const [stored] = server.problems.list();
    expect(stored!.report).toEqual(final);

    const file = fs.readFileSync(path.join(server.problems.dir, `${stored!.id}.json`), 'utf8');
    for (const secret of [...CANARIES, ...tokens]) expect(file).not.toContain(secret);
    expect(file).not.toMatch(/\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/);

    const list = await run(process.execPath, ['bin/aula.mjs', 'problems', 'list', '--json', '--url', server.adminUrl, '--token', server.adminToken], {
      cwd: root,
    });
    expect(JSON.parse(list.stdout).problems[0]).toMatchObject({ id: stored!.id, page: 'room', description: 'The teacher froze twice.' });
    const show = await run(
      process.execPath,
      ['bin/aula.mjs', 'problems', 'show', stored!.id, '--json', '--url', server.adminUrl, '--token', server.adminToken],
      {
        cwd: root,
      },
    );
    expect(JSON.parse(show.stdout).problem.report).toEqual(final);
  });

  it('is offered on the join page too, and Cancel sends nothing', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    const room = [...server.rooms.list()][0]!;
    await page.goto(`${server.url}${linkPath((await server.links(room)).guest)}`);
    const before = server.problems.list().length;
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/problems')) posts.push(r.url());
    });
    await page.getByRole('button', { name: 'Report a problem' }).click();
    const dialog = page.getByRole('dialog', { name: 'Report a problem' });
    await waitFor(async () => ((await dialog.getByLabel('Report to be sent').textContent()) ?? '').includes('"page": "join"'), 10_000, 'join payload');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(server.problems.list()).toHaveLength(before);
    expect(posts).toEqual([]);
    await context.close();
  });
});

describe('no third parties, clean logs', () => {
  it('the page requested nothing from another origin and used no ICE server', async () => {
    // A chat message with a canary, so the log check below covers chat too.
    await pages[0]!.getByLabel('Message').fill('Canary chat Zq81x');
    await pages[0]!.getByRole('button', { name: 'Send', exact: true }).click();
    await pages[1]!.getByRole('list', { name: 'Chat' }).getByText('Canary chat Zq81x').waitFor();
    for (const page of pages) {
      await page.getByRole('button', { name: 'Leave' }).click();
      await page.getByText('You left the classroom.').waitFor();
    }
    const origin = new URL(server.url).origin;
    const wsOrigin = origin.replace(/^http/, 'ws');
    expect(requests.length).toBeGreaterThan(5);
    const foreign = requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:') && !u.startsWith('blob:'));
    expect(foreign).toEqual([]);
    expect(sockets.length).toBeGreaterThan(0);
    expect(sockets.filter((u) => !u.startsWith(`${wsOrigin}/`))).toEqual([]);
    for (const page of pages) {
      const configs = (await page.evaluate(() => (window as any).__pcConfigs)) as RTCConfiguration[];
      expect(configs.length).toBeGreaterThan(0);
      for (const c of configs) expect(c.iceServers ?? []).toEqual([]);
    }
  });

  it('no log line (debug level included) holds a display name, a token or an IP address', () => {
    expect(logLines.length).toBeGreaterThan(5);
    expect(logLines.some((l) => l.includes('participant joined'))).toBe(true);
    const all = logLines.join('\n');
    for (const secret of [...CANARIES, 'Ruth-5d2e', 'Omar-91fa', 'Zq81x', ...tokens]) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/);
    expect(all).not.toMatch(/::1|::ffff:/);
  });
});
