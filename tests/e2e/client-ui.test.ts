// The classroom client as people use it, in real Chromium: privacy by default
// on the pre-join screen, controls by role, phones, the keyboard, German,
// light and dark themes checked by axe, and the screenshots in docs/.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { axe, joinThroughUi, launchChromium, screenshotDir } from '../helpers/browser.js';
import { linkPath, startTestServer, waitFor } from '../helpers/server.js';

// The README's screenshots: written to docs/screenshots with AULA_SCREENSHOT=1, else to a temp dir.
const SHOTS = screenshotDir();
const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

let server: RunningServer;
let browser: Browser;
let room: Room;
let links: { guest: string; moderator: string };
let teacher: Page;
let pupil: Page;

const url = (link: string) => `${server.url}${linkPath(link)}`;
const participant = (name: string) => [...room.participants.values()].find((p) => p.displayName === name);
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });

/** axe in light and in dark (prefers-color-scheme), on what the page shows now. */
async function axeBothThemes(page: Page, what: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    expect(await axe(page), `${what}, ${colorScheme}`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** A page that counts getUserMedia calls (and still lets them through). */
async function countingPage(viewport = DESKTOP, locale = 'en-US'): Promise<Page> {
  const context = await browser.newContext({ locale, viewport });
  // Patient on a busy machine: every step waits for its state, within generous bounds.
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
  return context.newPage();
}

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  room = await server.rooms.create({ title: 'Chemistry 9c', recording: true });
  links = await server.links(room);
  teacher = await joinThroughUi(browser, url(links.moderator), 'Ms Curie', { viewport: DESKTOP });
  pupil = await joinThroughUi(browser, url(links.guest), 'Pupil Paul', { viewport: DESKTOP });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the classroom client in Chromium', () => {
  it('pre-join: camera and microphone are off; joining so asks for no device and publishes nothing', async () => {
    const page = await countingPage();
    await page.goto(url(links.guest));
    await page.getByLabel('Display name').fill('Quiet Quinn');
    for (const name of ['Camera', 'Microphone']) {
      expect(await page.getByRole('switch', { name, exact: true }).getAttribute('aria-checked')).toBe('false');
    }
    await shot(page, 'prejoin-light');
    await axeBothThemes(page, 'pre-join');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(page, 'prejoin-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByRole('button', { name: 'Join' }).click();
    await page.getByRole('button', { name: 'Leave' }).waitFor();
    await waitFor(() => participant('Quiet Quinn'), 10_000, 'Quinn in the room');
    // The room is fully set up (transports exist), yet nothing is sent and nothing was asked.
    await waitFor(() => participant('Quiet Quinn')!.media.transports.size === 2, 10_000, 'two transports');
    expect(participant('Quiet Quinn')!.media.producers.size).toBe(0);
    expect(await page.evaluate(() => (window as any).__gum)).toBe(0);
    await page.getByRole('button', { name: 'Unmute microphone' }).waitFor();
    await page.getByRole('button', { name: 'Start camera' }).waitFor();

    // Turning the microphone on later: that is when the browser is asked.
    await page.getByRole('button', { name: 'Unmute microphone' }).click();
    await page.getByRole('button', { name: 'Mute microphone' }).waitFor();
    expect(await page.evaluate(() => (window as any).__gum)).toBe(1);
    const sources = () => [...participant('Quiet Quinn')!.media.producers.values()].map((p) => p.appData.source);
    await waitFor(() => sources().length > 0, 10_000, 'a producer');
    expect(sources()).toEqual(['mic']);
    await page.getByRole('button', { name: 'Leave' }).click();
    await page.getByText('You left the classroom.').waitFor();
    await page.context().close();
  });

  it('a guest sees no moderator control, by role and name', async () => {
    const absent = async (role: Parameters<Page['getByRole']>[0], name: string | RegExp) =>
      expect(await pupil.getByRole(role, { name }).count(), `${role} "${name}"`).toBe(0);
    const check = async () => {
      for (const name of [
        'Lock room',
        'Mute all',
        'End meeting for all',
        'Allow several screens',
        'Start recording',
        'Share screen',
        'Start poll',
        'Split at random',
      ]) {
        await absent('button', name);
      }
      await absent('button', /^More actions for/);
      await absent('tab', 'Polls');
      await absent('tab', 'Breakout groups');
      await absent('textbox', 'Question');
      await absent('heading', 'Breakout groups');
      await absent('menuitem', /Remove|Mute|Make/);
    };
    await check();
    await pupil.getByRole('button', { name: 'Participants' }).click();
    await pupil.getByRole('list', { name: 'Participants' }).getByText('Ms Curie').waitFor();
    await check();
    // The teacher, by contrast, has them.
    await teacher.getByRole('button', { name: 'Participants' }).click();
    await teacher.getByRole('button', { name: 'Lock room' }).waitFor();
    await teacher.getByRole('button', { name: 'More actions for Pupil Paul' }).waitFor();
    await teacher.getByRole('tab', { name: 'Polls' }).waitFor();
    await teacher.getByRole('tab', { name: 'Breakout groups' }).waitFor();
  });

  it("the teacher's per-person menu holds the moderator actions; Remove asks first", async () => {
    await teacher.getByRole('button', { name: 'More actions for Pupil Paul' }).click();
    const menu = teacher.getByRole('menu', { name: 'More actions for Pupil Paul' });
    for (const name of [
      'Spotlight for everyone: Pupil Paul',
      'Make moderator: Pupil Paul',
      'Make presenter: Pupil Paul',
      'Mute Pupil Paul',
      'Keep muted: Pupil Paul',
      'Stop camera of Pupil Paul',
      'Remove Pupil Paul',
    ]) {
      await menu.getByRole('menuitem', { name }).waitFor();
    }
    await shot(teacher, 'teacher-menu-light');
    expect(await axe(teacher)).toEqual([]);
    // Escape closes the menu and focus goes back to its button.
    await teacher.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    expect(await teacher.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('More actions for Pupil Paul');
    await teacher.getByRole('button', { name: 'More actions for Pupil Paul' }).click();
    await menu.getByRole('menuitem', { name: 'Remove Pupil Paul' }).click();
    const dialog = teacher.getByRole('dialog', { name: 'Remove Pupil Paul?' });
    await dialog.waitFor();
    await axeBothThemes(teacher, 'remove confirmation');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(participant('Pupil Paul')).toBeDefined();
    // "End meeting for all" asks too; Escape cancels.
    await teacher.getByRole('button', { name: 'End meeting for all' }).click();
    await teacher.getByRole('dialog', { name: 'End the meeting for everyone?' }).waitFor();
    await teacher.keyboard.press('Escape');
    await teacher.getByRole('dialog', { name: 'End the meeting for everyone?' }).waitFor({ state: 'detached' });
    expect(room.participants.size).toBeGreaterThanOrEqual(2);
  });

  it('every room screen passes axe in light and dark, and the screenshots are taken', { timeout: 240_000 }, async () => {
    await teacher
      .getByLabel('Message')
      .waitFor({ state: 'attached' })
      .catch(() => undefined);
    // Teacher: chat, people, polls, breakout tabs.
    await teacher.getByRole('tab', { name: 'Chat' }).click();
    await teacher.getByLabel('Message').fill('Welcome to chemistry!');
    await teacher.getByRole('button', { name: 'Send', exact: true }).click();
    await pupil.getByRole('button', { name: /^Chat/ }).click();
    await pupil.getByRole('list', { name: 'Chat' }).getByText('Welcome to chemistry!').waitFor();
    await pupil.getByRole('button', { name: 'Raise hand' }).click();
    await teacher.getByText('1 hand raised').waitFor();
    for (const tab of ['Chat', 'Participants', 'Polls', 'Breakout groups']) {
      await teacher.getByRole('tab', { name: tab }).click();
      await axeBothThemes(teacher, `teacher, ${tab}`);
    }
    await teacher.getByRole('tab', { name: 'Participants' }).click();
    await shot(teacher, 'teacher-desktop-light');
    await teacher.emulateMedia({ colorScheme: 'dark' });
    await shot(teacher, 'teacher-desktop-dark');
    await teacher.emulateMedia({ colorScheme: 'light' });
    // Windows high contrast: forced colours keep every control and state visible.
    await teacher.emulateMedia({ forcedColors: 'active' });
    expect(await axe(teacher)).toEqual([]);
    await shot(teacher, 'teacher-forced-colors');
    await teacher.emulateMedia({ forcedColors: 'none' });
    await axeBothThemes(pupil, 'pupil, chat');
    await shot(pupil, 'student-desktop-light');
    await pupil.emulateMedia({ colorScheme: 'dark' });
    await shot(pupil, 'student-desktop-dark');
    await pupil.emulateMedia({ colorScheme: 'light' });
    // Dialogs: shortcuts and devices.
    await teacher.getByRole('button', { name: 'More', exact: true }).click();
    await teacher.getByRole('menuitem', { name: 'Keyboard shortcuts' }).click();
    const help = teacher.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.getByText('Alt+M').waitFor();
    await axeBothThemes(teacher, 'shortcuts dialog');
    await teacher.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    await teacher.getByRole('button', { name: 'More', exact: true }).click();
    await teacher.getByRole('menuitem', { name: 'Audio and video settings' }).click();
    const devices = teacher.getByRole('dialog', { name: 'Audio and video settings' });
    await devices.getByLabel('Camera').waitFor();
    await axeBothThemes(teacher, 'devices dialog');
    await teacher.keyboard.press('Escape');
    await devices.waitFor({ state: 'detached' });
    await pupil.getByRole('button', { name: 'Lower hand' }).click();

    // Presentation view: the shared screen large, the class in a filmstrip beside it.
    await teacher.getByRole('button', { name: 'Share screen' }).click();
    await teacher.getByRole('button', { name: 'Stop sharing' }).waitFor();
    const screen = pupil.getByRole('figure', { name: 'Screen of Ms Curie' });
    await screen.waitFor();
    await waitFor(() => screen.locator('video').evaluate((v: HTMLVideoElement) => v.videoWidth > 0), 30_000, 'screen frames');
    expect(await pupil.locator('.stage').getAttribute('data-layout')).toBe('presentation');
    // The class stays in view beside the screen.
    const strip = await pupil
      .locator('.tiles li')
      .evaluateAll((lis) => lis.map((li) => li.getBoundingClientRect().bottom <= innerHeight && li.getBoundingClientRect().right <= innerWidth));
    expect(strip.length).toBe(2);
    expect(strip.every(Boolean)).toBe(true);
    await shot(pupil, 'student-presentation-light');
    await axeBothThemes(pupil, 'presentation view');
    await teacher.getByRole('button', { name: 'Stop sharing' }).click();
    await screen.waitFor({ state: 'detached' });
  });

  it('on a 390×844 phone: no horizontal scroll, the toolbar and the chat are reachable', { timeout: 180_000 }, async () => {
    const phone = await joinThroughUi(browser, url(links.guest), 'Phone Phil', { viewport: PHONE, media: false });
    for (const width of [390, 360]) {
      await phone.setViewportSize({ width, height: 844 });
      await waitFor(
        () => phone.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth),
        5000,
        `no horizontal overflow at ${width} px`,
      );
    }
    await phone.setViewportSize(PHONE);
    const inView = (name: string | RegExp) =>
      phone.getByRole('button', { name }).evaluate((b) => {
        const r = b.getBoundingClientRect();
        return r.left >= 0 && r.right <= innerWidth && r.top >= 0 && r.bottom <= innerHeight && r.width >= 40 && r.height >= 40;
      });
    for (const name of ['Unmute microphone', 'Start camera', 'Raise hand', /^Chat/, 'More', 'Leave']) expect(await inView(name), String(name)).toBe(true);
    await shot(phone, 'student-phone-light');
    await axeBothThemes(phone, 'phone, stage');
    await phone.getByRole('button', { name: /^Chat/ }).click();
    // The chat is a full-screen sheet; the message box has the focus.
    await phone.getByLabel('Message').waitFor();
    expect(await phone.evaluate(() => document.activeElement?.id)).toBe('chat-input');
    await teacher.getByRole('tab', { name: 'Chat' }).click();
    await phone.keyboard.type('Hello from my phone');
    await phone.keyboard.press('Enter');
    await teacher.getByRole('list', { name: 'Chat' }).getByText('Hello from my phone').waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await axeBothThemes(phone, 'phone, chat sheet');
    await phone.emulateMedia({ colorScheme: 'dark' });
    await shot(phone, 'student-phone-dark');
    await phone.emulateMedia({ colorScheme: 'light' });
    await phone.keyboard.press('Escape');
    await phone.getByLabel('Message').waitFor({ state: 'detached' });
    await phone.getByRole('button', { name: 'Leave' }).click();
    await phone.context().close();
  });

  it('a whole session by keyboard alone: join, microphone on, chat, raise hand, leave', { timeout: 180_000 }, async () => {
    const page = await countingPage();
    await page.goto(url(links.guest));
    const focusedName = () =>
      page.evaluate(() => (document.activeElement as HTMLElement | null)?.getAttribute('aria-label') || document.activeElement?.textContent?.trim() || '');
    // Focus starts in the name field; Enter joins.
    await page.getByLabel('Display name').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('display-name');
    await page.keyboard.type('Keyboard Kim');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Leave' }).waitFor();
    await page.keyboard.press('Alt+M');
    await page.getByRole('button', { name: 'Mute microphone' }).waitFor();
    await waitFor(() => [...(participant('Keyboard Kim')?.media.producers.values() ?? [])].some((p) => p.appData.source === 'mic'), 10_000, 'mic producer');
    await page.keyboard.press('Alt+T');
    await page.getByLabel('Message').waitFor();
    await waitFor(async () => (await page.evaluate(() => document.activeElement?.id)) === 'chat-input', 5000, 'focus in the message box');
    await page.keyboard.type('Typed without a mouse');
    await page.keyboard.press('Enter');
    await teacher.getByRole('list', { name: 'Chat' }).getByText('Typed without a mouse').waitFor();
    await page.keyboard.press('Alt+H');
    await waitFor(() => room.participants.size > 0 && [...room.participants.values()].some((p) => p.displayName === 'Keyboard Kim'), 5000, 'Kim');
    await page.getByRole('button', { name: 'Lower hand' }).waitFor();
    await teacher.getByText('1 hand raised').waitFor();
    // Tab to Leave and press Enter.
    for (let i = 0; i < 60 && (await focusedName()) !== 'Leave'; i++) await page.keyboard.press('Tab');
    expect(await focusedName()).toBe('Leave');
    await page.keyboard.press('Enter');
    await page.getByText('You left the classroom.').waitFor();
    await page.context().close();
  });

  it('German labels under a German browser', { timeout: 180_000 }, async () => {
    const page = await countingPage(DESKTOP, 'de-DE');
    await page.goto(url(links.guest));
    await page.getByLabel('Anzeigename').fill('Ute');
    await page.getByRole('switch', { name: 'Kamera', exact: true }).waitFor();
    await page.getByRole('switch', { name: 'Mikrofon', exact: true }).waitFor();
    await page.getByText('Kamera und Mikrofon bleiben aus').waitFor();
    await page.getByRole('button', { name: 'Beitreten' }).click();
    for (const name of ['Mikrofon einschalten', 'Kamera einschalten', 'Hand heben', 'Verlassen', 'Chat', 'Teilnehmende', 'Mehr', 'Problem melden']) {
      await page.getByRole('button', { name, exact: true }).waitFor();
    }
    await page.getByRole('button', { name: 'Mehr', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Tastenkürzel' }).waitFor();
    await page.getByRole('menuitemcheckbox', { name: 'Nur Audio' }).waitFor();
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('de');
    await page.getByRole('button', { name: 'Verlassen' }).click();
    await page.getByText('Sie haben den Klassenraum verlassen.').waitFor();
    await page.context().close();
  });
});
