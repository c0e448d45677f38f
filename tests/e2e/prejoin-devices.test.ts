// The room setting moderatorDevicesOn in real Chromium: a moderator's pre-join
// starts with camera and microphone on, a guest's with both off (and no
// device asked for); in a default room both start off for everyone.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.js';
import { axe, launchChromium, screenshotDir } from '../helpers/browser.js';
import { linkPath, startTestServer, waitFor } from '../helpers/server.js';

const SHOTS = screenshotDir();
const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

let server: RunningServer;
let browser: Browser;
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });

/** A pre-join page that counts getUserMedia calls. */
async function prejoin(link: string, viewport = DESKTOP, locale = 'en-US'): Promise<Page> {
  const context = await browser.newContext({ locale, viewport });
  context.setDefaultTimeout(60_000);
  context.setDefaultNavigationTimeout(120_000);
  await context.addInitScript(() => {
    const md = navigator.mediaDevices;
    const original = md.getUserMedia.bind(md);
    (window as any).__gum = 0;
    md.getUserMedia = (c?: MediaStreamConstraints) => {
      (window as any).__gum++;
      return original(c);
    };
  });
  const page = await context.newPage();
  await page.goto(`${server.url}${linkPath(link)}`);
  await page.locator('form.join').waitFor();
  return page;
}

/**
 * After the page's mount effects have run (Preact runs them after a paint):
 * only then does "still off, nothing asked" mean anything. The name typed in
 * is a later render, which flushes them too.
 */
async function settled(page: Page): Promise<void> {
  await page.getByLabel('Display name').fill('Someone');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r)))));
}

const switches = (page: Page, names = ['Camera', 'Microphone']) =>
  Promise.all(names.map((name) => page.getByRole('switch', { name, exact: true }).getAttribute('aria-checked')));

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('devices on by default for moderators (a room setting)', () => {
  it("in such a room a moderator's switches start on with a live preview; a guest's start off and ask for nothing", { timeout: 180_000 }, async () => {
    const room = await server.rooms.create({ title: 'Teacher on camera', moderatorDevicesOn: true });
    const links = await server.links(room);
    const mod = await prejoin(links.moderator);
    await waitFor(async () => (await switches(mod)).every((v) => v === 'true'), 60_000, 'both switches on');
    await waitFor(() => mod.locator('video.preview').evaluate((v: HTMLVideoElement) => v.videoWidth > 0), 60_000, 'preview frames');
    await mod.getByText('camera and microphone start on for moderators').waitFor();
    await mod.locator('#mic-level').waitFor();
    await shot(mod, 'prejoin-moderator-devices-on-light');
    expect(await axe(mod), 'pre-join, devices on, light').toEqual([]);
    await mod.emulateMedia({ colorScheme: 'dark' });
    await shot(mod, 'prejoin-moderator-devices-on-dark');
    expect(await axe(mod), 'pre-join, devices on, dark').toEqual([]);
    // They can still turn one off before joining, and join with the other.
    await mod.getByRole('switch', { name: 'Camera', exact: true }).click();
    expect(await switches(mod)).toEqual(['false', 'true']);
    await mod.getByLabel('Display name').fill('Ms Teach');
    await mod.getByRole('button', { name: 'Join' }).click();
    await mod.getByRole('button', { name: 'Mute microphone' }).waitFor();
    const teach = await waitFor(() => [...room.participants.values()].find((p) => p.displayName === 'Ms Teach'), 20_000, 'Ms Teach in');
    await waitFor(() => teach.media.producers.size === 1, 20_000, 'one producer');
    expect([...teach.media.producers.values()].map((p) => p.appData.source)).toEqual(['mic']);

    for (const [viewport, name] of [
      [DESKTOP, 'desktop'],
      [PHONE, 'phone'],
    ] as const) {
      const guest = await prejoin(links.guest, viewport);
      await guest.getByText('Camera and microphone stay off until you turn them on').waitFor();
      await settled(guest);
      expect(await switches(guest), name).toEqual(['false', 'false']);
      expect(await guest.evaluate(() => (window as any).__gum), name).toBe(0);
      if (name === 'phone') await shot(guest, 'prejoin-guest-phone-light');
      await guest.context().close();
    }
    // German: the moderator's hint in German.
    const de = await prejoin(links.moderator, DESKTOP, 'de-DE');
    await waitFor(async () => (await switches(de, ['Kamera', 'Mikrofon'])).every((v) => v === 'true'), 60_000, 'German switches on');
    await de.getByText('für Moderierende zu Beginn eingeschaltet').waitFor();
    await de.context().close();
    await mod.getByRole('button', { name: 'Leave' }).click();
    await mod.context().close();
  });

  it('in a default room both stay off for a moderator too, and nothing is asked', { timeout: 120_000 }, async () => {
    const room = await server.rooms.create({ title: 'Default room' });
    const links = await server.links(room);
    for (const link of [links.moderator, links.guest]) {
      const page = await prejoin(link);
      await page.getByText('Camera and microphone stay off until you turn them on').waitFor();
      await settled(page);
      expect(await switches(page)).toEqual(['false', 'false']);
      expect(await page.evaluate(() => (window as any).__gum)).toBe(0);
      await page.context().close();
    }
  });
});
