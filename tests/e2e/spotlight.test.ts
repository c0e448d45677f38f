// The moderator's spotlight in real Chromium: the teacher picks "Spotlight for
// everyone" from a person's menu, and every viewer's stage shows that person
// large until "Remove spotlight"; a guest has no such control, and a guest's
// own pin wins for them. Screenshots for docs/CLIENT.md.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { axe, joinThroughUi, launchChromium, openTab, personAction, screenshotDir } from '../helpers/browser.js';
import { linkPath, startTestServer, waitFor } from '../helpers/server.js';

const SHOTS = screenshotDir();
const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

let server: RunningServer;
let browser: Browser;
let room: Room;
let teacher: Page;
let anna: Page;
let ben: Page;
let annaId: string;

const url = (link: string) => `${server.url}${linkPath(link)}`;
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
const idOf = (name: string) => [...room.participants.values()].find((p) => p.displayName === name)?.id;

/** What a viewer's stage shows: its layout, and the featured tile's person and area next to the largest other tile's. */
const stageOf = (page: Page) =>
  page.evaluate(() => {
    const stage = document.querySelector('.stage')!;
    const featured = stage.querySelector<HTMLElement>('.featured-list .tile[data-featured]');
    const area = (el: Element) => el.getBoundingClientRect().width * el.getBoundingClientRect().height;
    const others = [...stage.querySelectorAll<HTMLElement>('.tiles-area .tile')].map(area);
    const video = featured?.querySelector('video');
    return {
      layout: stage.getAttribute('data-layout'),
      featured: featured?.dataset.peerId ?? null,
      featuredArea: featured ? area(featured) : 0,
      largestOther: Math.max(0, ...others),
      frames: video ? video.videoWidth > 0 : false,
    };
  });

/** Wait until `page` features `peerId` large, with its video playing. */
async function seesLarge(page: Page, peerId: string, what: string) {
  const s = await waitFor(
    async () => {
      const now = await stageOf(page);
      return now.layout === 'speaker' && now.featured === peerId && now.frames ? now : null;
    },
    60_000,
    what,
  );
  // Large: the featured tile covers far more than any tile in the strip (on a phone too).
  expect(s.featuredArea, what).toBeGreaterThan(2 * s.largestOther);
}

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  room = await server.rooms.create({ title: 'History 8a' });
  const links = await server.links(room);
  teacher = await joinThroughUi(browser, url(links.moderator), 'Mr Herodot', { viewport: DESKTOP, media: false });
  anna = await joinThroughUi(browser, url(links.guest), 'Anna Pupil', { viewport: DESKTOP });
  ben = await joinThroughUi(browser, url(links.guest), 'Ben Pupil', { viewport: DESKTOP, media: false });
  annaId = await waitFor(() => idOf('Anna Pupil'), 20_000, 'Anna in the room');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('spotlight for everyone', () => {
  it("a guest's menu has no spotlight control", async () => {
    await openTab(ben, 'Participants');
    await ben.getByRole('list', { name: 'Participants' }).getByText('Anna Pupil').waitFor();
    expect(await ben.getByRole('button', { name: /^More actions for/ }).count()).toBe(0);
    expect(await ben.getByRole('menuitem', { name: /spotlight/i }).count()).toBe(0);
    expect(await ben.getByText(/spotlight/i).count()).toBe(0);
  });

  it('the moderator spotlights a person: both viewers see that tile large until it is removed', { timeout: 240_000 }, async () => {
    // Gallery to start with, for everyone.
    for (const page of [teacher, ben]) await waitFor(async () => (await stageOf(page)).layout === 'gallery', 20_000, 'gallery');
    await personAction(teacher, 'Anna Pupil', 'Spotlight for everyone: Anna Pupil');
    await waitFor(() => room.classroom.spotlight === annaId, 20_000, 'the spotlight on the server');
    await seesLarge(ben, annaId, 'Ben sees Anna large');
    await seesLarge(teacher, annaId, 'the teacher sees Anna large');
    // The tile says so, and so does the participants list.
    await ben.locator(`.tile[data-peer-id="${annaId}"][data-spotlight]`).first().waitFor();
    await ben.getByRole('list', { name: 'Participants' }).getByText('Spotlight').waitFor({ state: 'attached' });
    await shot(ben, 'spotlight-desktop-light');
    expect(await axe(ben), 'spotlight, light').toEqual([]);
    await ben.emulateMedia({ colorScheme: 'dark' });
    await shot(ben, 'spotlight-desktop-dark');
    expect(await axe(ben), 'spotlight, dark').toEqual([]);
    await ben.emulateMedia({ colorScheme: 'light' });

    // A phone viewer that comes late sees it at once (from the join result).
    const phone = await joinThroughUi(browser, url((await server.links(room)).guest), 'Phone Pia', { viewport: PHONE, media: false });
    await seesLarge(phone, annaId, 'the late phone viewer sees Anna large');
    expect(await phone.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await shot(phone, 'spotlight-phone-light');
    await phone.emulateMedia({ colorScheme: 'dark' });
    await shot(phone, 'spotlight-phone-dark');
    expect(await axe(phone), 'spotlight, phone, dark').toEqual([]);
    await phone.getByRole('button', { name: 'Leave' }).click();
    await phone.context().close();

    // Ben pins the teacher deliberately: his pin wins for him, nobody else's stage changes.
    const teacherId = await waitFor(() => idOf('Mr Herodot'), 5000, 'teacher id');
    await ben.getByRole('button', { name: 'Pin Mr Herodot' }).click();
    await waitFor(async () => (await stageOf(ben)).featured === teacherId, 20_000, "Ben's pin wins for Ben");
    expect((await stageOf(teacher)).featured).toBe(annaId);
    // Unpinned: back to the spotlight.
    await ben.getByRole('button', { name: 'Pin Mr Herodot' }).click();
    await waitFor(async () => (await stageOf(ben)).featured === annaId, 20_000, 'back to the spotlight for Ben');

    // The teacher's menu now offers to remove it.
    await personAction(teacher, 'Anna Pupil', 'Remove spotlight: Anna Pupil');
    await waitFor(async () => (await stageOf(teacher)).layout === 'gallery', 20_000, "the teacher's gallery again");
    // Ben chose the speaker view himself when he pinned: he keeps it, without a spotlight.
    await ben.locator('.stage:not([data-spotlight])').waitFor();
    expect(room.classroom.spotlight).toBeNull();
    expect(await ben.locator('.tile[data-spotlight]').count()).toBe(0);
    await ben.getByRole('button', { name: 'More', exact: true }).click();
    await ben.getByRole('menuitemcheckbox', { name: 'Gallery view' }).click();
    await waitFor(async () => (await stageOf(ben)).layout === 'gallery', 20_000, "Ben's gallery again");
  });

  it('ends for everyone when the person leaves', { timeout: 120_000 }, async () => {
    await personAction(teacher, 'Anna Pupil', 'Spotlight for everyone: Anna Pupil');
    await seesLarge(ben, annaId, 'Ben sees Anna large again');
    await anna.getByRole('button', { name: 'Leave' }).click();
    await waitFor(async () => (await stageOf(ben)).layout === 'gallery', 20_000, 'Ben back in the gallery');
    expect(room.classroom.spotlight).toBeNull();
  });
});
