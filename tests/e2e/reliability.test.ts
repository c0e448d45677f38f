// Real Chromium against a server with two media workers:
// - signalling loss: one participant's WebSocket is cut (a TCP proxy between
//   browser and server drops it); the client resumes with its token and is the
//   same participant, hand and media intact, while the others notice nothing;
// - worker death: kill -9 the worker under a class of three; a replacement
//   worker takes the room, the browsers rebuild their media by themselves and
//   decode video again, while the room on the other worker is untouched.
// Five Chromium pages at once are too much for a 2-core machine, so the resume
// pair closes before the worker test, whose bystander room is protocol clients.
import net from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouterAppData } from '../../server/media/worker-pool.js';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { type ConsumerStats, launchChromium, switchDevicesOn } from '../helpers/browser.js';
import { startTestServer, tokenFor, waitFor } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';
import { mediasoupRouter } from '../../server/media/sfu-router.js';

let server: RunningServer;
let browser: Browser;
let classX: Room; // three people; its worker is killed
let classR: Room; // two people; one of them loses signalling
const pages = new Map<string, Page>();
let proxy: { port: number; drop(): void; close(): void };

/** A TCP relay to the server whose connections the test can cut (a lost network path, no close frame). */
async function tcpProxy(target: number): Promise<typeof proxy> {
  const open = new Set<net.Socket>();
  const srv = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as net.AddressInfo).port,
    drop: () => {
      for (const s of open) s.resetAndDestroy();
    },
    close: () => {
      for (const s of open) s.destroy();
      srv.close();
    },
  };
}

async function joinAs(room: Room, name: string, base = server.url): Promise<Page> {
  const page = await (await browser.newContext({ locale: 'en-US' })).newPage();
  await page.goto(`${base}/r/${room.id}#t=${await tokenFor(server, room, 'participant')}`, { timeout: 60_000 });
  await page.getByLabel('Display name').fill(name);
  await switchDevicesOn(page);
  await page.getByRole('button', { name: 'Join' }).click();
  await page.getByRole('button', { name: 'Leave' }).waitFor({ timeout: 60_000 });
  pages.set(name, page);
  return page;
}

const stats = (page: Page) => page.evaluate(() => (window as any).aula.stats() as Promise<ConsumerStats[]>);
const selfId = (page: Page) => page.evaluate(() => (window as any).aula.self as string);
const participant = (room: Room, name: string) => [...room.participants.values()].find((p) => p.displayName === name)!;
const workerPid = (room: Room) => (mediasoupRouter(room.router).appData as RouterAppData).workerPid;

/** Frames decoded per remote camera, by peer id. */
async function cameraFrames(page: Page): Promise<Map<string, number>> {
  return new Map((await stats(page)).filter((s) => s.source === 'camera').map((s) => [s.peerId, s.framesDecoded]));
}

