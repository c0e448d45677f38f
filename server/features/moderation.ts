// Moderation: roles, the room lock, muting, stopping cameras, removing
// people, ending the meeting, the screen-share policy.
import { AulaError } from '../errors.js';
import { hasPermission, permissionsOf } from '../rooms/permissions.js';
import type { Participant } from '../rooms/participant.js';
import type { Room } from '../rooms/room.js';
import { joinedHandler } from '../signalling/handler.js';

export const moderationHandlers = [
  joinedHandler('setRole', 'setRole', async ({ room }, { peerId, role }) => {
    const target = room.participants.get(peerId);
    if (!target) throw new AulaError('not_found', 'no such participant');
    const moderators = [...room.participants.values()].filter((p) => p.role === 'moderator');
    if (target.role === 'moderator' && role !== 'moderator' && moderators.length === 1) {
      // Otherwise nobody could admit from the lobby or unlock the room any more.
      throw new AulaError('invalid_params', 'the room needs at least one moderator');
    }
    if (target.role === role) return {};
    room.setRole(target, role);
    room.broadcast('peerUpdated', { peer: target.info() });
    target.notify('selfUpdated', { self: target.info(), permissions: permissionsOf(role) });
    if (hasPermission(role, 'admitLobby')) room.lobbyChanged(target);
    target.notify('handsChanged', room.handsFor(target));
    if (!hasPermission(role, 'shareScreen')) {
      for (const p of target.media.producers.values()) if (p.appData.source === 'screen') p.close();
    }
    await target.recorded; // answered once the new role is in the ledger
    return {};
  }),

  joinedHandler('lockRoom', 'lockRoom', async ({ room }, { locked }) => {
    room.locked = locked;
    room.broadcast('roomLocked', { locked });
    return {};
  }),
];

/** Pause a participant's microphone on the server and tell them and the room. */
async function muteMic(room: Room, target: Participant, allowUnmute: boolean): Promise<boolean> {
  target.mayUnmute = allowUnmute;
  // Kept per meeting, so reloading the page does not undo it.
  if (allowUnmute) room.classroom.muteLocked.delete(target.identity);
  else room.classroom.muteLocked.add(target.identity);
  const mic = [...target.media.producers.values()].find((p) => p.appData.source === 'mic');
  target.notify('moderated', { source: 'mic', allowUnmute });
  if (!mic || mic.paused) return false;
  try {
    await mic.pause();
  } catch (err) {
    // Closed meanwhile (its owner stopped it, moved to a group, left): nothing left to mute.
    if (mic.closed) return false;
    throw err;
  }
  room.broadcastNear(target, 'producerPaused', { producerId: mic.id, peerId: target.id });
  return true;
}

const targetOf = (room: Room, peerId: string): Participant => {
  const target = room.participants.get(peerId);
  if (!target) throw new AulaError('not_found', 'no such participant');
  return target;
};

export const classroomModerationHandlers = [
  joinedHandler('muteParticipant', 'muteOthers', async ({ room }, { peerId, allowUnmute }) => {
    const target = targetOf(room, peerId);
    const wasLocked = !target.mayUnmute;
    await muteMic(room, target, allowUnmute);
    if (allowUnmute && wasLocked) target.notify('unmuteAllowed', {});
    return {};
  }),

  joinedHandler('muteAll', 'muteOthers', async ({ room }, { allowUnmute }) => {
    let muted = 0;
    for (const p of room.participants.values()) {
      // Moderators and presenters keep talking: that is the point of "mute all".
      if (p.role !== 'participant') continue;
      if (await muteMic(room, p, allowUnmute)) muted++;
    }
    return { muted };
  }),

  joinedHandler('stopParticipantCamera', 'muteOthers', async ({ room }, { peerId }) => {
    const target = targetOf(room, peerId);
    const camera = [...target.media.producers.values()].find((p) => p.appData.source === 'camera');
    if (camera) camera.close(); // producerClosed reaches the others through the producer's close observer
    target.notify('moderated', { source: 'camera', allowUnmute: true });
    return {};
  }),

  joinedHandler('removeParticipant', 'removeParticipant', async ({ room, participant }, { peerId, reason }) => {
    const target = targetOf(room, peerId);
    if (target === participant) throw new AulaError('invalid_params', 'use leave to leave the room yourself');
    room.classroom.barred.add(target.identity);
    target.notify('removed', reason ? { reason } : {});
    room.removeAndAnnounce(target);
    target.detach();
    return {};
  }),

  joinedHandler('endMeeting', 'endMeeting', async ({ room }) => {
    room.endMeeting('The moderator ended the meeting for everyone.');
    return {};
  }),

  joinedHandler('allowScreenShares', 'manageScreens', async ({ room }, { multiple }) => {
    room.classroom.multipleScreens = multiple;
    return {};
  }),
];
