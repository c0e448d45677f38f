// aula behind a real nginx with TLS, as docs/OPERATIONS.md sets it up
// (X-Forwarded-For and http.trustedProxies): Chromium joins and decodes video
// through https://localhost:<port>; 120 signalling clients, each from its own
// loopback address, fill one room although every socket reaches aula from
// nginx's 127.0.0.1; and the per-address limit still holds for one address.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { launchChromium } from '../helpers/browser.js';
import { freePort, type Nginx, startNginx } from '../helpers/nginx.js';
import { startTestServer, tokenFor, waitFor } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';

let server: RunningServer;
let nginx: Nginx;
let browser: Browser | undefined;
let room: Room;
const clients: TestClient[] = [];
const logLines: string[] = [];

// Counts every RTCPeerConnection the page makes, so that the test reads the
// browser's own getStats(), whatever the client's code looks like.
const TRACK_PEER_CONNECTIONS = () => {
  const Original = window.RTCPeerConnection;
  const all: RTCPeerConnection[] = [];
  (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs = all;
  window.RTCPeerConnection = class extends Original {
    constructor(...args: ConstructorParameters<typeof Original>) {
      super(...args);
      all.push(this);
    }
  };
};

const videoFramesDecoded = (page: Page) =>
  page.evaluate(async () => {
    let frames = 0;
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded ?? 0;
      });
    }
    return frames;
  });

async function joinInBrowser(name: string): Promise<Page> {
  const context = await browser!.newContext({ locale: 'en-US', ignoreHTTPSErrors: true });
  await context.addInitScript(TRACK_PEER_CONNECTIONS);
  const page = await context.newPage();
  await page.goto(`${nginx.url}/r/${room.id}#t=${await tokenFor(server, room, 'participant')}`, { timeout: 60_000 });
  await page.getByLabel('Display name').fill(name);
  await page.getByRole('button', { name: 'Join' }).click();
  await page.getByRole('button', { name: 'Leave' }).waitFor({ timeout: 60_000 });
  return page;
}

/** A signalling client through nginx, its socket bound to `localAddress`. */
async function connect(localAddress: string, headers: Record<string, string> = {}): Promise<TestClient> {
  const c = await TestClient.connect(nginx.url, { localAddress, ca: nginx.ca, headers, handshakeTimeout: 60_000 });
  c.replyTimeoutMs = 60_000; // a join into a room of 120 on a busy machine
  return c;
}

beforeAll(async () => {
  const proxyPort = await freePort();
  server = await startTestServer(
    {
      http: { publicUrl: `https://localhost:${proxyPort}`, trustedProxies: ['127.0.0.1'] },
      // The production per-address limit (50); the hello deadline is not what this test is about.
      signalling: { connectionsPerAddress: 50, helloTimeoutSeconds: 120 },
    },
    { logSink: (line) => logLines.push(line) },
  );
  nginx = await startNginx(server.port, proxyPort);
  room = await server.rooms.create({ title: 'Assembly', maxParticipants: 200 });
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await browser?.close();
  await nginx?.close();
  await server?.close();
});

describe('behind nginx with TLS', () => {
  it('Chromium joins through https://localhost:<port> and decodes video', async () => {
    browser = await launchChromium();
    const ada = await joinInBrowser('Ada');
    const grace = await joinInBrowser('Grace');
    // Camera off until the person turns it on (privacy by default).
    const start = ada.getByRole('button', { name: 'Start camera' });
    if (await start.isVisible()) await start.click();
    const adaCamera = () =>
      [...room.participants.values()].some((p) => p.displayName === 'Ada' && [...p.media.producers.values()].some((x) => x.appData.source === 'camera'));
    await waitFor(adaCamera, 60_000, "Ada's camera on the server");
    await waitFor(async () => (await videoFramesDecoded(grace)) > 10, 60_000, "Grace decodes Ada's video through the proxied signalling");
    expect(room.participants.size).toBe(2);
    await browser.close();
    browser = undefined;
    await waitFor(() => room.participants.size === 0, 30_000, 'the browsers left');
  }, 180_000);

  it('lets 120 clients, each from its own address, join one room through the proxy', async () => {
    const token = await tokenFor(server, room, 'participant');
    const addresses = Array.from({ length: 120 }, (_, i) => `127.0.0.${i + 2}`);
    // A few at a time: the machine is shared, and order does not matter.
    for (let i = 0; i < addresses.length; i += 10) {
      await Promise.all(
        addresses.slice(i, i + 10).map(async (address, j) => {
          const c = await connect(address);
          clients.push(c);
          const joined = await c.enter(room.id, token, `Student ${i + j + 1}`);
          expect(joined, address).toMatchObject({ ok: true, data: { status: 'joined' } });
        }),
      );
    }
    expect(room.participants.size).toBe(120);
    // Without the forwarded address every socket would be nginx's 127.0.0.1,
    // and the 51st student would have been turned away.
    expect(room.participants.size).toBeGreaterThan(50);
  }, 300_000);

  it("refuses the 51st connection from one address with the limit's error, whatever X-Forwarded-For the client sends", async () => {
    const one = '127.0.0.200';
    for (let i = 0; i < 50; i++) {
      // A spoofed header is to the left of what nginx appends: it changes nothing.
      clients.push(await connect(one, { 'x-forwarded-for': `10.0.${i}.1` }));
    }
    const refused = await connect(one, { 'x-forwarded-for': '10.0.99.1' });
    await waitFor(() => refused.closeCode !== undefined, 30_000, 'the 51st socket closed');
    expect(refused.replies[0]).toMatchObject({ ok: false, error: { code: 'too_many_connections' } });
    expect(refused.closeCode).toBe(1008);
    // Another address is not affected.
    const other = await connect('127.0.0.201');
    clients.push(other);
    const reply = await other.request('leave');
    expect(reply.error?.code).not.toBe('too_many_connections');
    expect(other.closeCode).toBeUndefined();
  }, 120_000);

  it('never logs a client address', () => {
    expect(logLines.length).toBeGreaterThan(100);
    const logs = logLines.join('\n');
    for (const address of ['127.0.0.2"', '127.0.0.121', '127.0.0.200', '10.0.99.1']) expect(logs).not.toContain(address);
  });
});
