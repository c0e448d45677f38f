// Join/leave and rename churn by one link holder (review H2): a rename to the
// same name records nothing, a room that empties and fills again within
// ledger.coalesceSeconds stays one meeting, and join attempts are rate-limited.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.js';
import { startTestServer, tokenFor, waitFor } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';

let server: RunningServer; // production defaults for the ledger (coalesceSeconds 60)
let quick: RunningServer; // coalesceSeconds 1, to see a meeting end
const clients: TestClient[] = [];

const connect = async (s: RunningServer) => {
  const c = await TestClient.connect(s.url);
  clients.push(c);
  return c;
};
const eventLines = (s: RunningServer, meetingId: string) => {
  const file = path.join(s.ledger!.dir, meetingId, 'events.log');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).length : 0;
};
const meetingsOf = (s: RunningServer, roomId: string) => s.ledger!.meetings().filter((m) => m.roomId === roomId);

beforeAll(async () => {
  server = await startTestServer();
  quick = await startTestServer({ ledger: { coalesceSeconds: 1 } });
});

afterAll(async () => {
  for (const c of clients) c.socket.terminate();
  await server?.close();
  await quick?.close();
});

describe('ledger churn', () => {
  it('a rename to the same name is answered and records nothing', async () => {
    const room = await server.rooms.create({ title: 'Renames' });
    const token = await tokenFor(server, room, 'participant');
    const a = await connect(server);
    const b = await connect(server);
    expect(await a.enter(room.id, token, 'Ada', 'client-aaaaaaaaaaaa')).toMatchObject({ ok: true });
    expect(await b.enter(room.id, token, 'Bea', 'client-bbbbbbbbbbbb')).toMatchObject({ ok: true });
    const [meeting] = meetingsOf(server, room.id);
    const before = eventLines(server, meeting!.id);
    const rename = (id: number, displayName: string) => JSON.stringify({ type: 'request', id, method: 'setDisplayName', data: { displayName } });
    // Windows of 25: under the 32 requests a connection may have waiting.
    const replies = [];
    for (let w = 0; w < 2; w++) replies.push(...(await a.burst(Array.from({ length: 25 }, (_, i) => rename(1000 + w * 25 + i, 'Ada')))));
    expect(replies.filter((r) => !(r.ok && r.data.displayName === 'Ada'))).toEqual([]);
    // A real rename is still recorded, and answered only once it is on disk.
    expect(await a.request('setDisplayName', { displayName: 'Ada L.' })).toMatchObject({ ok: true });
    expect(eventLines(server, meeting!.id)).toBe(before + 1);
    expect(server.ledger!.read(meeting!.id).at(-1)).toMatchObject({ type: 'change', displayName: 'Ada L.' });
    expect(b.notifications.filter((n) => n.method === 'peerUpdated')).toHaveLength(1);
  });

  it('join/leave looping in an empty room keeps one meeting (and one directory)', async () => {
    const room = await server.rooms.create({ title: 'Churn' });
    const token = await tokenFor(server, room, 'participant');
    const c = await connect(server);
    const dirsBefore = fs.readdirSync(server.ledger!.dir).length;
    for (let i = 0; i < 30; i++) {
      expect(await c.enter(room.id, token, 'Loop', 'client-loop-000000')).toMatchObject({ ok: true, data: { status: 'joined' } });
      expect(await c.request('leave')).toMatchObject({ ok: true });
    }
    await server.ledger!.idle();
    const meetings = meetingsOf(server, room.id);
    expect(meetings).toHaveLength(1);
    expect(fs.readdirSync(server.ledger!.dir).length).toBe(dirsBefore + 1);
    // Still open: the room may fill again within ledger.coalesceSeconds.
    expect(meetings[0]!.endedAt).toBeUndefined();
    const events = server.ledger!.read(meetings[0]!.id);
    expect(events.filter((e) => e.type === 'join')).toHaveLength(30);
    expect(events.filter((e) => e.type === 'leave')).toHaveLength(30);
  });

  it('a moderator ending the meeting ends the occurrence at once: the next class gets its own', async () => {
    const room = await server.rooms.create({ title: 'Back to back' });
    const mod = await connect(server);
    await mod.enter(room.id, await tokenFor(server, room, 'moderator'), 'Teacher', 'teacher-a-00000000');
    expect(await mod.request('endMeeting')).toMatchObject({ ok: true });
    await server.ledger!.idle();
    expect(meetingsOf(server, room.id)).toEqual([expect.objectContaining({ endedAt: expect.any(String) })]);
    const next = await connect(server);
    expect(await next.enter(room.id, await tokenFor(server, room, 'moderator'), 'Teacher 2', 'teacher-b-00000000')).toMatchObject({ ok: true });
    expect(meetingsOf(server, room.id)).toHaveLength(2);
  });

  it('a meeting ends coalesceSeconds after the room emptied, at the time the last person left', async () => {
    const room = await quick.rooms.create({ title: 'Ends' });
    const token = await tokenFor(quick, room, 'participant');
    const c = await connect(quick);
    await c.enter(room.id, token, 'Only', 'client-only-000000');
    await c.request('leave');
    const leftBy = Date.now();
    const ended = await waitFor(() => meetingsOf(quick, room.id)[0]?.endedAt, 30_000, 'the meeting to end');
    expect(Date.parse(ended)).toBeLessThanOrEqual(leftBy);
    // Someone coming later starts the next occurrence.
    await c.enter(room.id, token, 'Only', 'client-only-000000');
    expect(meetingsOf(quick, room.id)).toHaveLength(2);
  });

  it("refuses join attempts past the per-person limit, and past the link's limit with fresh browser ids", async () => {
    const limited = await startTestServer({ signalling: { joinsPerMinute: 6 } });
    try {
      const room = await limited.rooms.create({ title: 'Limited', maxParticipants: 3 });
      const token = await tokenFor(limited, room, 'participant');
      const c = await TestClient.connect(limited.url);
      clients.push(c);
      // One browser looping: 5 at once, then one per 10 s.
      let refused: { error?: { code: string; message: string } } | undefined;
      let joins = 0;
      for (let i = 0; i < 30 && !refused; i++) {
        const r = await c.enter(room.id, token, 'Loop', 'same-browser-00000');
        if (!r.ok) refused = r;
        else {
          joins++;
          await c.request('leave');
        }
      }
      expect(refused?.error?.code).toBe('rate_limited');
      expect(refused?.error?.message).toMatch(/try again in \d+ s/);
      expect(joins).toBeGreaterThanOrEqual(5);
      expect(joins).toBeLessThan(30);
      // A fresh browser id each time: the link's own bucket (twice the room's size, here 6) still ends it.
      refused = undefined;
      let fresh = 0;
      for (let i = 0; i < 60 && !refused; i++) {
        const r = await c.enter(room.id, token, 'Loop', `browser-${String(i).padStart(10, '0')}`);
        if (!r.ok) refused = r;
        else {
          fresh++;
          await c.request('leave');
        }
      }
      expect(refused?.error?.code).toBe('rate_limited');
      expect(fresh).toBeLessThan(60);
      // The moderator's link has its own bucket: the class can still be run.
      const mod = await TestClient.connect(limited.url);
      clients.push(mod);
      expect(await mod.enter(room.id, await tokenFor(limited, room, 'moderator'), 'Teacher', 'teacher-0000000000')).toMatchObject({ ok: true });
    } finally {
      await limited.close();
    }
  });
});
