// The moderator's spotlight: one person shown large on everyone's stage until
// a moderator removes it (or moves it to someone else) or the person leaves
// (rooms/room.ts ends it then). Late joiners get it in the join result. What a
// person's own pin does meanwhile is the client's choice (docs/CLIENT.md).
import { AulaError } from '../errors.js';
import { joinedHandler } from '../signalling/handler.js';

export const spotlightHandlers = [
  joinedHandler('setSpotlight', 'spotlight', async ({ room }, { peerId }) => {
    if (peerId !== null && !room.participants.has(peerId)) throw new AulaError('not_found', 'no such participant');
    if (room.classroom.spotlight === peerId) return {};
    room.classroom.spotlight = peerId;
    room.broadcast('spotlightChanged', { peerId });
    return {};
  }),
];
