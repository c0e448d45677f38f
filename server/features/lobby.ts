// Moderators let people in from the lobby, or turn them away.
import { AulaError } from '../errors.js';
import { joinedHandler } from '../signalling/handler.js';

export const lobbyHandlers = [
  joinedHandler('admit', 'admitLobby', async ({ room }, { lobbyId }) => {
    room.checkEntry(true); // a full room stays full; the person keeps waiting
    const entry = room.lobby.take(lobbyId);
    if (!entry) throw new AulaError('not_found', 'nobody with that id is waiting');
    entry.notify('admitted', entry.enter());
    room.notifyWith('admitLobby', 'lobbyChanged', { entries: room.lobby.list() });
    return {};
  }),

  joinedHandler('deny', 'admitLobby', async ({ room }, { lobbyId }) => {
    const entry = room.lobby.take(lobbyId);
    if (!entry) throw new AulaError('not_found', 'nobody with that id is waiting');
    entry.turnAway();
    entry.notify('denied', {});
    room.notifyWith('admitLobby', 'lobbyChanged', { entries: room.lobby.list() });
    return {};
  }),
];
