// Getting in, in real Chromium: guest and moderator links, the lobby with
// admit and deny, and links that must be refused.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { launchChromium, openTab, personAction, switchDevicesOn } from '../helpers/browser.js';
import { linkPath, startTestServer, tokenFor, waitFor } from '../helpers/server.js';

let server: RunningServer;
let browser: Browser;

async function open(path: string): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${server.url}${path}`);
  return page;
}

async function join(page: Page, name: string, media = false): Promise<void> {
  await page.getByLabel('Display name').fill(name);
  if (media) await switchDevicesOn(page);
  await page.getByRole('button', { name: 'Join' }).click();
}

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('links', () => {
  let room: Room;
  beforeAll(async () => {
    room = await server.rooms.create({ title: 'History 7c', recording: true });
  });

  it('a guest joins through the guest link and sees no moderator controls', async () => {
    const links = await server.links(room);
    const page = await open(linkPath(links.guest));
    await page.getByRole('heading', { name: 'History 7c' }).waitFor();
    await page.getByText('This meeting may be recorded').waitFor();
    expect(await page.getByRole('link', { name: 'Privacy notice' }).getAttribute('href')).toBe('/privacy');
    await join(page, 'Guest Gustav');
    await page.getByRole('button', { name: 'Leave' }).waitFor();
    expect(await page.getByRole('button', { name: 'Lock room' }).count()).toBe(0);
    const p = [...room.participants.values()].find((x) => x.displayName === 'Guest Gustav');
    expect(p?.role).toBe('participant');
    await page.context().close();
  });

  it('a moderator joins through the moderator link and gets role controls', async () => {
    const links = await server.links(room);
    const guest = await open(linkPath(links.guest));
    await join(guest, 'Pupil Paula');
    await guest.getByRole('button', { name: 'Leave' }).waitFor();

    const mod = await open(linkPath(links.moderator));
    await join(mod, 'Teacher Tina');
    await openTab(mod, 'Participants');
    await mod.getByRole('button', { name: 'Lock room' }).waitFor();
    await personAction(mod, 'Pupil Paula', 'Make presenter: Pupil Paula');
    await waitFor(() => [...room.participants.values()].find((x) => x.displayName === 'Pupil Paula')?.role === 'presenter', 5000, 'promotion');
    await mod.getByText('Pupil Paula (presenter)').waitFor();

    await mod.getByRole('button', { name: 'Lock room' }).click();
    await guest.getByText('The room is locked').waitFor();
    const late = await open(linkPath(links.guest));
    await join(late, 'Late Lars');
    await late.getByText('The room is locked. Ask a moderator to unlock it.').waitFor();
    for (const page of [guest, mod, late]) await page.context().close();
  });

  it('refuses an expired link with a clear message', async () => {
    const token = await tokenFor(server, room, 'participant', -60);
    const page = await open(`/r/${room.id}#t=${token}`);
    await page.getByText('This link has expired. Ask the organiser for a new one.').waitFor();
    expect(await page.getByLabel('Display name').count()).toBe(0);
    await page.context().close();
  });

  it('refuses a tampered, a wrong-room and an incomplete link', async () => {
    const token = await tokenFor(server, room, 'participant');
    const other = await server.rooms.create({ title: 'Elsewhere' });
    const tampered = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    for (const path of [`/r/${room.id}#t=${tampered}`, `/r/${other.id}#t=${token}`]) {
      const page = await open(path);
      await page.getByText('This link is not valid. Ask the organiser for a new one.').waitFor();
      await page.context().close();
    }
    const bare = await open(`/r/${room.id}`);
    await bare.getByText('This link is incomplete').waitFor();
    await bare.context().close();
  });
});

describe('lobby', () => {
  it('a guest waits until a moderator admits them; another is denied', async () => {
    const room = await server.rooms.create({ title: 'Office hours', lobby: true });
    const links = await server.links(room);
    const mod = await open(linkPath(links.moderator));
    await join(mod, 'Prof Petra', true);
    await mod.getByRole('button', { name: 'Leave' }).waitFor();

    const guest = await open(linkPath(links.guest));
    await join(guest, 'Student Sam', true);
    await guest.getByText('Waiting for a moderator to let you in').waitFor();
    expect(room.participants.size).toBe(1);

    await mod.getByRole('button', { name: 'Admit Student Sam' }).click();
    await guest.getByRole('button', { name: 'Leave' }).waitFor();
    // Admitted means really in: each sees the other's video.
    const decoded = (page: Page) =>
      page.evaluate(async () =>
        ((await (window as any).aula.stats()) as Array<{ kind: string; framesDecoded: number }>).some((s) => s.kind === 'video' && s.framesDecoded > 0),
      );
    await waitFor(() => decoded(guest), 20_000, 'guest decodes video');
    await waitFor(() => decoded(mod), 20_000, 'moderator decodes video');

    const intruder = await open(linkPath(links.guest));
    await join(intruder, 'Uninvited Udo');
    await intruder.getByText('Waiting for a moderator to let you in').waitFor();
    await mod.getByRole('button', { name: 'Deny Uninvited Udo' }).click();
    await intruder.getByText('A moderator did not let you in.').waitFor();
    expect([...room.participants.values()].map((p) => p.displayName).sort()).toEqual(['Prof Petra', 'Student Sam']);
    expect(room.lobby.list()).toEqual([]);
  });
});
