import type { NotificationData, NotificationName, ResponseMessage } from '../../shared/protocol.js';
import type { Grant } from '../access/access.js';
import type { Participant } from '../rooms/participant.js';
import type { Room } from '../rooms/room.js';

type Outgoing = ResponseMessage | { type: 'notification'; method: NotificationName; data: unknown };

/**
 * One signalling connection. It says hello with a link (→ access), then is
 * either waiting in a room's lobby or joined as a participant.
 */
export class Session {
  /** `link`: a hash of the token, for the join rate limit (server/access/join-limits.ts). `admitted`: a rejoin ticket skips the lobby. */
  access?: { room: Room; grant: Grant; identity: string; link: string; admitted?: boolean };
  lobby?: { room: Room; entryId: string };
  room?: Room;
  participant?: Participant;

  constructor(private readonly sendRaw: (text: string) => void) {}

  send(message: Outgoing): void {
    this.sendRaw(JSON.stringify(message));
  }

  /** An already serialised message (the dispatcher serialises answers itself, to catch what cannot be). */
  sendText(text: string): void {
    this.sendRaw(text);
  }

  notify<N extends NotificationName>(method: N, data: NotificationData<N>): void {
    this.send({ type: 'notification', method, data });
  }

  /** Forget room, lobby and access (the next join needs a new hello). */
  reset(): void {
    this.room = undefined;
    this.participant = undefined;
    this.lobby = undefined;
    this.access = undefined;
  }

  /** Leave the room (closing all media) or the lobby, and tell the others. Idempotent. */
  leave(): void {
    const { room, participant, lobby } = this;
    this.reset();
    if (lobby && lobby.room.lobby.remove(lobby.entryId)) lobby.room.lobbyChanged();
    if (room && participant) room.removeAndAnnounce(participant);
  }
}
