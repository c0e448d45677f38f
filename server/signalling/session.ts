import type { NotificationData, NotificationName, ResponseMessage } from '../../shared/protocol.js';
import type { Participant } from '../rooms/participant.js';
import type { Room } from '../rooms/room.js';

type Outgoing = ResponseMessage | { type: 'notification'; method: NotificationName; data: unknown };

/** One signalling connection; joined to at most one room at a time. */
export class Session {
  room?: Room;
  participant?: Participant;

  constructor(private readonly sendRaw: (text: string) => void) {}

  send(message: Outgoing): void {
    this.sendRaw(JSON.stringify(message));
  }

  notify<N extends NotificationName>(method: N, data: NotificationData<N>): void {
    this.send({ type: 'notification', method, data });
  }

  /** Leave the room, closing all media, and tell the others. Idempotent. */
  leave(): void {
    const { room, participant } = this;
    this.room = undefined;
    this.participant = undefined;
    if (room && participant && room.remove(participant)) {
      room.broadcast('peerLeft', { peerId: participant.id });
    }
  }
}
