// A participant's own display name, changeable during the session.
import { distinctName } from '../../shared/display-name.js';
import { joinedHandler } from '../signalling/handler.js';

export const profileHandlers = [
  joinedHandler('setDisplayName', 'rename', async ({ room, participant }, { displayName }) => {
    const name = distinctName(displayName, room.shownNames(participant));
    // The same name again is no change: nothing to tell anyone, nothing for the ledger.
    if (name === participant.displayName) return { displayName: name };
    room.rename(participant, name);
    room.broadcast('peerUpdated', { peer: participant.info() });
    await participant.recorded; // answered once the change is in the ledger
    return { displayName: participant.displayName };
  }),
];
