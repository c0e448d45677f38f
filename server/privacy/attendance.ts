// Feeds the ledger from the rooms: the first person in starts a meeting
// occurrence, the last one out ends it — unless the room fills again within
// `coalesceSeconds` (a reconnect, a short break, or someone looping
// join/leave): then it is the same occurrence. The meeting ends at the time
// the last person left.
//
// The observer methods return a promise that settles when the event is on
// disk (or its failure logged): the room hands it to the participant
// (`participant.recorded`), and the signalling answer waits for it.
import type { Logger } from '../log.js';
import type { Participant } from '../rooms/participant.js';
import type { Room, RoomObserver } from '../rooms/room.js';
import type { Ledger, LedgerEvent } from './ledger.js';

/** Several nodes (server/cluster): continue a meeting that moved to this node, and index meetings in Redis. */
export interface MeetingHooks {
  /** The meeting to continue in this room (it moved here from a node that died), if any. */
  idFor(roomId: string): string | undefined;
  started(roomId: string, meetingId: string): void;
  ended(roomId: string, meetingId: string): void;
}

/** How long a join, leave or rename waits for its ledger line before it is answered anyway. */
const STALL_MS = 5_000; // under the dispatcher's request timeout (10 s)

interface OpenMeeting {
  id: string;
  /** Set while the room is empty: when the last person left, and the timer that ends the meeting. */
  empty?: { since: Date; timer: NodeJS.Timeout };
}

export class Attendance implements RoomObserver {
  private readonly open = new Map<string, OpenMeeting>(); // by room id

  constructor(
    private readonly ledger: Ledger,
    private readonly log: Logger,
    private readonly coalesceSeconds = 60,
    /** Several nodes: continue a meeting that moved here, and index the meetings in Redis. */
    private readonly cluster?: MeetingHooks,
  ) {}

  participantAdded(room: Room, p: Participant): Promise<void> | void {
    let meeting = this.open.get(room.id);
    if (meeting?.empty) {
      clearTimeout(meeting.empty.timer);
      meeting.empty = undefined;
    }
    if (!meeting) {
      try {
        meeting = { id: this.ledger.start(room.id, room.title, undefined, this.cluster?.idFor(room.id)).id };
      } catch (err) {
        this.log.error({ room: room.id, err: (err as NodeJS.ErrnoException).code ?? 'error' }, 'attendance ledger start failed');
        return;
      }
      this.open.set(room.id, meeting);
      this.cluster?.started(room.id, meeting.id);
      this.log.info({ room: room.id, meeting: meeting.id }, 'meeting started');
    }
    return this.record(meeting.id, { type: 'join', session: p.id, displayName: p.displayName, role: p.role });
  }

  participantChanged(room: Room, p: Participant): Promise<void> | void {
    const meeting = this.open.get(room.id);
    if (meeting) return this.record(meeting.id, { type: 'change', session: p.id, displayName: p.displayName, role: p.role });
  }

  participantRemoved(room: Room, p: Participant): Promise<void> | void {
    const meeting = this.open.get(room.id);
    if (!meeting) return;
    const recorded = this.record(meeting.id, { type: 'leave', session: p.id });
    if (room.participants.size === 0) {
      const since = new Date();
      if (this.coalesceSeconds === 0) this.endMeeting(room.id, since);
      else {
        const timer = setTimeout(() => this.endMeeting(room.id, since), this.coalesceSeconds * 1000);
        timer.unref();
        meeting.empty = { since, timer };
      }
    }
    return recorded;
  }

  /** Ended by a moderator: over now, even if the next class comes in within coalesceSeconds. */
  meetingEnded(room: Room): void {
    this.endMeeting(room.id, this.open.get(room.id)?.empty?.since ?? new Date());
  }

  roomClosed(room: Room): void {
    this.endMeeting(room.id, this.open.get(room.id)?.empty?.since ?? new Date());
  }

  /** End every open meeting now (server shutdown) and wait until the ledger is written. */
  async close(): Promise<void> {
    for (const [roomId, m] of this.open) this.endMeeting(roomId, m.empty?.since ?? new Date());
    await this.ledger.idle();
  }

  private endMeeting(roomId: string, at: Date): void {
    const meeting = this.open.get(roomId);
    if (!meeting) return;
    this.open.delete(roomId);
    if (meeting.empty) clearTimeout(meeting.empty.timer);
    this.cluster?.ended(roomId, meeting.id);
    this.ledger.end(meeting.id, at).catch((err: unknown) => {
      this.log.error({ meeting: meeting.id, err: (err as NodeJS.ErrnoException).code ?? 'error' }, 'attendance ledger end failed');
    });
    this.log.info({ room: roomId, meeting: meeting.id }, 'meeting ended');
  }

  // A failing disk must not take the meeting down with it: the class goes on,
  // and the operator sees the error in the log (without names). A disk that
  // hangs is treated alike: after STALL_MS the answer goes out anyway.
  private record(meetingId: string, event: Omit<LedgerEvent, 'at'>): Promise<void> {
    const written = this.ledger.append(meetingId, { ...event, at: new Date().toISOString() }).catch((err: unknown) => {
      this.log.error({ meeting: meetingId, event: event.type, err: (err as NodeJS.ErrnoException).code ?? 'error' }, 'attendance ledger write failed');
    });
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.log.error({ meeting: meetingId, event: event.type, seconds: STALL_MS / 1000 }, 'attendance ledger write is not done; answering without it');
        resolve();
      }, STALL_MS);
      timer.unref();
    });
    return Promise.race([written.finally(() => clearTimeout(timer)), stalled]);
  }
}
