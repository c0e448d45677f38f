// Slides and whiteboard in real Chromium: a teacher uploads a three-page PDF
// made by the test, two pupils' stages show page 1 (checked from the rendered
// pixels: each page has a coloured block of its own), Next slide turns both,
// a stroke drawn by the teacher appears on both canvases, a pupil draws only
// after "Allow drawing", a late joiner lands on page 2 with its strokes, wrong
// files are refused with their message, the CSP is unchanged, and a recording
// running meanwhile shows the slide in its composed frames.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { joinThroughUi, launchChromium } from '../helpers/browser.js';
import { makePdf } from '../helpers/pdf.js';
import { linkPath, startTestServer, waitFor } from '../helpers/server.js';

const run = promisify(execFile);
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Serious and critical axe findings on what the page shows now, in light and dark. */
async function axeFindings(page: Page): Promise<string[]> {
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
    const result = await page.evaluate(async () => (window as any).axe.run(document, { resultTypes: ['violations'] }));
    for (const v of result.violations as Array<{ id: string; impact: string }>) {
      if (v.impact === 'serious' || v.impact === 'critical') found.push(`${v.id} (${v.impact}, ${colorScheme})`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return found;
}
const SHOTS = path.join(os.tmpdir(), 'aula-slides');
const RED: [number, number, number] = [0.85, 0.1, 0.1];
const BLUE: [number, number, number] = [0.1, 0.2, 0.85];
const GREEN: [number, number, number] = [0.1, 0.7, 0.2];
// Page 1: a red block on the left half; page 2: blue on the right; page 3: green at the bottom.
const PDF = makePdf([
  { rgb: RED, rect: [40, 40, 320, 370] },
  { rgb: BLUE, rect: [440, 40, 320, 370] },
  { rgb: GREEN, rect: [40, 20, 720, 120] },
]);

let server: RunningServer;
let browser: Browser;
let room: Room;
let links: { guest: string; moderator: string };
let teacher: Page;
let pia: Page;
let paul: Page;
const files = fs.mkdtempSync(path.join(os.tmpdir(), 'aula-slides-files-'));

const joinAs = (link: string, name: string) =>
  joinThroughUi(browser, `${server.url}${linkPath(link)}`, name, { viewport: { width: 1280, height: 800 }, media: false });

/** The colour at a point of the rendered page, as a fraction of its width and height. */
async function colourAt(page: Page, fx: number, fy: number, canvas = '.slide-canvas'): Promise<[number, number, number, number]> {
  return page.evaluate(
    ({ fx, fy, canvas }) => {
      const c = document.querySelector<HTMLCanvasElement>(canvas)!;
      const d = c.getContext('2d')!.getImageData(Math.floor(c.width * fx), Math.floor(c.height * fy), 1, 1).data;
      return [d[0]!, d[1]!, d[2]!, d[3]!] as [number, number, number, number];
    },
    { fx, fy, canvas },
  );
}

const near = (got: number[], want: [number, number, number]) => want.every((v, i) => Math.abs(got[i]! - v * 255) < 40);

async function showsPage(page: Page, n: number): Promise<void> {
  await page.locator(`.slide-canvas[data-rendered="${n}"]`).waitFor({ timeout: 60_000 });
}

/** How many inked pixels the stroke canvas has (alpha > 0). */
async function inked(page: Page): Promise<number> {
  return page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('.ink-canvas')!;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
    return n;
  });
}

/** Draw a line across the page with the mouse, from (fx0, fy0) to (fx1, fy1) of the page's box. */
async function drawLine(page: Page, fx0: number, fy0: number, fx1: number, fy1: number): Promise<void> {
  const box = (await page.locator('.ink-canvas').boundingBox())!;
  await page.mouse.move(box.x + box.width * fx0, box.y + box.height * fy0);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) {
    await page.mouse.move(box.x + box.width * (fx0 + ((fx1 - fx0) * i) / 10), box.y + box.height * (fy0 + ((fy1 - fy0) * i) / 10));
  }
  await page.mouse.up();
}

