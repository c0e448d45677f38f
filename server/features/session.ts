// Entering and leaving a room.
import type { types } from 'mediasoup';
import { AulaError } from '../errors.js';
import { Participant } from '../rooms/participant.js';
import { joinedHandler, openHandler } from '../signalling/handler.js';

export const sessionHandlers = [
  openHandler('getRouterRtpCapabilities', async ({ services }, { roomId }) => {
    const room = services.rooms.get(roomId);
    if (!room) throw new AulaError('not_found', 'no such room');
    return { title: room.title, routerRtpCapabilities: room.router.rtpCapabilities as Record<string, unknown> };
  }),

  openHandler('join', async ({ session, services }, { roomId, displayName, rtpCapabilities }) => {
    if (session.participant) throw new AulaError('already_joined', 'this connection has already joined a room');
    const room = services.rooms.get(roomId);
    if (!room) throw new AulaError('not_found', 'no such room');
    const participant = new Participant(
      displayName,
      'guest',
      // Shape-checked by the protocol schema; mediasoup checks the rest in canConsume().
      rtpCapabilities as types.RtpCapabilities,
      room.router,
      services.listen,
      (name, data) => session.notify(name, data),
    );
    room.add(participant);
    session.room = room;
    session.participant = participant;
    room.broadcast('peerJoined', { peer: participant.info() }, participant);
    services.log.info({ room: room.id, peer: participant.id, participants: room.participants.size }, 'participant joined');
    return {
      self: participant.info(),
      peers: [...room.participants.values()].filter((p) => p !== participant).map((p) => p.info()),
      producers: room.producers(participant),
    };
  }),

  joinedHandler('leave', undefined, async ({ session, services, room, participant }) => {
    session.leave();
    services.log.info({ room: room.id, peer: participant.id, participants: room.participants.size }, 'participant left');
    return {};
  }),
];
