// The client's media behaviour in real Chromium: switching the camera during
// the session replaces the producer's track (same producer, new device), and
// a gallery page of 4 in a class of 12 receives at most 4 videos.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { joinThroughUi, launchChromium } from '../helpers/browser.js';
import { linkPath, startTestServer, waitFor } from '../helpers/server.js';

let server: RunningServer;
let browser: Browser;

const byName = (room: Room, name: string) => [...room.participants.values()].find((p) => p.displayName === name)!;
const selfCameraLabel = (page: Page) =>
  page.evaluate(() => (document.querySelector<HTMLVideoElement>('.tile[data-self] video')?.srcObject as MediaStream | null)?.getVideoTracks()[0]?.label ?? '');
type Stat = { peerId: string; kind: string; framesDecoded: number };
const framesFrom = async (page: Page, peerId: string) =>
  ((await page.evaluate(() => (window as any).aula.stats())) as Stat[])
    .filter((s) => s.peerId === peerId && s.kind === 'video')
    .reduce((n, s) => n + s.framesDecoded, 0);

beforeAll(async () => {
  server = await startTestServer();
  // Chromium's fake cameras: 0 is I420, 1 a Y16 depth camera (shown, but not
  // encodable), 2 MJPEG; the switch goes from 0 to 2.
  browser = await launchChromium(['--use-fake-device-for-media-stream=device-count=3']);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('client media in Chromium', () => {
  it("switching the camera replaces the producer's track", { timeout: 180_000 }, async () => {
    const room = await server.rooms.create({ title: 'Art 6b' });
    const links = await server.links(room);
    const teacher = await joinThroughUi(browser, `${server.url}${linkPath(links.moderator)}`, 'Teacher Tom');
    const pupil = await joinThroughUi(browser, `${server.url}${linkPath(links.guest)}`, 'Pupil Pat');
    const teacherId = byName(room, 'Teacher Tom').id;
    const camera = () => [...byName(room, 'Teacher Tom').media.producers.values()].find((p) => p.appData.source === 'camera');
    await waitFor(() => camera(), 10_000, 'camera producer');
    const producerId = camera()!.id;
    const before = await selfCameraLabel(teacher);
    await waitFor(async () => (await framesFrom(pupil, teacherId)) > 0, 30_000, 'pupil decodes the teacher');

    await teacher.getByRole('button', { name: 'More', exact: true }).click();
    await teacher.getByRole('menuitem', { name: 'Audio and video settings' }).click();
    const dialog = teacher.getByRole('dialog', { name: 'Audio and video settings' });
    const select = dialog.getByLabel('Camera');
    const options = await select.locator('option').evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, label: o.textContent })));
    expect(options.length).toBe(3);
    expect(before).toBe('fake_device_0');
    await select.selectOption(options.find((o) => o.label === 'fake_device_2')!.value);
    await waitFor(async () => (await selfCameraLabel(teacher)) === 'fake_device_2', 20_000, 'the self view shows the other camera');
    await dialog.getByRole('button', { name: 'Close' }).click();

    // The same producer carries the new track: nothing was renegotiated, and the pupil keeps decoding.
    expect(camera()?.id).toBe(producerId);
    expect([...byName(room, 'Teacher Tom').media.producers.values()].filter((p) => p.appData.source === 'camera')).toHaveLength(1);
    const frames = await framesFrom(pupil, teacherId);
    await waitFor(async () => (await framesFrom(pupil, teacherId)) > frames + 10, 30_000, 'frames keep coming after the switch');
    // The choice is remembered in this browser (device id only).
    expect(await teacher.evaluate(() => JSON.parse(localStorage.getItem('aula-devices') ?? '{}').camera)).toBeTruthy();
    for (const p of [teacher, pupil]) await p.context().close();
  });

  it('a gallery page of 4 in a class of 12: at most 4 videos are received', { timeout: 400_000 }, async () => {
    const room = await server.rooms.create({ title: 'Assembly', maxParticipants: 20 });
    const links = await server.links(room);
    const url = `${server.url}${linkPath(links.guest)}`;
    // Eleven senders with a tiny canvas camera each (cheap to encode on a shared machine).
    const senders: Page[] = [];
    for (let i = 1; i <= 11; i++) {
      const context = await browser.newContext({ locale: 'en-US', viewport: { width: 400, height: 300 } });
      await context.addInitScript(() => {
        navigator.mediaDevices.getUserMedia = async (c?: MediaStreamConstraints) => {
          if (!c?.video) throw new DOMException('no microphone here', 'NotFoundError');
          const canvas = Object.assign(document.createElement('canvas'), { width: 160, height: 90 });
          const g = canvas.getContext('2d')!;
          let n = 0;
          setInterval(() => {
            g.fillStyle = `hsl(${(n += 17) % 360} 70% 50%)`;
            g.fillRect(0, 0, 160, 90);
          }, 200);
          return canvas.captureStream(5);
        };
      });
      const page = await context.newPage();
      await page.goto(url);
      await page.getByLabel('Display name').fill(`Sender ${String(i).padStart(2, '0')}`);
      await page.getByRole('switch', { name: 'Camera', exact: true }).click();
      await page.locator('[role="switch"][aria-checked="true"]', { hasText: 'Camera' }).waitFor();
      await page.getByRole('button', { name: 'Join' }).click();
      await page.getByRole('button', { name: 'Leave' }).waitFor({ timeout: 60_000 });
      senders.push(page);
    }
    await waitFor(
      () => [...room.participants.values()].filter((p) => [...p.media.producers.values()].some((x) => x.appData.source === 'camera')).length === 11,
      60_000,
      '11 cameras',
    );

    const viewerContext = await browser.newContext({ locale: 'en-US', viewport: { width: 620, height: 460 } });
    const viewer = await viewerContext.newPage();
    await viewer.goto(url);
    await viewer.getByLabel('Display name').fill('Viewer Vic');
    await viewer.getByRole('button', { name: 'Join' }).click();
    await viewer.getByRole('button', { name: 'Leave' }).waitFor({ timeout: 60_000 });
    const vic = byName(room, 'Viewer Vic');
    await waitFor(() => [...vic.media.consumers.values()].filter((c) => c.kind === 'video').length === 11, 60_000, 'a consumer for each camera');
    expect(await viewer.locator('.tiles').getAttribute('data-page-size')).toBe('4');
    await viewer.getByRole('navigation', { name: 'Pages' }).getByText('Page 1 of 3').waitFor();

    const resumed = () => [...vic.media.consumers.values()].filter((c) => c.kind === 'video' && !c.paused).map((c) => c.appData.peerId);
    const shown = () => viewer.locator('.tiles li').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.peerId!));
    const settle = async (what: string) =>
      waitFor(
        async () => {
          const on = resumed();
          const visible = new Set(await shown());
          return on.length <= 4 && on.every((id) => visible.has(id)) && [...visible].filter((id) => id !== vic.id).every((id) => on.includes(id));
        },
        30_000,
        what,
      );
    await settle('only the first page resumed');
    expect(resumed().length).toBeLessThanOrEqual(4);
    const first = new Set(resumed());

    await viewer.getByRole('button', { name: 'Next page' }).click();
    await viewer.getByText('Page 2 of 3').waitFor();
    await settle('only the second page resumed');
    expect(resumed().length).toBeLessThanOrEqual(4);
    expect(resumed().some((id) => first.has(id))).toBe(false);
    // What is shown really plays.
    const onPage = (await shown()).filter((id) => id !== vic.id);
    for (const id of onPage) await waitFor(async () => (await framesFrom(viewer, id)) > 0, 30_000, 'frames on page 2');

    // "Audio only": no video at all, until turned off again.
    await viewer.getByRole('button', { name: 'More', exact: true }).click();
    await viewer.getByRole('menuitemcheckbox', { name: 'Audio only' }).click();
    await waitFor(() => resumed().length === 0, 30_000, 'every video paused');
    await viewer.getByRole('button', { name: 'More', exact: true }).click();
    expect(await viewer.getByRole('menuitemcheckbox', { name: 'Audio only' }).getAttribute('aria-checked')).toBe('true');
    await viewer.getByRole('menuitemcheckbox', { name: 'Audio only' }).click();
    await settle('the page resumed again');
    expect(resumed().length).toBeGreaterThan(0);
    await viewerContext.close();
    for (const p of senders) await p.context().close();
  });
});
