// Raised hands: an ordered queue. Everyone sees how many; moderators see who, in order.
import { AulaError } from '../errors.js';
import { hasPermission } from '../rooms/permissions.js';
import { joinedHandler } from '../signalling/handler.js';

export const handHandlers = [
  joinedHandler('raiseHand', 'raiseHand', async ({ room, participant }) => {
    if (room.classroom.raise(participant.id)) room.broadcastHands();
    return {};
  }),

  joinedHandler('lowerHand', undefined, async ({ room, participant }, { peerId }) => {
    const target = peerId ?? participant.id;
    if (target !== participant.id && !hasPermission(participant.role, 'lowerHands')) {
      throw new AulaError('forbidden', "lowerHand: your role may not lower other people's hands");
    }
    if (room.classroom.lower(target)) room.broadcastHands();
    return {};
  }),
];
