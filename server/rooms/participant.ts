import { randomUUID } from 'node:crypto';
import type { types } from 'mediasoup';
import type { NotificationData, NotificationName, PeerInfo } from '../../shared/protocol.js';
import { PeerMedia, type TransportListen } from '../media/peer-media.js';
import type { Role } from './permissions.js';

export type Notify = <N extends NotificationName>(name: N, data: NotificationData<N>) => void;

/** A person in a room. Lives in memory only; nothing here is written anywhere. */
export class Participant {
  readonly id = randomUUID();
  readonly media: PeerMedia;

  constructor(
    readonly displayName: string,
    readonly role: Role,
    readonly rtpCapabilities: types.RtpCapabilities,
    router: types.Router,
    listen: TransportListen,
    readonly notify: Notify,
  ) {
    this.media = new PeerMedia(router, listen);
  }

  info(): PeerInfo {
    return { id: this.id, displayName: this.displayName };
  }
}
