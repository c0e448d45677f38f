// What operations rely on: /metrics without personal data and behind access
// control, /healthz and /readyz.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { startTestServer, tokenFor } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';

let server: RunningServer;
let guarded: RunningServer;
let room: Room;
const clients: TestClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
  guarded = await startTestServer({ metrics: { token: 'metrics-token-0123456789' } });
  room = await server.rooms.create({ title: 'Secret Title Canary-66' });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
  await guarded.close();
});

describe('/metrics', () => {
  it('counts rooms, participants, media and errors, with no personal data in any label', async () => {
    const c = await TestClient.connect(server.url);
    clients.push(c);
    await c.enter(room.id, await tokenFor(server, room, 'participant'), 'Name Canary-77');
    await c.request('createTransport', { direction: 'recv' });
    await c.raw('{broken');
    await c.request('sendChat', { text: '' });
    const res = await fetch(server.metricsUrl!);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/^aula_rooms\{state="all"\} 1$/m);
    expect(text).toMatch(/^aula_rooms\{state="active"\} 1$/m);
    expect(text).toMatch(/^aula_participants\{state="joined"\} 1$/m);
    expect(text).toMatch(/^aula_signalling_errors_total\{code="bad_json"\} 1$/m);
    expect(text).toMatch(/^aula_signalling_errors_total\{code="invalid_params"\} 1$/m);
    expect(text).toMatch(/^aula_workers 1$/m);
    expect(text).toMatch(/^aula_worker_cpu_seconds\{worker="0"\} [\d.e-]+$/m);
    expect(text).toMatch(/^aula_bitrate_bps\{direction="in"\} \d+$/m);
    for (const secret of ['Canary-66', 'Canary-77', room.id, '127.0.0.1']) expect(text).not.toContain(secret);
  });

  it('is not on the main port (a reverse proxy there cannot expose it), and asks for the token when one is configured', async () => {
    for (const p of ['/metrics', '/Metrics', '/METRICS']) expect((await fetch(`${server.url}${p}`)).status).toBe(404);
    expect(new URL(server.metricsUrl!).port).not.toBe(String(server.port));
    expect((await fetch(guarded.metricsUrl!)).status).toBe(401);
    expect((await fetch(guarded.metricsUrl!, { headers: { authorization: 'Bearer wrong-token-000000000' } })).status).toBe(401);
    const ok = await fetch(guarded.metricsUrl!, { headers: { authorization: 'Bearer metrics-token-0123456789' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('aula_workers');
  });
});

describe('health', () => {
  it('/healthz and /readyz answer 200 while workers run and the data directory is writable', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: 'ready' });
  });
});

describe('single-port WebRtcServer', () => {
  it('puts every transport of a worker on one UDP and one TCP port', async () => {
    // Outside the media port range of the other test servers.
    const port = 39000 + Math.floor(Math.random() * 900);
    const single = await startTestServer({ media: { webRtcServerPort: port } });
    try {
      const r = await single.rooms.create({ title: 'One port' });
      const c = await TestClient.connect(single.url);
      clients.push(c);
      await c.enter(r.id, await tokenFor(single, r, 'participant'), 'P');
      const send = await c.request('createTransport', { direction: 'send' });
      const recv = await c.request('createTransport', { direction: 'recv' });
      const candidates = [...send.data.iceCandidates, ...recv.data.iceCandidates] as Array<{ protocol: string; port: number }>;
      expect(new Set(candidates.map((x) => x.protocol))).toEqual(new Set(['udp', 'tcp']));
      expect(new Set(candidates.map((x) => x.port))).toEqual(new Set([port]));
    } finally {
      await single.close();
    }
  });
});
