// A participant's own display name, changeable during the session.
import { distinctName } from '../../shared/display-name.js';
import { joinedHandler } from '../signalling/handler.js';

export const profileHandlers = [
  joinedHandler('setDisplayName', 'rename', async ({ room, participant }, { displayName }) => {
    room.rename(participant, distinctName(displayName, room.shownNames(participant)));
    room.broadcast('peerUpdated', { peer: participant.info() });
    return { displayName: participant.displayName };
  }),
];
