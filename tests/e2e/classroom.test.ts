// Three people join one classroom in real Chromium through the UI and see and
// hear each other through the real SFU.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { type ConsumerStats, launchChromium, switchDevicesOn } from '../helpers/browser.js';
import { startTestServer, tokenFor, waitFor } from '../helpers/server.js';
import { mediasoupRouter } from '../../server/media/sfu-router.js';

let server: RunningServer;
let browser: Browser;
let room: Room;
const names = ['Ada', 'Grace', 'Linus'];
const pages: Page[] = [];

async function joinAs(name: string): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${server.url}/r/${room.id}#t=${await tokenFor(server, room, 'participant')}`);
  await page.getByLabel('Display name').fill(name);
  await switchDevicesOn(page);
  await page.getByRole('button', { name: 'Join' }).click();
  try {
    await page.getByRole('button', { name: 'Leave' }).waitFor({ timeout: 15_000 });
  } catch (err) {
    throw new Error(`${name} did not get into the room; page shows: ${await page.locator('main').innerText()}`, { cause: err });
  }
  return page;
}

const stats = (page: Page) => page.evaluate(() => (window as any).aula.stats() as Promise<ConsumerStats[]>);
const tileNames = (page: Page) => page.locator('.tiles li').evaluateAll((lis) => lis.map((li) => li.getAttribute('aria-label')));
const participant = (name: string) => [...room.participants.values()].find((p) => p.displayName === name);
const peerIdOf = (name: string) => participant(name)!.id;
const producerOf = (name: string, source: 'mic' | 'camera') => {
  const p = participant(name);
  return p && [...p.media.producers.values()].find((x) => x.appData.source === source);
};

beforeAll(async () => {
  server = await startTestServer();
  room = await server.rooms.create({ title: 'Physics 101', maxParticipants: 10 });
  browser = await launchChromium();
  for (const name of names) pages.push(await joinAs(name));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('a classroom of three in Chromium', () => {
  it('shows every participant as a tile with their name', async () => {
    for (const page of pages) {
      await waitFor(async () => (await tileNames(page)).length === 3, 10_000, 'three tiles');
      expect((await tileNames(page)).sort()).toEqual([...names].sort());
      await expect(page.locator('h1').textContent()).resolves.toBe('Physics 101');
    }
    expect(room.participants.size).toBe(3);
  });

  it("decodes every other participant's video and receives their audio", async () => {
    for (const [i, page] of pages.entries()) {
      const others = names.filter((_, j) => j !== i).map(peerIdOf);
      const s = await waitFor(
        async () => {
          const all = await stats(page);
          const ok = others.every(
            (peer) =>
              all.some((c) => c.peerId === peer && c.kind === 'video' && c.framesDecoded > 0) &&
              all.some((c) => c.peerId === peer && c.kind === 'audio' && c.packetsReceived > 0),
          );
          return ok ? all : null;
        },
        20_000,
        `media at ${names[i]}`,
      );
      expect(s.filter((c) => c.kind === 'video').length).toBe(2);
      expect(s.filter((c) => c.kind === 'audio').length).toBe(2);
      // What the user sees: each remote tile's video element has real frames
      // (its size is known once the element has its first frame, a moment after the decoder).
      const self = await page.evaluate(() => (window as any).aula.self);
      const sizes = await waitFor(
        async () => {
          const ws = await page
            .locator('.tiles li')
            .evaluateAll(
              (lis, me) => lis.filter((li) => (li as HTMLElement).dataset.peerId !== me).map((li) => li.querySelector('video')?.videoWidth ?? 0),
              self,
            );
          return ws.length === 2 && ws.every((w) => w > 0) ? ws : null;
        },
        20_000,
        `remote videos shown at ${names[i]}`,
      );
      expect(sizes).toHaveLength(2);
    }
  });

  it('"Mute microphone" pauses the producer on the server and tells the others', async () => {
    const [ada, grace] = pages as [Page, Page];
    await ada.getByRole('button', { name: 'Mute microphone' }).click();
    await ada.getByRole('button', { name: 'Unmute microphone' }).waitFor();
    await waitFor(() => producerOf('Ada', 'mic')?.paused === true, 5000, 'mic producer paused');
    const adaTile = grace.locator(`.tiles li[data-peer-id="${peerIdOf('Ada')}"]`);
    await adaTile.getByText('microphone off').waitFor({ timeout: 5000 });

    await ada.getByRole('button', { name: 'Unmute microphone' }).click();
    await waitFor(() => producerOf('Ada', 'mic')?.paused === false, 5000, 'mic producer resumed');
    await adaTile.getByText('microphone off').waitFor({ state: 'detached', timeout: 5000 });
  });

  it('"Stop camera" closes the camera producer and "Start camera" brings video back', async () => {
    const [, grace, linus] = pages as [Page, Page, Page];
    await grace.getByRole('button', { name: 'Stop camera' }).click();
    await grace.getByRole('button', { name: 'Start camera' }).waitFor();
    await waitFor(() => producerOf('Grace', 'camera') === undefined, 5000, 'camera producer closed');
    const graceVideo = linus.locator(`.tiles li[data-peer-id="${peerIdOf('Grace')}"] video`);
    await waitFor(() => graceVideo.evaluate((v: HTMLVideoElement) => v.srcObject === null), 5000, 'remote video cleared');

    await grace.getByRole('button', { name: 'Start camera' }).click();
    await grace.getByRole('button', { name: 'Stop camera' }).waitFor();
    await waitFor(() => producerOf('Grace', 'camera') !== undefined, 5000, 'camera producer back');
    await waitFor(() => graceVideo.evaluate((v: HTMLVideoElement) => v.videoWidth > 0), 10_000, 'remote video back');
  });

  it("a participant who leaves disappears from the others' screens and the server closes their transports", async () => {
    const [ada, grace, linus] = pages as [Page, Page, Page];
    const linusId = peerIdOf('Linus');
    const linusMedia = room.participants.get(linusId)!.media;
    expect(linusMedia.transports.size).toBe(2);
    expect((await mediasoupRouter(room.router).dump()).transportIds).toHaveLength(6);

    await linus.getByRole('button', { name: 'Leave' }).click();
    // Pushed at once (peerLeft), not after the resume grace period; the bound is loose for loaded machines.
    for (const page of [ada, grace]) {
      await page.locator(`.tiles li[data-peer-id="${linusId}"]`).waitFor({ state: 'detached', timeout: 10_000 });
    }
    await linus.getByText('You left the classroom.').waitFor();

    expect(room.participants.has(linusId)).toBe(false);
    expect(linusMedia.transports.size).toBe(0);
    expect(linusMedia.producers.size).toBe(0);
    expect(linusMedia.consumers.size).toBe(0);
    const dump = await mediasoupRouter(room.router).dump();
    expect(dump.transportIds).toHaveLength(4);
    // Linus's two producers are gone, and so are the consumers of them at Ada and Grace.
    for (const name of ['Ada', 'Grace']) {
      const p = participant(name)!;
      expect([...p.media.consumers.values()].every((c) => c.appData.peerId !== linusId)).toBe(true);
      expect(p.media.consumers.size).toBe(2);
    }
  });
});
