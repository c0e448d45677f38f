// Configurable limits: message rate (typed error, then disconnect), connections
// per address, rooms per server, incoming bitrate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningServer } from '../../server/server.js';
import { startTestServer, tokenFor, waitFor } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';
import { mediasoupMedia } from '../../server/media/peer-media.js';

let server: RunningServer;
const clients: TestClient[] = [];

beforeAll(async () => {
  server = await startTestServer({
    signalling: { messagesPerSecond: 5, messageBurst: 5, abuseLimit: 10, connectionsPerAddress: 3 },
    rooms: { max: 2 },
    media: { maxIncomingBitrate: 1_500_000 },
  });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
});

const frame = (id: number) => JSON.stringify({ type: 'request', id, method: 'nope', data: {} });

describe('limits', () => {
  it('answers requests beyond the rate with rate_limited, and closes a connection that keeps on', async () => {
    const c = await TestClient.connect(server.url);
    clients.push(c);
    const replies = await c.burst(Array.from({ length: 8 }, (_, i) => frame(i + 1)));
    expect(replies.filter((r) => r.error?.code === 'unknown_method')).toHaveLength(5);
    expect(replies.filter((r) => r.error?.code === 'rate_limited')).toHaveLength(3);
    const closed = new Promise<number>((resolve) => c.socket.once('close', (code) => resolve(code)));
    for (let i = 0; i < 20; i++) c.socket.send(frame(100 + i));
    expect(await closed).toBe(1008);
  });

  it('refuses more connections from one address than allowed', async () => {
    const open = [await TestClient.connect(server.url), await TestClient.connect(server.url), await TestClient.connect(server.url)];
    clients.push(...open);
    const fourth = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
    const code = await new Promise<number>((resolve) => fourth.once('close', (c) => resolve(c)));
    expect(code).toBe(1008);
    await open[0]!.close();
    // A freed slot can be used again.
    await waitFor(
      async () => {
        const again = await TestClient.connect(server.url);
        const ok = await again.request('leave').then(
          () => true,
          () => false,
        );
        clients.push(again);
        return ok;
      },
      5000,
      'a free slot',
    );
  });

  it('keeps at most rooms.max rooms, with a clear error on the admin API', async () => {
    await server.rooms.create({ title: 'One' });
    await server.rooms.create({ title: 'Two' });
    const res = await fetch(`${server.adminUrl}/api/admin/rooms`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Three' }),
    });
    expect(res.status).toBe(409);
    expect((await res.json()).error).toMatchObject({ code: 'too_many_rooms' });
  });

  it('caps what a participant may send in', async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    const [room] = server.rooms.list();
    const c = await TestClient.connect(server.url);
    clients.push(c);
    await c.enter(room!.id, await tokenFor(server, room!, 'participant'), 'Sender');
    const t = await c.request('createTransport', { direction: 'send' });
    const transport = mediasoupMedia([...room!.participants.values()][0]!.media).transports.get(t.data.id)!;
    const [stats] = await transport.getStats();
    expect(stats?.maxIncomingBitrate).toBe(1_500_000);
  });
});
