// Breakout groups over the real signalling and real mediasoup routers: who
// may split the class, where people land, moving, visiting, closing a group,
// calling everyone back, late joiners, and one meeting in the ledger.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { startTestServer, waitFor } from '../helpers/server.js';
import { members } from '../helpers/members.js';
import { TestClient } from '../helpers/ws-client.js';

let server: RunningServer;
let room: Room;
const clients: TestClient[] = [];
const member = members(() => ({ server, room }), clients);

const groupOf = (id: string) => room.participants.get(id)?.group;
const moves = (c: TestClient): any[] => c.notifications.filter((n) => n.method === 'movedToGroup').map((n) => n.data);

beforeAll(async () => {
  server = await startTestServer();
  room = await server.rooms.create({ title: 'Groups', maxParticipants: 20 });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await waitFor(() => room.participants.size === 0, 5000, 'room to empty');
});
afterAll(async () => {
  await server.close();
});

describe('breakout groups', () => {
  it('only moderators split, move, message, close and end; anyone may leave a group', async () => {
    const mod = await member('moderator', 'Mod');
    const pres = await member('presenter', 'Pres');
    const guest = await member('participant', 'Guest');
    for (const who of [pres, guest]) {
      for (const [method, params] of [
        ['startBreakout', { groups: 2, mode: 'random' }],
        ['moveToGroup', { peerId: who.id }],
        ['breakoutMessage', { text: 'hi' }],
        ['closeGroup', { group: 'x' }],
        ['endBreakout', {}],
      ] as const) {
        expect(await who.c.request(method, params), method).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      }
    }
    expect(room.breakout).toBeUndefined();
    expect(await guest.c.request('leaveGroup', {})).toMatchObject({ ok: true });
    expect(await mod.c.request('startBreakout', { groups: 0, mode: 'random' })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(await mod.c.request('startBreakout', { groups: 21, mode: 'random' })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
  });

  it('random split: learners spread over routers of their own, moderators stay; call back brings all home', async () => {
    const mod = await member('moderator', 'Mod');
    const learners: Array<{ c: TestClient; id: string }> = [];
    for (const n of ['P1', 'P2', 'P3', 'P4']) learners.push(await member('participant', n));
    const started = await mod.c.request('startBreakout', { groups: 2, mode: 'random', minutes: 10 });
    expect(started).toMatchObject({ ok: true, data: { active: true } });
    expect(started.data.groups).toHaveLength(2);
    expect(Date.parse(started.data.endsAt!)).toBeGreaterThan(Date.now());
    const [g1, g2] = started.data.groups.map((g: { id: string }) => g.id);
    const counts = [g1, g2].map((g) => learners.filter((l) => groupOf(l.id) === g).length);
    expect(counts).toEqual([2, 2]);
    expect(groupOf(mod.id)).toBeUndefined();
    // Each group runs on its own router, not the room's.
    const routers = new Set(learners.map((l) => room.routerOf(groupOf(l.id)).id));
    expect(routers.size).toBe(2);
    expect(routers.has(room.router.id)).toBe(false);
    for (const l of learners) {
      const moved = await waitFor(() => moves(l.c)[0]);
      expect(moved.group).toBe(groupOf(l.id));
      expect(moved.routerRtpCapabilities.codecs.length).toBeGreaterThan(0);
      // Transports are made on the group's router.
      expect(await l.c.request('createTransport', { direction: 'recv' })).toMatchObject({ ok: true });
    }
    // Everyone knows who is where (peerUpdated carries the group).
    const updated = await waitFor(() => mod.c.notifications.filter((n) => n.method === 'peerUpdated' && n.data.peer.group).length === 4);
    expect(updated).toBe(true);
    // A group's chat stays in the group.
    const [a, b] = learners.filter((l) => groupOf(l.id) === g1);
    const other = learners.find((l) => groupOf(l.id) === g2)!;
    await a!.c.request('sendChat', { text: 'group secret' });
    await waitFor(() => b!.c.notifications.some((n) => n.method === 'chatMessage' && n.data.text === 'group secret'));
    expect(other.c.notifications.some((n) => n.method === 'chatMessage' && n.data.text === 'group secret')).toBe(false);
    expect(room.classroom.chat.some((m) => m.text === 'group secret')).toBe(false);
    // The moderator's message reaches every group.
    await mod.c.request('breakoutMessage', { text: 'Five minutes left' });
    for (const l of learners) expect(await l.c.notification('breakoutMessage')).toEqual({ text: 'Five minutes left', from: 'Mod' });

    const groupRouters = [...room.breakout!.groups.values()].map((g) => g.router);
    expect(await mod.c.request('endBreakout', {})).toMatchObject({ ok: true });
    for (const l of learners) {
      expect(groupOf(l.id)).toBeUndefined();
      const home = await waitFor(() => moves(l.c).length === 2 && moves(l.c)[1]);
      expect(home).toMatchObject({ producers: [] });
      expect(home.group).toBeUndefined();
    }
    expect(room.breakout).toBeUndefined();
    for (const r of groupRouters) expect(r.closed).toBe(true);
    // Still one room of five: nobody left the meeting.
    expect(room.participants.size).toBe(5);
  });

  it('by hand, visiting, leaving early, closing one group, late joiners', async () => {
    const mod = await member('moderator', 'Mod');
    const p1 = await member('participant', 'P1');
    const p2 = await member('participant', 'P2');
    const started = await mod.c.request('startBreakout', {
      groups: 2,
      mode: 'manual',
      assign: [
        { peerId: p1.id, group: 0 },
        { peerId: p2.id, group: 1 },
      ],
    });
    const [g1, g2] = started.data.groups.map((g) => g.id) as [string, string];
    expect([groupOf(p1.id), groupOf(p2.id)]).toEqual([g1, g2]);
    expect(await mod.c.request('startBreakout', { groups: 2, mode: 'random' })).toMatchObject({ ok: false, error: { code: 'busy' } });
    expect(await mod.c.request('startBreakout', { groups: 2, mode: 'manual', assign: [{ peerId: 'nobody', group: 0 }] })).toMatchObject({ ok: false });

    // The moderator visits group 1, then comes back.
    await mod.c.request('moveToGroup', { peerId: mod.id, group: g1 });
    expect(groupOf(mod.id)).toBe(g1);
    expect(await mod.c.request('moveToGroup', { peerId: mod.id, group: 'nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    await mod.c.request('moveToGroup', { peerId: mod.id });
    expect(groupOf(mod.id)).toBeUndefined();

    // A late joiner lands in the main room, sees the breakout, and can be assigned.
    const late = await member('participant', 'Late');
    const joined = late.c.replies.find((r) => r.data?.status === 'joined')!.data;
    expect(joined.breakout).toMatchObject({ active: true });
    expect(groupOf(late.id)).toBeUndefined();
    expect(joined.peers.find((p: { id: string }) => p.id === p1.id).group).toBe(g1);
    await mod.c.request('moveToGroup', { peerId: late.id, group: g2 });
    expect(groupOf(late.id)).toBe(g2);

    // P2 leaves group 2 early.
    await p2.c.request('leaveGroup', {});
    expect(groupOf(p2.id)).toBeUndefined();

    // Closing group 2 sends its members home and closes its router.
    const router2 = room.breakout!.groups.get(g2)!.router;
    await mod.c.request('closeGroup', { group: g2 });
    expect(groupOf(late.id)).toBeUndefined();
    expect(router2.closed).toBe(true);
    expect(await p1.c.nextNotification('breakoutChanged')).toBeDefined();
    expect(room.breakout!.groups.size).toBe(1);
    // Closing the last group ends the breakout.
    await mod.c.request('closeGroup', { group: g1 });
    expect(room.breakout).toBeUndefined();
    expect(groupOf(p1.id)).toBeUndefined();
  });

  it('the attendance ledger keeps one meeting with one join per person across groups', async () => {
    // The earlier tests' meeting of this room goes on (it refilled within ledger.coalesceSeconds): count from here.
    await server.ledger!.idle();
    const before = new Map(server.ledger!.meetings().map((m) => [m.id, server.ledger!.read(m.id).length]));
    const mod = await member('moderator', 'Mod');
    const p1 = await member('participant', 'P1');
    const started = await mod.c.request('startBreakout', { groups: 1, mode: 'random' });
    expect(groupOf(p1.id)).toBe(started.data.groups[0]!.id);
    await mod.c.request('endBreakout', {});
    await server.ledger!.idle();
    const meetings = server.ledger!.meetings().filter((m) => m.roomId === room.id && !m.endedAt);
    expect(meetings).toHaveLength(1);
    const events = server.ledger!.read(meetings[0]!.id).slice(before.get(meetings[0]!.id) ?? 0);
    expect(events.filter((e) => e.type === 'join')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'leave')).toHaveLength(0);
  });

  it('the timer calls everyone back; the last one out closes the group routers', async () => {
    const mod = await member('moderator', 'Mod');
    const p1 = await member('participant', 'P1');
    await mod.c.request('startBreakout', { groups: 1, mode: 'random', minutes: 1 });
    const breakout = room.breakout!;
    expect(groupOf(p1.id)).toBeDefined();
    // Fire the timer now rather than waiting a minute.
    const timer = (breakout as unknown as { timer: NodeJS.Timeout }).timer;
    (timer as unknown as { _onTimeout: () => void })._onTimeout();
    expect(room.breakout).toBeUndefined();
    expect(groupOf(p1.id)).toBeUndefined();
    expect(await p1.c.notification('breakoutChanged')).toBeDefined();

    await mod.c.request('startBreakout', { groups: 1, mode: 'random' });
    const router = [...room.breakout!.groups.values()][0]!.router;
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await waitFor(() => router.closed, 5000, 'group router closed');
    expect(room.breakout).toBeUndefined();
  });
});
