// Moderation's rules on the fake media port (tests/helpers/fake-media.ts):
// removing, muting, stopping cameras, roles, the lock, ending the meeting.
// Over a real worker: tests/integration/classroom.test.ts and roles.test.ts.
import { describe, expect, it } from 'vitest';
import { fakeServer } from '../helpers/fake-server.js';
import { published } from '../helpers/fake-publish.js';

async function classroom() {
  const s = await fakeServer();
  const room = await s.room({ title: 'Moderated' });
  const mod = await s.joined(room, 'moderator', 'Mod');
  const pres = await s.joined(room, 'presenter', 'Pres');
  const pupil = await s.joined(room, 'participant', 'Pupil');
  return { s, room, mod, pres, pupil };
}

describe('moderation', () => {
  it('removes a participant: they are told, the others see them leave, and their link cannot bring them back', async () => {
    const { s, room, mod, pres, pupil } = await classroom();
    const mic = await published(pupil, 'mic');
    expect(await mod.request('removeParticipant', { peerId: pupil.id, reason: 'disruptive' })).toMatchObject({ ok: true });
    expect(pupil.last('removed')).toEqual({ reason: 'disruptive' });
    expect(pres.last('peerLeft')).toEqual({ peerId: pupil.id });
    expect(pres.last('producerClosed')).toEqual({ producerId: mic, peerId: pupil.id });
    expect(room.participants.has(pupil.id)).toBe(false);
    expect(room.findProducer(mic)).toBeUndefined();
    // The same link (and browser) again: refused at hello.
    await expect(s.enter(room, 'participant', 'Pupil', pupil.token)).rejects.toThrow(/removed/);
    // New links are a new invitation.
    s.rooms.rotateLinks(room.id);
    expect((await s.enter(room, 'participant', 'Pupil')).join.data.status).toBe('joined');
  });

  it('does not let a moderator remove themselves, nor a participant remove anyone', async () => {
    const { mod, pupil, pres } = await classroom();
    expect(await mod.request('removeParticipant', { peerId: mod.id })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(await pupil.request('removeParticipant', { peerId: pres.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('mutes a microphone so that its owner cannot unmute or start a new one until allowed', async () => {
    const { room, mod, pres, pupil } = await classroom();
    const mic = await published(pupil, 'mic');
    expect(await mod.request('muteParticipant', { peerId: pupil.id, allowUnmute: false })).toMatchObject({ ok: true });
    expect(room.findProducer(mic)?.paused).toBe(true);
    expect(pupil.last('moderated')).toEqual({ source: 'mic', allowUnmute: false });
    expect(pres.last('producerPaused')).toEqual({ producerId: mic, peerId: pupil.id });
    expect(await pupil.request('resumeProducer', { producerId: mic })).toMatchObject({ ok: false, error: { code: 'muted_by_moderator' } });
    await pupil.request('closeProducer', { producerId: mic });
    expect(
      (
        await pupil.request('produce', {
          transportId: [...room.participants.get(pupil.id)!.media.transports.keys()][0]!,
          kind: 'audio',
          source: 'mic',
          rtpParameters: { codecs: [{ mimeType: 'audio/opus' }] },
        })
      ).error?.code,
    ).toBe('muted_by_moderator');

    expect(await mod.request('muteParticipant', { peerId: pupil.id, allowUnmute: true })).toMatchObject({ ok: true });
    expect(pupil.all('unmuteAllowed')).toHaveLength(1);
    expect(await published(pupil, 'mic')).toEqual(expect.any(String));
  });

  it('keeps a mute across a rejoin within the meeting', async () => {
    const { s, room, mod, pupil } = await classroom();
    await mod.request('muteParticipant', { peerId: pupil.id, allowUnmute: false });
    pupil.disconnect();
    const again = await s.joined(room, 'participant', 'Pupil', pupil.token);
    expect(room.participants.get(again.id)?.mayUnmute).toBe(false);
  });

  it('mutes all participants but neither moderators nor presenters', async () => {
    const { room, mod, pres, pupil } = await classroom();
    const micPres = await published(pres, 'mic');
    const micPupil = await published(pupil, 'mic');
    const micMod = await published(mod, 'mic');
    expect(await mod.request('muteAll', { allowUnmute: true })).toMatchObject({ ok: true, data: { muted: 1 } });
    expect(room.findProducer(micPupil)?.paused).toBe(true);
    expect(room.findProducer(micPres)?.paused).toBe(false);
    expect(room.findProducer(micMod)?.paused).toBe(false);
  });

  it('stops a camera: it closes and the others are told', async () => {
    const { room, mod, pres, pupil } = await classroom();
    const camera = await published(pupil, 'camera');
    expect(await mod.request('stopParticipantCamera', { peerId: pupil.id })).toMatchObject({ ok: true });
    expect(room.findProducer(camera)).toBeUndefined();
    expect(pres.last('producerClosed')).toEqual({ producerId: camera, peerId: pupil.id });
    expect(pupil.last('moderated')).toEqual({ source: 'camera', allowUnmute: true });
  });

  it('keeps at least one moderator, and a presenter made participant loses their screen share', async () => {
    const { room, mod, pres, pupil } = await classroom();
    expect(await mod.request('setRole', { peerId: mod.id, role: 'participant' })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    const screen = await published(pres, 'screen');
    expect(await mod.request('setRole', { peerId: pres.id, role: 'participant' })).toMatchObject({ ok: true });
    expect(room.findProducer(screen)).toBeUndefined();
    expect(pres.last('selfUpdated')?.self.role).toBe('participant');
    expect(pupil.last('peerUpdated')?.peer).toMatchObject({ id: pres.id, role: 'participant' });
    expect(await pres.request('setRole', { peerId: pupil.id, role: 'moderator' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('locks the room against newcomers but not against moderators', async () => {
    const { s, room, mod, pupil } = await classroom();
    expect(await pupil.request('lockRoom', { locked: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await mod.request('lockRoom', { locked: true })).toMatchObject({ ok: true });
    expect(pupil.last('roomLocked')).toEqual({ locked: true });
    await expect(s.enter(room, 'participant', 'Late')).rejects.toThrow(/room_locked/);
    expect((await s.enter(room, 'moderator', 'Co')).join.data.status).toBe('joined');
  });

  it('ends the meeting for everyone; the room stays for next time', async () => {
    const { s, room, mod, pres, pupil } = await classroom();
    await published(pupil, 'mic');
    expect(await mod.request('endMeeting')).toMatchObject({ ok: true });
    for (const c of [mod, pres, pupil]) expect(c.last('roomClosed')).toMatchObject({ code: 'meeting_ended' });
    expect(room.participants.size).toBe(0);
    expect(s.rooms.get(room.id)).toBe(room);
    expect((await s.enter(room, 'participant', 'Next lesson')).join.data.status).toBe('joined');
  });
});
