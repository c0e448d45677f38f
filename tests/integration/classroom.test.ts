// Chat, raised hands and moderation over the real signalling.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/protocol.js';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { startTestServer, tokenFor, waitFor } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';

let server: RunningServer;
let room: Room;
const clients: TestClient[] = [];

async function member(role: Role, name: string): Promise<{ c: TestClient; id: string; joined: any }> {
  const c = await TestClient.connect(server.url);
  clients.push(c);
  const reply = await c.enter(room.id, await tokenFor(server, room, role), name);
  expect(reply).toMatchObject({ ok: true, data: { status: 'joined' } });
  return { c, id: reply.data.self.id, joined: reply.data };
}

const rtpParameters = {
  codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] }],
  encodings: [{ ssrc: 22222222 }],
  headerExtensions: [],
  rtcp: { cname: 'x' },
};

async function produceMic(c: TestClient): Promise<string> {
  const t = await c.request('createTransport', { direction: 'send' });
  const r = await c.request('produce', { transportId: t.data.id, kind: 'audio', source: 'mic', rtpParameters });
  expect(r).toMatchObject({ ok: true });
  return r.data.producerId;
}

beforeAll(async () => {
  server = await startTestServer();
  room = await server.rooms.create({ title: 'Classroom' });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await waitFor(() => room.participants.size === 0, 5000, 'empty room');
});
afterAll(async () => {
  await server.close();
});