async function upload(page: Page, file: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Upload slides', exact: true }).click();
  await (await chooser).setFiles(file);
}

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  fs.writeFileSync(path.join(files, 'lesson.pdf'), PDF);
  fs.writeFileSync(path.join(files, 'notes.pdf'), '<html>this is not a PDF</html>');
  fs.writeFileSync(path.join(files, 'huge.pdf'), makePdf([{ rgb: RED, rect: [0, 0, 10, 10] }], 300 * 1024));
  server = await startTestServer({ presentation: { maxBytes: 256 * 1024, maxPages: 300 } });
  browser = await launchChromium();
  room = await server.rooms.create({ title: 'Physics 9b', recording: true });
  links = await server.links(room);
  teacher = await joinAs(links.moderator, 'Teacher Tanja');
  pia = await joinAs(links.guest, 'Pia');
  paul = await joinAs(links.guest, 'Paul');
  for (const p of [teacher, pia, paul]) p.setDefaultTimeout(60_000);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  fs.rmSync(files, { recursive: true, force: true });
});

describe('slides and whiteboard in Chromium', () => {
  it('refuses wrong files with their message; pupils have no presenter controls', async () => {
    expect(await pia.getByRole('button', { name: 'Upload slides' }).count()).toBe(0);
    expect(await pia.getByRole('button', { name: 'Whiteboard' }).count()).toBe(0);
    await upload(teacher, path.join(files, 'notes.pdf'));
    await teacher.getByRole('alert').filter({ hasText: 'This file is not a PDF' }).waitFor();
    await upload(teacher, path.join(files, 'huge.pdf'));
    await teacher.getByRole('alert').filter({ hasText: 'larger than' }).waitFor();
    expect(room.presentation?.ready ?? false).toBe(false);
  });

  it('shows the PDF to everyone, turns pages, carries strokes, and lets pupils draw only when allowed', async () => {
    const cspBefore = (await fetch(`${server.url}/`)).headers.get('content-security-policy');
    // A recording runs meanwhile: the composed file must show the slide.
    await teacher.getByRole('button', { name: 'Start recording' }).click();
    await waitFor(() => server.recordings.isRecording(room), 60_000, 'recording to start');

    await upload(teacher, path.join(files, 'lesson.pdf'));
    for (const p of [teacher, pia, paul]) await showsPage(p, 1);
    for (const p of [pia, paul]) {
      // The red block on the left, white on the right.
      await waitFor(async () => near(await colourAt(p, 0.25, 0.5), RED) && near(await colourAt(p, 0.75, 0.5), [1, 1, 1]), 30_000, 'page 1 drawn');
    }
    await teacher.screenshot({ path: path.join(SHOTS, 'teacher-slides.png') });

    await teacher.getByRole('button', { name: 'Next slide' }).click();
    for (const p of [pia, paul]) {
      await showsPage(p, 2);
      await waitFor(async () => near(await colourAt(p, 0.75, 0.5), BLUE) && near(await colourAt(p, 0.25, 0.5), [1, 1, 1]), 30_000, 'page 2 drawn');
      await p.getByRole('status').filter({ hasText: 'Page 2 of 3' }).waitFor();
    }

    // The teacher draws; both pupils' canvases show the stroke.
    await drawLine(teacher, 0.1, 0.1, 0.4, 0.3);
    for (const p of [pia, paul]) {
      await p.locator('.ink-canvas[data-strokes="1"]').waitFor();
      expect(await inked(p)).toBeGreaterThan(100);
    }

    // A pupil cannot draw until a moderator allows it.
    expect(await pia.getByRole('button', { name: 'Pen' }).count()).toBe(0);
    await drawLine(pia, 0.5, 0.6, 0.9, 0.9);
    expect(room.presentation!.strokesOn(2)).toHaveLength(1);
    await teacher.getByLabel('Allow drawing').check();
    await pia.getByRole('button', { name: 'Pen' }).waitFor();
    await drawLine(pia, 0.5, 0.6, 0.9, 0.9);
    await waitFor(() => room.presentation!.strokesOn(2).length === 2, 30_000, "the pupil's stroke");
    await teacher.locator('.ink-canvas[data-strokes="2"]').waitFor();
    await paul.locator('.ink-canvas[data-strokes="2"]').waitFor();
    await pia.screenshot({ path: path.join(SHOTS, 'pupil-drawing.png') });
    // The presentation view passes axe for the teacher (every control) and a pupil, light and dark.
    expect(await axeFindings(teacher)).toEqual([]);
    expect(await axeFindings(pia)).toEqual([]);

    // A late joiner lands on page 2 with both strokes.
    const late = await joinAs(links.guest, 'Lea');
    await showsPage(late, 2);
    await late.locator('.ink-canvas[data-strokes="2"]').waitFor();
    await waitFor(async () => near(await colourAt(late, 0.75, 0.5), BLUE), 30_000, "the late joiner's page 2 drawn");
    await late.context().close();

    // The CSP did not change for slides.
    expect((await fetch(`${server.url}/`)).headers.get('content-security-policy')).toBe(cspBefore);

    // The recording: wait until it has run long enough to hold the slide, then stop and compose.
    await waitFor(() => server.recordings.get(room)?.sidecar.tracks.some((t) => t.source === 'screen') ?? false, 60_000, 'the stage captured');
    const recording = server.recordings.get(room)!;
    await waitFor(() => Date.now() - Date.parse(recording.sidecar.startedAt) >= 8000, 60_000, 'recording long enough');
    await teacher.getByRole('button', { name: 'Stop recording' }).click();
    await waitFor(() => server.recordings.store.get(recording.id)?.state !== 'recording', 60_000, 'captures to finish');
    await server.recordings.composer.idle();
    // Sealed at rest: decrypted into a temp file for ffmpeg.
    const out = path.join(files, 'recording.webm');
    await pipeline(server.recordings.store.reader(recording.id, 'recording.webm'), fs.createWriteStream(out));
    // One frame from the middle of the stage's capture, as raw RGB: the slide (white page, blue block) fills much of it.
    const stage = server.recordings.store.get(recording.id)!.tracks.find((t) => t.source === 'screen')!;
    const at = ((stage.startMs + (stage.endMs ?? stage.startMs)) / 2 / 1000).toFixed(2);
    const frame = path.join(files, 'frame.rgb');
    const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=width,height', '-select_streams', 'v:0', '-of', 'csv=p=0', out]);
    const [width, height] = stdout.trim().split(',').map(Number) as [number, number];
    await run('ffmpeg', ['-v', 'error', '-ss', at, '-i', out, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-y', frame]);
    const rgb = fs.readFileSync(frame);
    let bright = 0;
    let blue = 0;
    for (let i = 0; i < rgb.length; i += 3) {
      if (rgb[i]! > 200 && rgb[i + 1]! > 200 && rgb[i + 2]! > 200) bright++;
      if (rgb[i + 2]! > 150 && rgb[i]! < 90 && rgb[i + 1]! < 110) blue++;
    }
    const pixels = width * height;
    console.log(
      `slides in the recording at ${at} s: ${width}×${height}, white ${((bright / pixels) * 100).toFixed(1)} %, blue ${((blue / pixels) * 100).toFixed(1)} %`,
    );
    expect(bright / pixels).toBeGreaterThan(0.05);
    expect(blue / pixels).toBeGreaterThan(0.02);
  }, 480_000);

  it('a whiteboard with pages, cleared, and stopped for everyone', async () => {
    await teacher.getByRole('button', { name: 'Stop presenting' }).click();
    for (const p of [pia, paul]) await p.locator('.slides').waitFor({ state: 'detached' });
    await waitFor(() => fs.readdirSync(server.presentations.dir).length === 0, 30_000, 'the PDF deleted');
    await teacher.getByRole('button', { name: 'Whiteboard', exact: true }).click();
    for (const p of [teacher, pia]) await p.locator('.slides[data-kind="whiteboard"] .slide-canvas[data-rendered="1"]').waitFor();
    await drawLine(teacher, 0.2, 0.2, 0.8, 0.8);
    await pia.locator('.ink-canvas[data-strokes="1"]').waitFor();
    await teacher.getByRole('button', { name: 'Add page' }).click();
    await pia.getByRole('status').filter({ hasText: 'Page 2 of 2' }).waitFor();
    await pia.locator('.ink-canvas[data-strokes="0"]').waitFor();
    await teacher.getByRole('button', { name: 'Previous slide' }).click();
    await pia.locator('.ink-canvas[data-strokes="1"]').waitFor();
    await teacher.getByRole('button', { name: 'Clear page' }).click();
    await pia.locator('.ink-canvas[data-strokes="0"]').waitFor();
    await teacher.screenshot({ path: path.join(SHOTS, 'teacher-whiteboard.png') });
    await teacher.getByRole('button', { name: 'Stop presenting' }).click();
    await pia.locator('.slides').waitFor({ state: 'detached' });
  }, 240_000);
});
