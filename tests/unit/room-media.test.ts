// How rooms use the media port, on its fake (tests/helpers/fake-media.ts):
// a worker death moves a room to a new router, the active speaker is the
// main room's, closing a room closes its routers. Over a real worker:
// tests/integration/worker-recovery.test.ts and tests/e2e/classroom.test.ts.
import { describe, expect, it } from 'vitest';
import type { FakeRouter } from '../helpers/fake-media.js';
import { fakeServer } from '../helpers/fake-server.js';
import { forgetTransports, published } from '../helpers/fake-publish.js';
import { waitFor } from '../helpers/server.js';

describe('rooms on the media port', () => {
  it('moves a room whose worker died to a new router and tells everyone to rebuild their media', async () => {
    const s = await fakeServer();
    const hit = await s.room({ title: 'Hit' });
    const spared = await s.room({ title: 'Spared' });
    const a = await s.joined(hit, 'moderator', 'A');
    const b = await s.joined(hit, 'participant', 'B');
    await published(a, 'mic');
    const old = hit.router;
    const sparedRouter = spared.router;
    s.media.killWorker([old as FakeRouter]);
    await waitFor(() => hit.router !== old, 5000, 'a new router');
    expect(hit.router.closed).toBe(false);
    expect(spared.router).toBe(sparedRouter);
    for (const c of [a, b]) expect(c.last('mediaReset')).toEqual({ routerRtpCapabilities: hit.router.rtpCapabilities });
    expect(hit.producers()).toEqual([]);
    // Media is made on the new router from then on.
    forgetTransports(a);
    expect(await published(a, 'mic')).toEqual(expect.any(String));
    expect(hit.participants.size).toBe(2);
  });

  it('closes a room whose router cannot be replaced, telling those in it', async () => {
    const s = await fakeServer();
    const room = await s.room({ title: 'Lost' });
    const a = await s.joined(room, 'moderator', 'A');
    s.media.failure = new Error('no mediasoup worker available');
    s.media.killWorker();
    await waitFor(() => room.isClosed, 5000, 'the room closed');
    expect(a.last('roomClosed')).toMatchObject({ code: 'server_shutdown' });
    expect(s.rooms.get(room.id)).toBeUndefined();
  });

  it("names the main room's dominant speaker, and observes no breakout group's microphone", async () => {
    const s = await fakeServer();
    const room = await s.room({ title: 'Talk' });
    const mod = await s.joined(room, 'moderator', 'Mod');
    const p = await s.joined(room, 'participant', 'P');
    const main = room.router as FakeRouter;
    const modMic = await published(mod, 'mic');
    await waitFor(() => {
      main.speak(mod.id);
      return p.last('activeSpeaker');
    });
    expect(p.last('activeSpeaker')).toEqual({ peerId: mod.id });
    expect(room.classroom.activeSpeaker).toBe(mod.id);
    await waitFor(() => main.observed.length, 1000, 'the microphone observed');
    await mod.request('startBreakout', { groups: 1, mode: 'random' });
    expect(room.participants.get(p.id)?.group).toBeDefined();
    await published(p, 'mic');
    await new Promise((resolve) => setImmediate(resolve)); // what the produce handler started without awaiting
    // A group's microphone is not on the main room's router: it is not handed to its observer.
    expect(main.observed).toEqual([modMic]);
  });

  it('closes every router of a room that is closed', async () => {
    const s = await fakeServer();
    const room = await s.room({ title: 'Done' });
    const mod = await s.joined(room, 'moderator', 'Mod');
    await s.joined(room, 'participant', 'P');
    await mod.request('startBreakout', { groups: 2, mode: 'random' });
    expect(s.media.open).toHaveLength(3);
    s.rooms.close(room.id);
    expect(s.media.open).toEqual([]);
    expect(mod.last('roomClosed')).toMatchObject({ code: 'room_closed' });
  });
});
