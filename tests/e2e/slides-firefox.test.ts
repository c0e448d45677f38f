// Slides in Firefox ESR (puppeteer-core over WebDriver BiDi) with a Chromium
// pupil: Firefox's teacher uploads the PDF, turns the page and draws; the
// Chromium pupil's page shows each. Slides travel over signalling and HTTP
// only, so no media (and no network namespace) is needed here: both join with
// camera and microphone off.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser as PwBrowser, Page } from 'playwright-core';
import puppeteer, { type Browser, type Page as FfPage } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { joinThroughUi, launchChromium } from '../helpers/browser.js';
import { makePdf } from '../helpers/pdf.js';
import { linkPath, startTestServer, waitFor } from '../helpers/server.js';

const FIREFOX = process.env.AULA_FIREFOX ?? '/usr/bin/firefox-esr';
const skip = fs.existsSync(FIREFOX) ? null : `${FIREFOX} is not installed`;
if (skip) console.warn(`slides-firefox.test.ts skipped: ${skip}`);

const PDF = makePdf([
  { rgb: [0.85, 0.1, 0.1], rect: [40, 40, 320, 370] },
  { rgb: [0.1, 0.2, 0.85], rect: [440, 40, 320, 370] },
]);
let server: RunningServer;
let chromium: PwBrowser;
let firefox: Browser;
let room: Room;
let pupil: Page;
let teacher: FfPage;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aula-slides-ff-'));
const aria = (role: string, name: string) => `::-p-aria([name="${name}"][role="${role}"])`;

const colourAt = (page: Page, fx: number, fy: number) =>
  page.evaluate(
    ({ fx, fy }) => {
      const c = document.querySelector<HTMLCanvasElement>('.slide-canvas')!;
      return [...c.getContext('2d')!.getImageData(Math.floor(c.width * fx), Math.floor(c.height * fy), 1, 1).data];
    },
    { fx, fy },
  );

beforeAll(async () => {
  if (skip) return;
  fs.writeFileSync(path.join(dir, 'lesson.pdf'), PDF);
  server = await startTestServer();
  chromium = await launchChromium();
  firefox = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    extraPrefsFirefox: { 'intl.accept_languages': 'en-US' },
  });
  room = await server.rooms.create({ title: 'Slides in Firefox' });
  const links = await server.links(room);
  teacher = await firefox.newPage();
  await teacher.setViewport({ width: 1280, height: 800 });
  await teacher.goto(`${server.url}${linkPath(links.moderator)}`);
  await teacher.locator(aria('textbox', 'Display name')).fill('Firefox Teacher');
  await teacher.locator(aria('button', 'Join')).click();
  await teacher.waitForSelector(aria('button', 'Leave'), { timeout: 60_000 });
  pupil = await joinThroughUi(chromium, `${server.url}${linkPath(links.guest)}`, 'Chromium Pupil', { media: false });
  pupil.setDefaultTimeout(60_000);
}, 180_000);

afterAll(async () => {
  await firefox?.close().catch(() => undefined);
  await chromium?.close();
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skip !== null)('slides in Firefox ESR', () => {
  it('a Firefox teacher uploads, turns the page and draws; a Chromium pupil sees each', { timeout: 300_000 }, async () => {
    const input = (await teacher.$('input[data-role="slides-file"]'))!;
    await input.uploadFile(path.join(dir, 'lesson.pdf'));
    // Firefox renders it too (pdf.js in Firefox, from aula's origin).
    await teacher.waitForSelector('.slide-canvas[data-rendered="1"]', { timeout: 60_000 });
    await pupil.locator('.slide-canvas[data-rendered="1"]').waitFor();
    const red = await colourAt(pupil, 0.25, 0.5);
    expect(red[0]).toBeGreaterThan(180);
    expect(red[2]).toBeLessThan(80);

    await teacher.locator(aria('button', 'Next slide')).click();
    await pupil.locator('.slide-canvas[data-rendered="2"]').waitFor();
    const blue = await colourAt(pupil, 0.75, 0.5);
    expect(blue[2]).toBeGreaterThan(180);
    expect(blue[0]).toBeLessThan(80);

    // A stroke drawn with Firefox's mouse.
    const ink = (await teacher.$('.ink-canvas'))!;
    const box = (await ink.boundingBox())!;
    await teacher.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.2);
    await teacher.mouse.down();
    for (let i = 1; i <= 8; i++) await teacher.mouse.move(box.x + box.width * (0.1 + i * 0.05), box.y + box.height * (0.2 + i * 0.04));
    await teacher.mouse.up();
    await waitFor(() => (room.presentation?.strokesOn(2).length ?? 0) === 1, 30_000, "Firefox's stroke");
    await pupil.locator('.ink-canvas[data-strokes="1"]').waitFor();
    await teacher.screenshot({ path: path.join(os.tmpdir(), 'aula-slides-firefox.png') });
  });
});
