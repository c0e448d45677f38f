// Resuming after a dropped connection. A participant whose socket vanished
// (no close frame: Wi-Fi gone, laptop lid, a proxy restart) stays in the room
// for a grace period with name, role, hand and media; notifications for it are
// held back. A new connection that presents the resume token takes over and
// gets the held notifications in order. When the grace period ends, the
// participant has left (and the ledger records the leave).
import { randomBytes } from 'node:crypto';
import type { NotificationData, NotificationName } from '../../shared/protocol.js';
import { AulaError } from '../errors.js';
import { type Logger, logPresence } from '../log.js';
import type { Participant } from '../rooms/participant.js';
import type { Room, RoomObserver } from '../rooms/room.js';
import type { Session } from './session.js';

/** Notifications held for a disconnected participant; beyond this, they have left. */
export const MAX_HELD = 2000;

type Held = Array<{ name: NotificationName; data: unknown }>;

interface Entry {
  room: Room;
  participant: Participant;
  /** The connection now speaking for the participant, if any. */
  session?: Session;
  held?: Held;
  timer?: NodeJS.Timeout;
}

export class ResumeRegistry implements RoomObserver {
  private readonly entries = new Map<string, Entry>();
  private readonly tokens = new WeakMap<Participant, string>();
  /** Several nodes: the error for a token this node never issued (the room moved here). */
  unknownToken?: (roomId: string) => AulaError | undefined;

  constructor(
    readonly graceSeconds: number,
    private readonly log: Logger,
  ) {}

  /** A new participant: bind it to its connection and hand out its token. */
  issue(room: Room, participant: Participant, session: Session): { token: string; graceSeconds: number } {
    const token = randomBytes(24).toString('base64url');
    this.entries.set(token, { room, participant, session });
    this.tokens.set(participant, token);
    return { token, graceSeconds: this.graceSeconds };
  }

  /** The connection dropped without a close frame: hold the participant, or let it leave. */
  suspend(session: Session): void {
    const participant = session.participant;
    const entry = participant && this.entry(participant);
    if (!entry || this.graceSeconds === 0 || entry.session !== session) {
      session.leave();
      return;
    }
    session.reset();
    this.hold(entry);
    logPresence(this.log, 'participant disconnected; waiting for resume', entry.room, participant.id, { graceSeconds: this.graceSeconds });
  }

  /** Whether the participant's connection dropped and it is being held for a resume. */
  isHeld(participant: Participant): boolean {
    return Boolean(this.entry(participant)?.held);
  }

  /** A new connection continues the participation of `token`. */
  resume(session: Session, roomId: string, token: string): Participant {
    const entry = this.entries.get(token);
    if (!entry) {
      const moved = this.unknownToken?.(roomId);
      if (moved) throw moved;
    }
    if (!entry || entry.room.id !== roomId || entry.room.participants.get(entry.participant.id) !== entry.participant) {
      throw new AulaError('resume_failed', 'this participation has ended; join again');
    }
    const { room, participant } = entry;
    // A half-open old socket may not have noticed the drop yet: it lets go now.
    if (entry.session && entry.session !== session) {
      entry.session.reset();
      this.hold(entry);
    }
    clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.session = session;
    session.room = room;
    session.participant = participant;
    // Held notifications go out after the answer to resume, then new ones follow.
    setImmediate(() => {
      if (entry.session !== session) return;
      for (const { name, data } of entry.held ?? []) session.notify(name, data as NotificationData<typeof name>);
      entry.held = undefined;
      participant.connect(
        (name, data) => session.notify(name, data),
        () => session.reset(),
      );
    });
    logPresence(this.log, 'participant resumed', room, participant.id);
    return participant;
  }

  private hold(entry: Entry): void {
    const { participant } = entry;
    entry.session = undefined;
    entry.held = [];
    participant.connect(
      (name, data) => {
        if (!entry.held) return;
        if (entry.held.length >= MAX_HELD) return this.expire(entry, 'too much missed while disconnected');
        entry.held.push({ name, data });
      },
      () => undefined,
    );
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => this.expire(entry, 'grace period over'), this.graceSeconds * 1000);
    entry.timer.unref();
  }

  private expire(entry: Entry, why: string): void {
    const { room, participant } = entry;
    if (room.removeAndAnnounce(participant)) {
      logPresence(this.log, 'participant left', room, participant.id, { why });
    }
  }

  private entry(participant: Participant): Entry | undefined {
    const token = this.tokens.get(participant);
    return token ? this.entries.get(token) : undefined;
  }

  /** How many participations can be resumed now (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  participantAdded(): void {}
  participantChanged(): void {}
  participantRemoved(_room: Room, participant: Participant): void {
    const token = this.tokens.get(participant);
    if (!token) return;
    const entry = this.entries.get(token);
    clearTimeout(entry?.timer);
    this.entries.delete(token);
    this.tokens.delete(participant);
  }
  roomClosed(): void {}
}
