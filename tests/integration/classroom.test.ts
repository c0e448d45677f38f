// Chat, raised hands and moderation over the real signalling.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { startTestServer, tokenFor, waitFor } from '../helpers/server.js';
import { members } from '../helpers/members.js';
import { TestClient } from '../helpers/ws-client.js';

let server: RunningServer;
let room: Room;
const clients: TestClient[] = [];
const member = members(() => ({ server, room }), clients);

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
    const replies = await a.c.burst(
      Array.from({ length: 8 }, (_, i) => JSON.stringify({ type: 'request', id: 100 + i, method: 'sendChat', data: { text: `m${i}` } })),
    );
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

  it('removes a participant, who is told why and cannot come back with the same link in that browser', async () => {
    const guestLink = await tokenFor(server, room, 'participant');
    const mod = await member('moderator', 'Mod');
    const p = await member('participant', 'Troll', { token: guestLink, client: 'browser-of-troll-0001' });
    const other = await member('participant', 'Nice', { token: guestLink, client: 'browser-of-nice-0002' });
    expect(await mod.c.request('removeParticipant', { peerId: p.id, reason: 'Please behave.' })).toMatchObject({ ok: true });
    expect(await p.c.notification('removed')).toEqual({ reason: 'Please behave.' });
    expect(room.participants.has(p.id)).toBe(false);
    expect((await mod.c.notification('peerLeft')).peerId).toBe(p.id);
    // Same socket, same link, same browser: refused. Others with the shared link are not affected.
    expect(await p.c.request('hello', { roomId: room.id, token: guestLink, client: 'browser-of-troll-0001' })).toMatchObject({
      ok: false,
      error: { code: 'removed' },
    });
    const again = await TestClient.connect(server.url);
    clients.push(again);
    expect(await again.enter(room.id, guestLink, 'Troll', 'browser-of-troll-0001')).toMatchObject({ ok: false, error: { code: 'removed' } });
    expect(room.participants.has(other.id)).toBe(true);
    // Re-issued links are a new invitation.
    server.rooms.rotateLinks(room.id);
    const reinvited = await TestClient.connect(server.url);
    clients.push(reinvited);
    expect(await reinvited.enter(room.id, await tokenFor(server, room, 'participant'), 'Troll', 'browser-of-troll-0001')).toMatchObject({ ok: true });
  });

  it('a locked mute holds for a new microphone and across a rejoin', async () => {
    const token = await tokenFor(server, room, 'participant');
    const mod = await member('moderator', 'Mod');
    const p = await member('participant', 'Loud', { token, client: 'browser-of-loud-0003' });
    const micId = await produceMic(p.c);
    await mod.c.request('muteParticipant', { peerId: p.id, allowUnmute: false });
    expect(await p.c.request('closeProducer', { producerId: micId })).toMatchObject({ ok: true });
    const t = [...room.participants.get(p.id)!.media.transports.values()][0]!;
    expect(await p.c.request('produce', { transportId: t.id, kind: 'audio', source: 'mic', rtpParameters })).toMatchObject({
      ok: false,
      error: { code: 'muted_by_moderator' },
    });
    await p.c.close();
    await waitFor(() => !room.participants.has(p.id), 5000, 'left');
    const back = await member('participant', 'Loud', { token, client: 'browser-of-loud-0003' });
    expect(room.participants.get(back.id)!.mayUnmute).toBe(false);
  });

  it('two presenters starting a screen share at once: only one gets it', async () => {
    const a = await member('presenter', 'A');
    const b = await member('presenter', 'B');
    const video = (ssrc: number) => ({
      codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, parameters: {}, rtcpFeedback: [] }],
      encodings: [{ ssrc }],
      headerExtensions: [],
      rtcp: { cname: 'z' },
    });
    const [ta, tb] = [await a.c.request('createTransport', { direction: 'send' }), await b.c.request('createTransport', { direction: 'send' })];
    const [ra, rb] = await Promise.all([
      a.c.request('produce', { transportId: ta.data.id, kind: 'video', source: 'screen', rtpParameters: video(71) }),
      b.c.request('produce', { transportId: tb.data.id, kind: 'video', source: 'screen', rtpParameters: video(72) }),
    ]);
    expect([ra.ok, rb.ok].sort()).toEqual([false, true]);
    expect([ra, rb].find((r) => !r.ok)?.error?.code).toBe('busy');
  });

  it('a newly promoted moderator gets the hand queue at once', async () => {
    const mod = await member('moderator', 'Mod');
    const p = await member('participant', 'Pat');
    const q = await member('participant', 'Quinn');
    await q.c.request('raiseHand');
    await mod.c.request('setRole', { peerId: p.id, role: 'moderator' });
    await waitFor(() => p.c.notifications.some((n) => n.method === 'handsChanged' && n.data.queue?.[0] === q.id), 5000, 'queue for the new moderator');
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
    const video = {
      codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, parameters: {}, rtcpFeedback: [] }],
      encodings: [{ ssrc: 3333 }],
      headerExtensions: [],
      rtcp: { cname: 'y' },
    };
    const share = async (c: TestClient, ssrc: number) => {
      const t = await c.request('createTransport', { direction: 'send' });
      return c.request('produce', { transportId: t.data.id, kind: 'video', source: 'screen', rtpParameters: { ...video, encodings: [{ ssrc }] } });
    };
    expect(await share(p.c, 1)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await share(pres.c, 2)).toMatchObject({ ok: true });
    expect(await share(mod.c, 3)).toMatchObject({ ok: false, error: { code: 'busy' } });
    await mod.c.request('allowScreenShares', { multiple: true });
    const t = await mod.c.request('produce', {
      transportId: room.participants.get(mod.id)!.media.transports.keys().next().value!,
      kind: 'video',
      source: 'screen',
      rtpParameters: { ...video, encodings: [{ ssrc: 4 }] },
    });
    expect(t).toMatchObject({ ok: true });
  });
});
