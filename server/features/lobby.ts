// Moderators let people in from the lobby, or turn them away.
import { AulaError } from '../errors.js';
import type { Room } from '../rooms/room.js';
import { joinedHandler } from '../signalling/handler.js';

const entryOf = (room: Room, lobbyId: string) => {
  const entry = room.lobby.get(lobbyId);
  if (!entry) throw new AulaError('not_found', 'nobody with that id is waiting');
  return entry;
};

export const lobbyHandlers = [
  joinedHandler('admit', 'admitLobby', async ({ room }, { lobbyId }) => {
    const entry = entryOf(room, lobbyId);
    // A full room stays full: the person keeps waiting. Admission overrides the lock.
    room.checkEntry(true);
    room.lobby.take(lobbyId);
    let admitted: ReturnType<typeof entry.enter>;
    try {
      admitted = entry.enter();
      entry.notify('admitted', admitted);
    } catch (err) {
      // Their link was revoked or expired while they waited.
      entry.turnAway();
      entry.notify('denied', {});
      room.lobbyChanged();
      throw err instanceof AulaError ? new AulaError('not_found', `cannot admit: ${err.message}`) : err;
    }
    room.lobbyChanged();
    // The moderator's answer comes once the admission is in the ledger.
    await room.participants.get(admitted.self.id)?.recorded;
    return {};
  }),

  joinedHandler('deny', 'admitLobby', async ({ room }, { lobbyId }) => {
    const entry = entryOf(room, lobbyId);
    room.lobby.take(lobbyId);
    entry.turnAway();
    entry.notify('denied', {});
    room.lobbyChanged();
    return {};
  }),
];
