// TURN: a real coturn (Debian's turnserver, started here on loopback) with
// time-limited REST credentials; Chromium is told to use only relayed
// candidates and still decodes video. The server sees the relay's address.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.js';
import { joinThroughUi, launchChromium } from '../helpers/browser.js';
import { linkPath, startTestServer, waitFor } from '../helpers/server.js';
import { mediasoupMedia } from '../../server/media/peer-media.js';

const TURNSERVER = '/usr/bin/turnserver';
const SECRET = 'turn-shared-secret-for-tests-42';
const RELAY_MIN = 50500;
const RELAY_MAX = 50600;

let turn: ChildProcess | undefined;
let turnLog = '';
let server: RunningServer;
let browser: Browser;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  if (!fs.existsSync(TURNSERVER)) throw new Error(`coturn is not installed (${TURNSERVER}); .ci/run installs the Debian package coturn`);
  const port = await freePort();
  turn = spawn(
    TURNSERVER,
    [
      '-n',
      '--no-cli',
      '--no-tls',
      '--no-dtls',
      '--fingerprint',
      '--listening-ip=127.0.0.1',
      `--listening-port=${port}`,
      '--relay-ip=127.0.0.1',
      `--min-port=${RELAY_MIN}`,
      `--max-port=${RELAY_MAX}`,
      '--use-auth-secret',
      `--static-auth-secret=${SECRET}`,
      '--realm=aula.test',
      // mediasoup listens on loopback here; coturn refuses loopback peers unless told.
      '--allow-loopback-peers',
      '--log-file=stdout',
      '--simple-log',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  turn.stdout!.on('data', (d) => (turnLog += d));
  turn.stderr!.on('data', (d) => (turnLog += d));
  await waitFor(() => /listener opened on|Total General servers/.test(turnLog), 10_000, 'coturn listening');
  server = await startTestServer({
    turn: { urls: [`turn:127.0.0.1:${port}?transport=udp`], secret: SECRET, ttlSeconds: 600 },
    media: { iceTransportPolicy: 'relay' },
  });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  turn?.kill('SIGTERM');
});

describe('TURN relay', () => {
  it('Chromium with iceTransportPolicy relay decodes video through coturn', async () => {
    const room = await server.rooms.create({ title: 'Behind a firewall' });
    const links = await server.links(room);
    const a = await joinThroughUi(browser, `${server.url}${linkPath(links.moderator)}`, 'Alice');
    const b = await joinThroughUi(browser, `${server.url}${linkPath(links.guest)}`, 'Bob');
    await waitFor(
      () =>
        b.evaluate(async () =>
          ((await (window as any).aula.stats()) as Array<{ kind: string; framesDecoded: number }>).some((s) => s.kind === 'video' && s.framesDecoded > 0),
        ),
      30_000,
      'video decoded through the relay',
    );
    // Every transport's selected path comes from coturn's relay ports, not from the browser directly.
    const tuples = [...room.participants.values()].flatMap((p) => [...mediasoupMedia(p.media).transports.values()].map((t) => t.iceSelectedTuple));
    expect(tuples).toHaveLength(4);
    for (const t of tuples) {
      expect(t?.remotePort).toBeGreaterThanOrEqual(RELAY_MIN);
      expect(t?.remotePort).toBeLessThanOrEqual(RELAY_MAX);
    }
    await a.context().close();
  });
});