describe('chat', () => {
  it('reaches everyone with name and time, and late joiners get the recent history', async () => {
    const a = await member('moderator', 'Ada');
    const b = await member('participant', 'Bo');
    expect(await a.c.request('sendChat', { text: '  Page 42, please  ' })).toMatchObject({ ok: true });
    const got = await b.c.notification('chatMessage');
    expect(got).toMatchObject({ peerId: a.id, displayName: 'Ada', text: 'Page 42, please' });
    expect(Date.parse(got.at)).toBeGreaterThan(Date.now() - 10_000);
    const late = await member('participant', 'Cy');
    expect(late.joined.chat.map((m: { text: string }) => m.text)).toEqual(['Page 42, please']);
  });

  it('bounds length and rate, and keeps at most 100 messages', async () => {
    const a = await member('participant', 'Ada');
    expect(await a.c.request('sendChat', { text: 'x'.repeat(1001) })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(await a.c.request('sendChat', { text: '   ' })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    const replies = await a.c.burst(Array.from({ length: 8 }, (_, i) => JSON.stringify({ type: 'request', id: 100 + i, method: 'sendChat', data: { text: `m${i}` } })));
    expect(replies.filter((r) => r.ok)).toHaveLength(5);
    expect(replies.filter((r) => r.error?.code === 'rate_limited')).toHaveLength(3);
    for (let i = 0; i < 120; i++) room.classroom.addChat({ id: `x${i}`, peerId: a.id, displayName: 'Ada', text: `n${i}`, at: '' });
    expect(room.classroom.chat).toHaveLength(100);
    expect(room.classroom.chat.at(-1)!.text).toBe('n119');
  });

  it('is gone when the meeting ends', async () => {
    const a = await member('moderator', 'Ada');
    await a.c.request('sendChat', { text: 'secret' });
    await a.c.close();
    await waitFor(() => room.participants.size === 0, 5000, 'empty');
    expect(room.classroom.chat).toEqual([]);
  });
});

describe('raised hands', () => {
  it('queue in order for moderators, the count for everyone, and a moderator lowers any hand', async () => {
    const mod = await member('moderator', 'Mod');
    const p1 = await member('participant', 'P1');
    const p2 = await member('participant', 'P2');
    await p2.c.request('raiseHand');
    await p1.c.request('raiseHand');
    await p1.c.request('raiseHand'); // twice counts once
    await waitFor(() => mod.c.notifications.filter((n) => n.method === 'handsChanged').at(-1)?.data.count === 2, 5000, 'two hands');
    const modView = mod.c.notifications.filter((n) => n.method === 'handsChanged').at(-1)!.data;
    expect(modView).toEqual({ count: 2, queue: [p2.id, p1.id], mine: false });
    const p1View = p1.c.notifications.filter((n) => n.method === 'handsChanged').at(-1)!.data;
    expect(p1View).toEqual({ count: 2, mine: true });
    expect(await p1.c.request('lowerHand', { peerId: p2.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await mod.c.request('lowerHand', { peerId: p2.id })).toMatchObject({ ok: true });
    expect(room.classroom.hands).toEqual([p1.id]);
  });
});

describe('moderation', () => {
  it('mutes a participant on the server; without permission they cannot unmute', async () => {
    const mod = await member('moderator', 'Mod');
    const p = await member('participant', 'Pupil');
    const micId = await produceMic(p.c);
    expect(await mod.c.request('muteParticipant', { peerId: p.id, allowUnmute: false })).toMatchObject({ ok: true });
    expect(await p.c.notification('moderated')).toEqual({ source: 'mic', allowUnmute: false });
    const mic = room.participants.get(p.id)!.media.producers.get(micId)!;
    expect(mic.paused).toBe(true);
    expect(await p.c.request('resumeProducer', { producerId: micId })).toMatchObject({ ok: false, error: { code: 'muted_by_moderator' } });
    expect(mic.paused).toBe(true);
    await mod.c.request('muteParticipant', { peerId: p.id, allowUnmute: true });
    await p.c.notification('unmuteAllowed');
    expect(await p.c.request('resumeProducer', { producerId: micId })).toMatchObject({ ok: true });
    expect(mic.paused).toBe(false);
  });

  it('mute all spares moderators and presenters', async () => {
    const mod = await member('moderator', 'Mod');
    const pres = await member('presenter', 'Pres');
    const p = await member('participant', 'Pupil');
    const [modMic, presMic, pMic] = [await produceMic(mod.c), await produceMic(pres.c), await produceMic(p.c)];
    expect(await mod.c.request('muteAll', { allowUnmute: true })).toMatchObject({ ok: true, data: { muted: 1 } });
    const paused = (peer: string, id: string) => room.participants.get(peer)!.media.producers.get(id)!.paused;
    expect([paused(mod.id, modMic), paused(pres.id, presMic), paused(p.id, pMic)]).toEqual([false, false, true]);
  });

  it('removes a participant, who is told why and is out', async () => {
    const mod = await member('moderator', 'Mod');
    const p = await member('participant', 'Troll');
    expect(await mod.c.request('removeParticipant', { peerId: p.id, reason: 'Please behave.' })).toMatchObject({ ok: true });
    expect(await p.c.notification('removed')).toEqual({ reason: 'Please behave.' });
    expect(room.participants.has(p.id)).toBe(false);
    expect((await mod.c.notification('peerLeft')).peerId).toBe(p.id);
    // The removed connection has no access left: it would need the link again.
    expect(await p.c.request('join', { displayName: 'Troll', rtpCapabilities: {} })).toMatchObject({ ok: false, error: { code: 'no_access' } });
  });

  it('ends the meeting for everyone, and the room stays for next time', async () => {
    const mod = await member('moderator', 'Mod');
    const p = await member('participant', 'Pupil');
    await mod.c.request('sendChat', { text: 'bye' });
    expect(await mod.c.request('endMeeting')).toMatchObject({ ok: true });
    expect((await p.c.notification('roomClosed')).reason).toMatch(/ended the meeting/);
    expect(room.participants.size).toBe(0);
    expect(room.classroom.chat).toEqual([]);
    expect(server.rooms.get(room.id)).toBe(room);
    await member('participant', 'Next week');
  });

  it('one screen share at a time unless a moderator allows more; participants may not share', async () => {
    const mod = await member('moderator', 'Mod');
    const pres = await member('presenter', 'Pres');
    const p = await member('participant', 'Pupil');
    const video = { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, parameters: {}, rtcpFeedback: [] }], encodings: [{ ssrc: 3333 }], headerExtensions: [], rtcp: { cname: 'y' } };
    const share = async (c: TestClient, ssrc: number) => {
      const t = await c.request('createTransport', { direction: 'send' });
      return c.request('produce', { transportId: t.data.id, kind: 'video', source: 'screen', rtpParameters: { ...video, encodings: [{ ssrc }] } });
    };
    expect(await share(p.c, 1)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await share(pres.c, 2)).toMatchObject({ ok: true });
    expect(await share(mod.c, 3)).toMatchObject({ ok: false, error: { code: 'busy' } });
    await mod.c.request('allowScreenShares', { multiple: true });
    const t = await mod.c.request('produce', { transportId: room.participants.get(mod.id)!.media.transports.keys().next().value, kind: 'video', source: 'screen', rtpParameters: { ...video, encodings: [{ ssrc: 4 }] } });
    expect(t).toMatchObject({ ok: true });
  });
});
