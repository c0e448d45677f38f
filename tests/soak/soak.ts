// The soak: simulated participants speaking aula's real signalling protocol
// join, create transports, produce audio and video, consume each other, chat,
// raise hands, lose their connection and resume, and leave, in cycles, for a
// bounded time. The transports never complete ICE (no browser), so this
// exercises every object's lifecycle rather than packet flow; the browser
// tests and the bench cover media. Talks to 127.0.0.1 only.
import type { RunningServer } from '../../server/server.js';
import { tokenFor } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';
import type { Method } from '../../shared/protocol.js';

export interface SoakOptions {
  participants: number;
  seconds: number;
  rooms: number;
}

export interface SoakResult {
  cycles: number;
  requests: number;
  errors: Record<string, number>;
}

const fingerprints = [{ algorithm: 'sha-256', value: 'AB:CD' }];
const AUDIO = { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 0 }] };
const VIDEO = { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: 0 }] };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function soak(server: RunningServer, o: SoakOptions): Promise<SoakResult> {
  const rooms = await Promise.all(Array.from({ length: o.rooms }, (_, i) => server.rooms.create({ title: `Soak ${i}` })));
  const result: SoakResult = { cycles: 0, requests: 0, errors: {} };
  const end = Date.now() + o.seconds * 1000;
  let ssrc = 1000;

  async function ask(c: TestClient, method: Method, data: unknown = {}) {
    result.requests++;
    const r = await c.unchecked(method, data);
    if (!r.ok) result.errors[r.error!.code] = (result.errors[r.error!.code] ?? 0) + 1;
    return r;
  }

  async function cycle(n: number): Promise<void> {
    const room = rooms[n % rooms.length]!;
    let c = await TestClient.connect(server.url);
    const joined = await c.enter(room.id, await tokenFor(server, room, n % 5 === 0 ? 'moderator' : 'participant'), `Soak ${n}`);
    if (!joined.ok) throw new Error(`join failed: ${JSON.stringify(joined.error)}`);
    const send = await ask(c, 'createTransport', { direction: 'send' });
    const recv = await ask(c, 'createTransport', { direction: 'recv' });
    await ask(c, 'connectTransport', { transportId: send.data.id, dtlsParameters: { role: 'client', fingerprints } });
    await ask(c, 'connectTransport', { transportId: recv.data.id, dtlsParameters: { role: 'client', fingerprints } });
    for (const [kind, source, rtp] of [
      ['audio', 'mic', AUDIO],
      ['video', 'camera', VIDEO],
    ] as const) {
      const rtpParameters = { ...rtp, encodings: [{ ssrc: ssrc++ }] };
      await ask(c, 'produce', { transportId: send.data.id, kind, source, rtpParameters });
    }
    for (const p of room.producers().slice(0, 10)) await ask(c, 'consume', { producerId: p.producerId });
    await ask(c, 'sendChat', { text: `soak message ${n}` });
    await ask(c, 'raiseHand');
    await sleep(200 + Math.random() * 1500);
    // Every third cycle loses its connection and resumes on a new one.
    if (n % 3 === 0) {
      c.socket.terminate();
      await sleep(100);
      const again = await TestClient.connect(server.url);
      const resumed = await ask(again, 'resume', { roomId: room.id, token: joined.data.resume.token });
      if (resumed.ok) c = again;
      else await again.close();
    }
    await ask(c, 'lowerHand', {});
    // Most leave properly; some just vanish and are cleaned up after the grace period.
    if (n % 7 === 0) c.socket.terminate();
    else {
      await ask(c, 'leave');
      await c.close();
    }
  }

  let n = 0;
  await Promise.all(
    Array.from({ length: o.participants }, async () => {
      while (Date.now() < end) {
        await cycle(n++);
        result.cycles++;
      }
    }),
  );
  for (const room of rooms) server.rooms.close(room.id);
  return result;
}
