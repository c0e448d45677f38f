// Roles and the room lock.
import { AulaError } from '../errors.js';
import { hasPermission, permissionsOf } from '../rooms/permissions.js';
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
    room.setRole(target, role);
    room.broadcast('peerUpdated', { peer: target.info() });
    target.notify('selfUpdated', { self: target.info(), permissions: permissionsOf(role) });
    if (hasPermission(role, 'admitLobby')) target.notify('lobbyChanged', { entries: room.lobby.list() });
    return {};
  }),

  joinedHandler('lockRoom', 'lockRoom', async ({ room }, { locked }) => {
    room.locked = locked;
    room.broadcast('roomLocked', { locked });
    return {};
  }),
];
