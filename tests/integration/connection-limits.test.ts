// Slots on the signalling endpoint of the real server: a socket must say
// hello in time, and sockets outside rooms have a server-wide cap, so idle
// connections without a link cannot lock everyone out.
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.js';
import { startTestServer, tokenFor, waitFor } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';

const servers: RunningServer[] = [];
const clients: TestClient[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(servers.map((s) => s.close()));
});

async function start(signalling: Record<string, number>): Promise<RunningServer> {
  const s = await startTestServer({ signalling });
  servers.push(s);
  return s;
}
async function connect(s: RunningServer): Promise<TestClient> {
  const c = await TestClient.connect(s.url);
  c.replyTimeoutMs = 30_000; // patient on a busy machine
  clients.push(c);
  return c;
}

describe('signalling slots', () => {
  it('closes a socket that has not said hello within signalling.helloTimeoutSeconds', async () => {
    const s = await start({ helloTimeoutSeconds: 1 });
    const room = await s.rooms.create({ title: 'Deadline' });
    const greeted = await connect(s);
    expect(await greeted.request('hello', { roomId: room.id, token: await tokenFor(s, room, 'participant') })).toMatchObject({ ok: true });
    // A hello with a wrong link does not count as having said hello.
    const wrongLink = await connect(s);
    expect(await wrongLink.request('hello', { roomId: room.id, token: 'not-a-token' })).toMatchObject({ ok: false });
    const idle = await connect(s);
    await waitFor(() => idle.closeCode !== undefined && wrongLink.closeCode !== undefined, 30_000, 'idle sockets closed');
    expect(idle.closeCode).toBe(1008);
    expect(wrongLink.closeCode).toBe(1008);
    // The one that said hello first, before the others' deadlines, is still there.
    expect(greeted.closeCode).toBeUndefined();
    expect(await greeted.request('join', { displayName: 'On time', rtpCapabilities: greeted.replies[0]!.data.routerRtpCapabilities })).toMatchObject({
      ok: true,
    });
  });

  it('caps sockets outside rooms server-wide (signalling.unjoinedConnections); joined ones do not count', async () => {
    const s = await start({ unjoinedConnections: 3, helloTimeoutSeconds: 300 });
    const room = await s.rooms.create({ title: 'Cap' });
    const idle = [await connect(s), await connect(s), await connect(s)];
    const fourth = await connect(s);
    await waitFor(() => fourth.closeCode !== undefined, 30_000, 'the fourth socket refused');
    expect(fourth.closeCode).toBe(1013);
    expect(fourth.replies[0]).toMatchObject({ ok: false, error: { code: 'server_busy' } });
    // One of them joins a room: a slot outside rooms is free again.
    expect(await idle[0]!.enter(room.id, await tokenFor(s, room, 'participant'), 'In')).toMatchObject({ ok: true });
    const next = await connect(s);
    expect(await next.request('hello', { roomId: room.id, token: await tokenFor(s, room, 'participant') })).toMatchObject({ ok: true });
    expect(next.closeCode).toBeUndefined();
    expect(idle.every((c) => c.closeCode === undefined)).toBe(true);
  });
});
