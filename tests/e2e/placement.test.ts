// Worker placement with two mediasoup workers: rooms start on different
// workers, and once a room's worker carries media.consumersPerWorker
// consumers, a newcomer receives through a router on the other worker
// (pipeToRouter) and still decodes the teacher's video in real Chromium.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { joinThroughUi, launchChromium } from '../helpers/browser.js';
import { startTestServer, tokenFor, waitFor } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';
import { mediasoupMedia } from '../../server/media/peer-media.js';

interface ConsumerStats {
  peerId: string;
  kind: string;
  packetsReceived: number;
  framesDecoded: number;
}

let server: RunningServer;
let browser: Browser;
let roomA: Room;
let roomB: Room;
const clients: TestClient[] = [];

const link = async (room: Room) => `${server.url}/r/${room.id}#t=${await tokenFor(server, room, 'participant')}`;
const stats = (page: Page) => page.evaluate(() => (window as any).aula.stats() as Promise<ConsumerStats[]>);
const byName = (name: string) => [...roomA.participants.values()].find((p) => p.displayName === name)!;

beforeAll(async () => {
  server = await startTestServer({ media: { workers: 2, consumersPerWorker: 2 } });
  roomA = await server.rooms.create({ title: 'Placement A', maxParticipants: 10 });
  roomB = await server.rooms.create({ title: 'Placement B', maxParticipants: 10 });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  for (const c of clients) await c.close();
  await browser?.close();
  await server?.close();
});

describe('worker placement', () => {
  it('puts two new rooms on two different workers', () => {
    const a = server.placement.workerOf(roomA.router);
    const b = server.placement.workerOf(roomB.router);
    expect(a).toBeDefined();
    expect(b).toBeDefined();
    expect(a!.pid).not.toBe(b!.pid);
  });

  it('spreads a full room over the second worker and the newcomer still gets media', async () => {
    const home = server.placement.workerOf(roomA.router)!;
    const other = server.placement.workerOf(roomB.router)!;
    await joinThroughUi(browser, await link(roomA), 'Teacher');
    const teacher = byName('Teacher');
    await waitFor(() => teacher.media.producers.size === 2, 15_000, 'teacher camera and microphone');

    // A signalling-only listener fills the home worker up to the threshold.
    const filler = await TestClient.connect(server.url);
    clients.push(filler);
    const entered = await filler.enter(roomA.id, await tokenFor(server, roomA, 'participant'), 'Filler');
    expect(entered.ok).toBe(true);
    expect((await filler.request('createTransport', { direction: 'recv' })).ok).toBe(true);
    for (const p of entered.data.producers) expect((await filler.request('consume', { producerId: p.producerId })).ok).toBe(true);
    expect(server.placement.consumersOn(home)).toBeGreaterThanOrEqual(2);
    expect(server.placement.consumersOn(other)).toBe(0);

    const viewer = await joinThroughUi(browser, await link(roomA), 'Viewer');
    // The viewer decodes the teacher's video and receives their audio…
    const got = await waitFor(
      async () => {
        const all = await stats(viewer);
        const video = all.find((c) => c.peerId === teacher.id && c.kind === 'video' && c.framesDecoded > 0);
        const audio = all.find((c) => c.peerId === teacher.id && c.kind === 'audio' && c.packetsReceived > 0);
        return video && audio ? { video, audio } : undefined;
      },
      30_000,
      'viewer decodes the teacher through the second worker',
    );
    expect(got.video.framesDecoded).toBeGreaterThan(0);
    // …through consumers on the other worker, fed by a pipe from the home router.
    const overflow = await server.placement.overflowRouters(roomA.router);
    expect(overflow.map((r) => server.placement.workerOf(r)?.pid)).toEqual([other.pid]);
    expect(server.placement.consumersOn(other)).toBeGreaterThanOrEqual(2);
    const viewerConsumers = [...mediasoupMedia(byName('Viewer').media).consumers.values()];
    expect(viewerConsumers.length).toBeGreaterThanOrEqual(2);
    const sent = await Promise.all(viewerConsumers.map(async (c) => (await c.getStats()).find((s) => s.type === 'outbound-rtp')?.packetCount ?? 0));
    expect(Math.min(...sent)).toBeGreaterThan(0);
  });
});
