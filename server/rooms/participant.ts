import { randomUUID } from 'node:crypto';
import type { NotificationData, NotificationName, PeerInfo, Role } from '../../shared/protocol.js';
import type { MediaRouter, PeerMediaPort, RtpCapabilities } from '../media/port.js';

export type Notify = <N extends NotificationName>(name: N, data: NotificationData<N>) => void;

/** A person in a room. Lives in memory only; nothing here is written anywhere. */
export class Participant {
  readonly id = randomUUID();
  media: PeerMediaPort;
  /** The breakout group this person is in; undefined in the main room. */
  group: string | undefined;
  /** False after a moderator muted this person without allowing them to unmute. */
  mayUnmute = true;
  /** Chose to be left out of recordings: nothing of theirs is captured. */
  recordingOptOut = false;
  /** Settles when the room's observers have stored the latest change to this participant (the ledger: on disk). */
  recorded: Promise<void> = Promise.resolve();

  constructor(
    /** As shown in the room, including a "(2)" suffix if the name was taken. */
    public displayName: string,
    public role: Role,
    readonly rtpCapabilities: RtpCapabilities,
    router: MediaRouter,
    /** Where notifications go: the participant's current connection. */
    private sink: Notify,
    /** Forget the connection's room state when the room closes under it. */
    private onDetach: () => void = () => undefined,
    /**
     * Who this is across reconnects within a meeting, without saying who:
     * a hash of the link token plus the browser's random id.
     */
    readonly identity = '',
  ) {
    this.media = router.peer();
  }

  notify<N extends NotificationName>(name: N, data: NotificationData<N>): void {
    this.sink(name, data);
  }

  detach(): void {
    this.onDetach();
  }

  /** A new connection takes this participant over (resume after a drop). */
  connect(sink: Notify, onDetach: () => void): void {
    this.sink = sink;
    this.onDetach = onDetach;
  }

  info(): PeerInfo {
    return {
      id: this.id,
      displayName: this.displayName,
      role: this.role,
      ...(this.group ? { group: this.group } : {}),
      ...(this.recordingOptOut ? { recordingOptOut: true } : {}),
    };
  }

  /**
   * Onto another router: a breakout group's (or back to the main room's), or
   * the room's new one after its worker died. All media on the old router
   * closes (the others see producerClosed); the browser makes new transports.
   */
  moveMedia(router: MediaRouter, group: string | undefined): void {
    this.media.close();
    this.group = group;
    this.media = router.peer();
  }
}
