// kill -9 of a mediasoup worker, seen through the protocol: the pool starts a
// replacement, the room gets a new router, its participants are told to
// rebuild (mediaReset) and can, and a room on the other worker is untouched.
// tests/e2e/reliability.test.ts shows browsers doing the rebuild.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouterAppData } from '../../server/media/worker-pool.js';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { startTestServer, tokenFor, waitFor } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';
import { mediasoupRouter } from '../../server/media/sfu-router.js';

let server: RunningServer;
const clients: TestClient[] = [];
const fingerprints = [{ algorithm: 'sha-256', value: 'AB' }];
const workerPid = (room: Room) => (mediasoupRouter(room.router).appData as RouterAppData).workerPid;

async function withMedia(room: Room, name: string, ssrc: number) {
  const c = await TestClient.connect(server.url);
  clients.push(c);
  await c.enter(room.id, await tokenFor(server, room, 'participant'), name);
  const send = await c.request('createTransport', { direction: 'send' });
  await c.request('connectTransport', { transportId: send.data.id, dtlsParameters: { role: 'client', fingerprints } });
  await c.request('createTransport', { direction: 'recv' });
  const produced = await c.request('produce', {
    transportId: send.data.id,
    kind: 'audio',
    source: 'mic',
    rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc }] },
  });
  expect(produced.ok).toBe(true);
  return c;
}

beforeAll(async () => {
  server = await startTestServer({ media: { workers: 2 } });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
});

describe('a mediasoup worker dies', () => {
  it('is replaced; its rooms continue on new routers and their participants rebuild; other rooms are untouched', async () => {
    const hit = await server.rooms.create({ title: 'Hit' });
    const spared = await server.rooms.create({ title: 'Spared' });
    expect(workerPid(hit)).not.toBe(workerPid(spared));
    const [a, b] = [await withMedia(hit, 'A', 111), await withMedia(hit, 'B', 222)];
    const c = await withMedia(spared, 'C', 333);
    const sparedRouter = spared.router;
    const sparedTransports = (await mediasoupRouter(spared.router).dump()).transportIds.sort();
    const idsBefore = [...hit.participants.keys()];

    process.kill(workerPid(hit), 'SIGKILL');
    const [resetA, resetB] = await Promise.all([a.notification('mediaReset', 10_000), b.notification('mediaReset', 10_000)]);
    expect((resetA.routerRtpCapabilities.codecs as Array<{ mimeType: string }>).map((x) => x.mimeType)).toContain('video/VP8');
    expect(resetB).toEqual(resetA);
    await waitFor(() => server.pool.replacements === 1 && server.pool.workers.every((w) => !w.closed), 10_000, 'replacement worker');
    expect(hit.router.closed).toBe(false);

    // Same participants (no re-join), no media left on the dead router, and they can publish again.
    expect([...hit.participants.keys()]).toEqual(idsBefore);
    for (const p of hit.participants.values()) expect(p.media.transports.size + p.media.producers.size).toBe(0);
    const send = await a.request('createTransport', { direction: 'send' });
    expect(send.ok).toBe(true);
    await a.request('connectTransport', { transportId: send.data.id, dtlsParameters: { role: 'client', fingerprints } });
    const again = await a.request('produce', {
      transportId: send.data.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 444 }] },
    });
    expect(again.ok).toBe(true);
    await waitFor(() => b.notifications.some((n) => n.method === 'producerAdded' && n.data.producerId === again.data.producerId), 5000, 'producerAdded');
    expect(await b.request('createTransport', { direction: 'recv' })).toMatchObject({ ok: true });
    expect(await b.request('consume', { producerId: again.data.producerId })).toMatchObject({ ok: true });

    // The other room: same router, same transports, no reset.
    expect(spared.router).toBe(sparedRouter);
    expect((await mediasoupRouter(spared.router).dump()).transportIds.sort()).toEqual(sparedTransports);
    expect(c.notifications.map((n) => n.method)).not.toContain('mediaReset');
    // Metrics and health tell the operator.
    const metrics = await (await fetch(server.metricsUrl!)).text();
    expect(metrics).toMatch(/^aula_worker_replacements 1$/m);
    expect(metrics).toMatch(/^aula_workers 2$/m);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
