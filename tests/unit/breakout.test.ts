// Breakout groups' rules on the fake media port (tests/helpers/fake-media.ts):
// each group is a router of its own, media stays within a group, closing and
// ending bring people back and close the routers. Over a real worker:
// tests/integration/breakout.test.ts.
import { describe, expect, it } from 'vitest';
import type { FakePeerMedia, FakeRouter } from '../helpers/fake-media.js';
import { fakeServer } from '../helpers/fake-server.js';
import { forgetTransports, published } from '../helpers/fake-publish.js';
import { waitFor } from '../helpers/server.js';

async function split(learners = 4, groups = 2) {
  const s = await fakeServer();
  const room = await s.room({ title: 'Split', maxParticipants: 30 });
  const mod = await s.joined(room, 'moderator', 'Mod');
  const people = [];
  for (let i = 1; i <= learners; i++) people.push(await s.joined(room, 'participant', `P${i}`));
  const started = await mod.request('startBreakout', { groups, mode: 'random' });
  expect(started).toMatchObject({ ok: true, data: { active: true } });
  const groupOf = (id: string) => room.participants.get(id)?.group;
  const routerOf = (id: string) => (room.participants.get(id)!.media as FakePeerMedia).router;
  return { s, room, mod, people, started: started.data, groupOf, routerOf };
}

