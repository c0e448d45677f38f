// A participant's media while it leaves: the stateful fuzzer (long seeds) found
// WebRTC transports left on the room's router by a leave that came while a new
// send transport's bitrate cap was being set. These drive the same moments
// deterministically on a real worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PeerMedia } from '../../server/media/peer-media.js';
import { mediasoupRouter } from '../../server/media/sfu-router.js';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { startTestServer } from '../helpers/server.js';

let server: RunningServer;
let room: Room;
const listen = { listenIp: '127.0.0.1', maxIncomingBitrate: 1_000_000, rtcMinPort: 40000, rtcMaxPort: 49999 };

beforeAll(async () => {
  server = await startTestServer();
  room = await server.rooms.create({ title: 'Races' });
});
afterAll(async () => {
  await server?.close();
});

const router = () => mediasoupRouter(room.router);
const transportsOnRouter = async () => (await router().dump()).transportIds.length;
// Below the media port on purpose: the moments between mediasoup's steps.
const peerMedia = () => new PeerMedia(router(), listen, server.placement);

describe('PeerMedia while its participant leaves', () => {
  it('closes a send transport whose participant left while its bitrate cap was being set', async () => {
    const before = await transportsOnRouter();
    const media = peerMedia();
    // The moment between "mediasoup made the transport" and "aula holds it".
    router().observer.once('newtransport', (t) => {
      const setCap = t.setMaxIncomingBitrate.bind(t);
      t.setMaxIncomingBitrate = async (bitrate: number) => {
        media.close();
        return setCap(bitrate);
      };
    });
    await expect(media.createTransport('send')).rejects.toMatchObject({ code: 'not_found' });
    expect(await transportsOnRouter()).toBe(before);
  });

  it('closes a transport whose participant left while mediasoup was making it', async () => {
    const before = await transportsOnRouter();
    const media = peerMedia();
    const made = media.createTransport('recv');
    media.close();
    await expect(made).rejects.toMatchObject({ code: 'not_found' });
    expect(await transportsOnRouter()).toBe(before);
  });

  it('gives two concurrent requests for the same direction one transport, not two', async () => {
    const before = await transportsOnRouter();
    const media = peerMedia();
    const results = await Promise.allSettled([media.createTransport('send'), media.createTransport('send')]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(media.transports.size).toBe(1);
    expect(await transportsOnRouter()).toBe(before + 1);
    media.close();
    expect(await transportsOnRouter()).toBe(before);
  });
});
