// Entering and leaving a room: hello (link → access), join (directly, or via
// the lobby when the room has one), leave.
import { createHash } from 'node:crypto';
import { distinctName } from '../../shared/display-name.js';
import type { JoinedData, Role } from '../../shared/protocol.js';
import { linkKey, takeJoin } from '../access/join-limits.js';
import { AulaError } from '../errors.js';
import { logPresence } from '../log.js';
import type { RtpCapabilities } from '../media/port.js';
import { Participant } from '../rooms/participant.js';
import { hasPermission, permissionsOf } from '../rooms/permissions.js';
import type { Room } from '../rooms/room.js';
import { joinedHandler, openHandler, type Services } from '../signalling/handler.js';
import type { Session } from '../signalling/session.js';

interface Entrant {
  displayName: string;
  role: Role;
  rtpCapabilities: RtpCapabilities;
  identity: string;
  recordingOptOut: boolean;
}

const removedError = () => new AulaError('removed', 'a moderator removed you from this meeting');

/** Put a session into the room as a participant and tell everyone. */
function enter(session: Session, room: Room, who: Entrant, services: Services, admitted = false): JoinedData {
  const participant = new Participant(
    distinctName(who.displayName, room.shownNames()),
    who.role,
    who.rtpCapabilities,
    room.router,
    (name, data) => session.notify(name, data),
    () => session.reset(),
    who.identity,
  );
  participant.mayUnmute = !room.classroom.muteLocked.has(who.identity);
  // Before the recorder (an observer) sees them: nothing of theirs is captured.
  participant.recordingOptOut = who.recordingOptOut;
  room.add(participant, admitted);
  session.lobby = undefined;
  session.room = room;
  session.participant = participant;
  room.broadcast('peerJoined', { peer: participant.info() }, participant);
  logPresence(services.log, 'participant joined', room, participant.id);
  return {
    self: participant.info(),
    permissions: permissionsOf(participant.role),
    peers: [...room.participants.values()].filter((p) => p !== participant).map((p) => p.info()),
    producers: room.producers(participant),
    lobby: hasPermission(participant.role, 'admitLobby') ? room.lobby.list() : [],
    locked: room.locked,
    chat: [...room.classroom.chat],
    hands: room.handsFor(participant),
    activeSpeaker: room.classroom.activeSpeaker,
    ...(room.classroom.spotlight ? { spotlight: room.classroom.spotlight } : {}),
    ...services.ice(),
    resume: services.resume.issue(room, participant, session),
    ...(services.rejoin ? { rejoin: services.rejoin.issue(room.id, who.identity) } : {}),
    recording: services.recordings?.isRecording(room) ?? false,
    ...(room.poll ? { poll: room.poll.info() } : {}),
    ...(room.breakout ? { breakout: room.breakout.state() } : {}),
    ...(room.presentation?.ready && services.presentations ? { presentation: room.presentation.state((p) => services.presentations!.urlOf(p)) } : {}),
  };
}

export const sessionHandlers = [
  openHandler('hello', async ({ session, services }, { roomId, token, client, rejoin }) => {
    if (session.participant || session.lobby) throw new AulaError('already_joined', 'this connection has already joined');
    const room = services.rooms.get(roomId);
    if (!room || room.isClosed) throw new AulaError('not_found', 'no such room');
    const { grant, prefillName } = await services.access.grant(token, room);
    // An organisation token names one person; a room link is shared, so the
    // browser's random id tells its holders apart. Only a hash is kept.
    const identity = createHash('sha256')
      .update(grant.via === 'organisation' ? token : `${token}|${client ?? 'none'}`)
      .digest('base64url');
    if (room.classroom.barred.has(identity)) throw removedError();
    // The prefill name goes back to the browser and is not kept here.
    // The room moved to this node: who was already in skips the lobby.
    const admitted = Boolean(rejoin && services.rejoin?.valid(rejoin, room.id, identity));
    session.access = { room, grant, identity, link: linkKey(token), admitted };
    return {
      title: room.title,
      role: grant.role,
      recording: room.settings.recording,
      recordingActive: services.recordings?.isRecording(room) ?? false,
      lobby: room.settings.lobby && !hasPermission(grant.role, 'bypassLobby') && !admitted,
      // Only a moderator's pre-join starts with the devices on; a guest's never does.
      ...(room.settings.moderatorDevicesOn && grant.role === 'moderator' ? { devicesOn: true } : {}),
      ...(prefillName ? { prefillName } : {}),
      routerRtpCapabilities: room.router.rtpCapabilities,
    };
  }),

  openHandler('join', async ({ session, services }, { displayName, rtpCapabilities, recordingOptOut }) => {
    if (session.participant || session.lobby) throw new AulaError('already_joined', 'this connection has already joined');
    if (!session.access) throw new AulaError('no_access', 'join: say hello with a valid link first');
    const { room, grant, identity, link, admitted } = session.access;
    // Every attempt counts, so join/leave loops cannot churn the room and its ledger.
    takeJoin(room, { identity, link, via: grant.via }, services.joinsPerMinute);
    services.access.recheck(grant, room);
    if (room.classroom.barred.has(identity)) throw removedError();
    room.checkEntry(hasPermission(grant.role, 'bypassLock'));
    // Shape-checked by the protocol schema; mediasoup checks the rest in canConsume().
    const who: Entrant = {
      displayName,
      role: grant.role,
      rtpCapabilities: rtpCapabilities as RtpCapabilities,
      identity,
      recordingOptOut: recordingOptOut ?? false,
    };
    if (!room.settings.lobby || hasPermission(grant.role, 'bypassLobby') || admitted) {
      const joined = enter(session, room, who, services, admitted);
      // Answered only once the join is in the ledger (on disk): a crash right
      // after cannot lose someone who was told they are in.
      await room.participants.get(joined.self.id)?.recorded;
      return { status: 'joined' as const, ...joined };
    }
    // Waiting costs every moderator an update; the lobby is no larger than the room.
    if (room.lobby.size >= room.settings.maxParticipants) throw new AulaError('room_full', 'the room and its lobby are full');
    const entry = room.lobby.add({
      displayName: distinctName(displayName, room.shownNames()),
      notify: (name, data) => session.notify(name, data),
      enter: () => {
        services.access.recheck(grant, room);
        if (room.classroom.barred.has(identity)) throw removedError();
        return enter(session, room, who, services, true);
      },
      turnAway: () => session.reset(),
    });
    session.lobby = { room, entryId: entry.id };
    room.lobbyChanged();
    return { status: 'waiting' as const };
  }),

  openHandler('resume', async ({ session, services }, { roomId, token }) => {
    if (session.participant || session.lobby || session.access) throw new AulaError('already_joined', 'resume on a new connection only');
    const participant = services.resume.resume(session, roomId, token);
    return { self: participant.info(), permissions: permissionsOf(participant.role) };
  }),

  joinedHandler('leave', undefined, async ({ session, services, room, participant }) => {
    session.leave();
    logPresence(services.log, 'participant left', room, participant.id);
    await participant.recorded;
    return {};
  }),
];