describe('breakout groups', () => {
  it('puts every learner into a group of its own router and keeps the moderator in the main room', async () => {
    const { s, room, mod, people, started, groupOf, routerOf } = await split(4, 2);
    expect(started.groups.map((g) => g.name)).toEqual(['1', '2']);
    expect(groupOf(mod.id)).toBeUndefined();
    expect(routerOf(mod.id)).toBe(room.router);
    const sizes = new Map<string, number>();
    for (const p of people) {
      const g = groupOf(p.id)!;
      sizes.set(g, (sizes.get(g) ?? 0) + 1);
      expect(routerOf(p.id)).toBe(room.breakout!.groups.get(g)!.router);
      expect(p.last('movedToGroup')).toMatchObject({ group: g, routerRtpCapabilities: expect.any(Object), producers: [] });
    }
    expect([...sizes.values()]).toEqual([2, 2]);
    // The room's router and one per group.
    expect(s.media.open).toHaveLength(3);
  });

  it('keeps media within a group: others in the group see a producer, other groups cannot consume it', async () => {
    const { room, mod, people, groupOf } = await split(4, 2);
    const [a, ...rest] = people;
    const mate = rest.find((p) => groupOf(p.id) === groupOf(a!.id))!;
    const stranger = rest.find((p) => groupOf(p.id) !== groupOf(a!.id))!;
    forgetTransports(a!);
    const mic = await published(a!, 'mic');
    expect(mate.last('producerAdded')).toMatchObject({ producerId: mic, peerId: a!.id });
    expect(stranger.all('producerAdded')).toEqual([]);
    expect(mod.all('producerAdded')).toEqual([]);
    await stranger.request('createTransport', { direction: 'recv' });
    expect(await stranger.request('consume', { producerId: mic })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    await mate.request('createTransport', { direction: 'recv' });
    expect(await mate.request('consume', { producerId: mic })).toMatchObject({ ok: true, data: { producerId: mic } });
    expect(room.findProducer(mic)?.appData.peerId).toBe(a!.id);
  });

  it('moves a participant by hand; their old media closes and the room sees where they are', async () => {
    const { room, mod, people, groupOf } = await split(2, 2);
    const [p] = people;
    forgetTransports(p!);
    const mic = await published(p!, 'mic');
    const other = [...room.breakout!.groups.keys()].find((g) => g !== groupOf(p!.id))!;
    expect(await mod.request('moveToGroup', { peerId: p!.id, group: other })).toMatchObject({ ok: true });
    expect(groupOf(p!.id)).toBe(other);
    expect(room.findProducer(mic)).toBeUndefined();
    expect(mod.last('peerUpdated')?.peer).toMatchObject({ id: p!.id, group: other });
    // Anyone may go back to the main room.
    expect(await p!.request('leaveGroup')).toMatchObject({ ok: true });
    expect(groupOf(p!.id)).toBeUndefined();
    expect(p!.last('movedToGroup')).not.toHaveProperty('group');
  });

  it('closes one group: its members return to the main room and its router closes', async () => {
    const { room, mod, people, groupOf } = await split(4, 2);
    const [g1, g2] = [...room.breakout!.groups.values()];
    const router1 = g1!.router as FakeRouter;
    expect(await mod.request('closeGroup', { group: g1!.id })).toMatchObject({ ok: true });
    expect(router1.closed).toBe(true);
    for (const p of people) expect([undefined, g2!.id]).toContain(groupOf(p.id));
    expect(mod.last('breakoutChanged')).toMatchObject({ active: true, groups: [{ id: g2!.id }] });
  });

  it('ends: everyone back, every group router closed, everyone told', async () => {
    const { s, room, mod, people, groupOf } = await split(4, 3);
    expect(await mod.request('endBreakout')).toMatchObject({ ok: true });
    expect(people.every((p) => groupOf(p.id) === undefined)).toBe(true);
    expect(room.breakout).toBeUndefined();
    expect(s.media.open).toEqual([room.router]);
    for (const c of [mod, ...people]) expect(c.last('breakoutChanged')).toEqual({ active: false, groups: [] });
  });

  it('refuses a second start, and is for moderators only', async () => {
    const { mod, people } = await split(2, 2);
    expect(await mod.request('startBreakout', { groups: 2, mode: 'random' })).toMatchObject({ ok: false, error: { code: 'busy' } });
    expect(await people[0]!.request('endBreakout')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('assigns by hand and checks the whole plan before making any router', async () => {
    const s = await fakeServer();
    const room = await s.room({ title: 'Plan' });
    const mod = await s.joined(room, 'moderator', 'Mod');
    const p = await s.joined(room, 'participant', 'P');
    const bad = await mod.request('startBreakout', { groups: 2, mode: 'manual', assign: [{ peerId: p.id, group: 5 }] });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(s.media.routers).toHaveLength(1);
    expect(await mod.request('startBreakout', { groups: 2, mode: 'manual', assign: [{ peerId: p.id, group: 1 }] })).toMatchObject({ ok: true });
    expect(room.participants.get(p.id)?.group).toBe([...room.breakout!.groups.keys()][1]);
  });

  it('closes the routers it made when the media cannot make all of them', async () => {
    const s = await fakeServer();
    const room = await s.room({ title: 'No capacity' });
    const mod = await s.joined(room, 'moderator', 'Mod');
    const create = s.media.createRouter.bind(s.media);
    let made = 0;
    s.media.createRouter = async () => {
      if (++made === 2) throw new Error('no mediasoup worker available');
      return create();
    };
    expect(await mod.request('startBreakout', { groups: 3, mode: 'random' })).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(s.media.open).toEqual([room.router]);
    expect(room.breakout).toBeUndefined();
  });

  it('ends with the meeting when the last person leaves', async () => {
    const { s, room, mod, people } = await split(2, 2);
    for (const c of [mod, ...people]) c.disconnect();
    expect(room.breakout).toBeUndefined();
    expect(s.media.open).toEqual([room.router]);
  });

  it("after a worker death only those on a router that died rebuild: the main room's, then one group's", async () => {
    const { s, room, mod, people, groupOf, routerOf } = await split(4, 2);
    const [g1, g2] = [...room.breakout!.groups.values()];
    const inG1 = people.filter((p) => groupOf(p.id) === g1!.id);
    const inG2 = people.filter((p) => groupOf(p.id) === g2!.id);
    const mic = await published(inG1[0]!, 'mic');

    // The main room's worker dies: the moderator moves; the groups, on routers of their own, go on.
    const main = room.router;
    s.media.killWorker([main as FakeRouter]);
    await waitFor(() => room.router !== main, 5000, 'a new main router');
    expect(mod.last('mediaReset')).toEqual({ routerRtpCapabilities: room.router.rtpCapabilities });
    expect(routerOf(mod.id)).toBe(room.router);
    for (const p of people) expect(p.last('mediaReset')).toBeUndefined();
    for (const p of inG1) expect([groupOf(p.id), routerOf(p.id)]).toEqual([g1!.id, g1!.router]);
    expect((room.participants.get(inG1[0]!.id)!.media as FakePeerMedia).producers.has(mic)).toBe(true);

    // Group 1's worker dies: its members move to a new router of group 1; nobody else is disturbed.
    const g1Router = g1!.router;
    const mainNow = room.router;
    s.media.killWorker([g1Router as FakeRouter]);
    await waitFor(() => g1!.router !== g1Router, 5000, 'a new router for group 1');
    expect(g1!.router.closed).toBe(false);
    for (const p of inG1) {
      expect(p.last('mediaReset')).toEqual({ routerRtpCapabilities: g1!.router.rtpCapabilities });
      expect([groupOf(p.id), routerOf(p.id)]).toEqual([g1!.id, g1!.router]);
    }
    for (const p of inG2) expect([p.last('mediaReset'), routerOf(p.id)]).toEqual([undefined, g2!.router]);
    expect(room.router).toBe(mainNow);
    expect(mod.last('mediaReset')).toEqual({ routerRtpCapabilities: mainNow.rtpCapabilities }); // the first one only
    // Media is made on the group's new router from then on.
    forgetTransports(inG1[0]!);
    expect(await published(inG1[0]!, 'mic')).toEqual(expect.any(String));
    expect((room.participants.get(inG1[0]!.id)!.media as FakePeerMedia).router).toBe(g1!.router);
  });
});