/** Wait until the page decodes video from each of `peers`, beyond the given counts. */
async function decodesFrom(page: Page, peers: string[], after = new Map<string, number>(), timeoutMs = 30_000): Promise<void> {
  let last: unknown;
  try {
    await waitFor(
      async () => {
        const now = await cameraFrames(page);
        last = await stats(page);
        return peers.every((id) => (now.get(id) ?? 0) > (after.get(id) ?? 0) + 5);
      },
      timeoutMs,
      'video frames to decode',
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; wanted ${JSON.stringify(peers)} beyond ${JSON.stringify([...after])}; stats ${JSON.stringify(last)}`, {
      cause: err,
    });
  }
}

beforeAll(async () => {
  server = await startTestServer({ media: { workers: 2 } });
  classX = await server.rooms.create({ title: 'Class X' });
  classR = await server.rooms.create({ title: 'Class R' });
  proxy = await tcpProxy(server.port);
  browser = await launchChromium();
  await joinAs(classR, 'Alice', `http://127.0.0.1:${proxy.port}`);
  await joinAs(classR, 'Bob');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  proxy?.close();
  await server?.close();
});

describe('reliability in Chromium', () => {
  it('the two rooms are on different workers', () => {
    expect(workerPid(classX)).not.toBe(workerPid(classR));
  });

  it('a dropped signalling connection resumes as the same participant, hand and media intact', async () => {
    const alice = pages.get('Alice')!;
    const bob = pages.get('Bob')!;
    const aliceId = await selfId(alice);
    const bobId = participant(classR, 'Bob').id;
    await decodesFrom(alice, [bobId]);
    await alice.getByRole('button', { name: 'Raise hand' }).click();
    await waitFor(() => classR.classroom.hands.includes(aliceId), 5000, 'hand raised');

    proxy.drop(); // Alice's WebSocket is gone without a close frame
    await alice.locator('.notice', { hasText: 'Connection lost. Reconnecting…' }).waitFor({ timeout: 15_000 });
    await alice.locator('.notice', { hasText: 'Connection restored.' }).waitFor({ timeout: 30_000 });

    // Same participation: same id, name, role and hand; Bob never saw her leave.
    expect(await selfId(alice)).toBe(aliceId);
    expect(participant(classR, 'Alice')).toMatchObject({ id: aliceId, role: 'participant' });
    expect(classR.classroom.hands).toEqual([aliceId]);
    expect(await bob.locator('.tiles li').count()).toBe(2);
    // Media went on all along and goes on.
    const before = await cameraFrames(alice);
    await decodesFrom(alice, [bobId], before);
    await decodesFrom(bob, [aliceId], await cameraFrames(bob));
    // And the new connection acts for her.
    await alice.getByRole('button', { name: 'Lower hand' }).click();
    await waitFor(() => classR.classroom.hands.length === 0, 5000, 'hand lowered over the new connection');
    for (const name of ['Alice', 'Bob']) await pages.get(name)!.context().close();
    await waitFor(() => classR.participants.size === 0, 10_000, 'class R to empty');
  }, 180_000);

  it('after kill -9 of a worker, its room gets a new one and video decodes again; the other room is untouched', async () => {
    for (const name of ['Ada', 'Grace', 'Linus']) await joinAs(classX, name);
    const xPages = ['Ada', 'Grace', 'Linus'].map((n) => pages.get(n)!);
    const ids = ['Ada', 'Grace', 'Linus'].map((n) => participant(classX, n).id);
    for (const [i, page] of xPages.entries())
      await decodesFrom(
        page,
        ids.filter((_, j) => j !== i),
      );
    // Class R, on the other worker: two protocol clients with transports, producers and consumers.
    const bystanders = await Promise.all(
      ['Bea', 'Ben'].map(async (name) => {
        const c = await TestClient.connect(server.url);
        const joined = await c.enter(classR.id, await tokenFor(server, classR, 'participant'), name);
        const send = await c.request('createTransport', { direction: 'send' });
        await c.request('createTransport', { direction: 'recv' });
        await c.request('produce', {
          transportId: send.data.id,
          kind: 'audio',
          source: 'mic',
          rtpParameters: {
            codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
            encodings: [{ ssrc: name.length * 1000 + name.charCodeAt(1) }],
          },
        });
        return { c, id: joined.data.self.id };
      }),
    );
    for (const p of classR.producers()) {
      const other = bystanders.find((b) => b.id !== p.peerId)!;
      expect(await other.c.request('consume', { producerId: p.producerId })).toMatchObject({ ok: true });
    }
    const rRouter = classR.router;
    const rObjects = async () => {
      const d = await mediasoupRouter(classR.router).dump();
      return {
        transports: d.transportIds.sort(),
        producers: d.mapProducerIdConsumerIds.map((e) => e.key).sort(),
        consumers: d.mapConsumerIdProducerId.map((e) => e.key).sort(),
      };
    };
    const rBefore = await rObjects();
    expect(rBefore.consumers.length).toBeGreaterThanOrEqual(2);
    const deadPid = workerPid(classX);

    const killedAt = Date.now();
    process.kill(deadPid, 'SIGKILL');
    await waitFor(() => !classX.router.closed && workerPid(classX) !== deadPid, 10_000, 'a new router for class X');
    // Everyone sees everyone again, without re-entering anything.
    const frames = await Promise.all(xPages.map((p) => cameraFrames(p)));
    await Promise.all(
      xPages.map((page, i) =>
        decodesFrom(
          page,
          ids.filter((_, j) => j !== i),
          frames[i],
          30_000,
        ),
      ),
    );
    console.log(`worker kill → all three decode video again: ${Date.now() - killedAt} ms`);
    expect(server.pool.replacements).toBe(1);
    expect(server.pool.workers.filter((w) => !w.closed)).toHaveLength(2);
    for (const [i, page] of xPages.entries()) {
      expect(await selfId(page)).toBe(ids[i]);
      expect(await page.getByRole('button', { name: 'Leave' }).isVisible()).toBe(true);
    }

    // Class R: same router and the very same transports, producers and consumers; no reset, nobody left.
    expect(classR.router).toBe(rRouter);
    expect(await rObjects()).toEqual(rBefore);
    for (const { c } of bystanders) {
      expect(c.notifications.map((n) => n.method)).not.toContain('mediaReset');
      expect(c.notifications.map((n) => n.method)).not.toContain('peerLeft');
      await c.close();
    }
  }, 180_000);
});
