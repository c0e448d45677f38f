// Feeds the ledger from the rooms: the first person in starts a meeting
// occurrence, the last one out ends it.
import type { Logger } from '../log.js';
import type { Participant } from '../rooms/participant.js';
import type { Room, RoomObserver } from '../rooms/room.js';
import type { Ledger } from './ledger.js';
import type { MeetingHooks } from '../cluster/cluster.js';

export class Attendance implements RoomObserver {
  private readonly open = new Map<string, string>(); // room id → meeting id

  constructor(
    private readonly ledger: Ledger,
    private readonly log: Logger,
    /** Several nodes: continue a meeting that moved here, and index the meetings in Redis. */
    private readonly cluster?: MeetingHooks,
  ) {}

  participantAdded(room: Room, p: Participant): void {
    let meetingId = this.open.get(room.id);
    if (!meetingId) {
      try {
        meetingId = this.ledger.start(room.id, room.title, undefined, this.cluster?.idFor(room.id)).id;
      } catch (err) {
        this.log.error({ room: room.id, err: (err as NodeJS.ErrnoException).code ?? 'error' }, 'attendance ledger start failed');
        return;
      }
      this.open.set(room.id, meetingId);
      this.cluster?.started(room.id, meetingId);
      this.log.info({ room: room.id, meeting: meetingId }, 'meeting started');
    }
    this.record(meetingId, { type: 'join', session: p.id, displayName: p.displayName, role: p.role });
  }

  participantChanged(room: Room, p: Participant): void {
    const meetingId = this.open.get(room.id);
    if (meetingId) this.record(meetingId, { type: 'change', session: p.id, displayName: p.displayName, role: p.role });
  }

  participantRemoved(room: Room, p: Participant): void {
    const meetingId = this.open.get(room.id);
    if (!meetingId) return;
    this.record(meetingId, { type: 'leave', session: p.id });
    if (room.participants.size === 0) this.endMeeting(room);
  }

  roomClosed(room: Room): void {
    this.endMeeting(room);
  }

  private endMeeting(room: Room): void {
    const meetingId = this.open.get(room.id);
    if (!meetingId) return;
    this.open.delete(room.id);
    this.cluster?.ended(room.id, meetingId);
    try {
      this.ledger.end(meetingId);
    } catch (err) {
      this.log.error({ meeting: meetingId, err: (err as NodeJS.ErrnoException).code ?? 'error' }, 'attendance ledger end failed');
    }
    this.log.info({ room: room.id, meeting: meetingId }, 'meeting ended');
  }

  // A failing disk must not take the meeting down with it: the class goes on,
  // and the operator sees the error in the log (without names).
  private record(meetingId: string, event: Omit<Parameters<Ledger['append']>[1], 'at'>): void {
    try {
      this.ledger.append(meetingId, { ...event, at: new Date().toISOString() });
    } catch (err) {
      this.log.error({ meeting: meetingId, event: event.type, err: (err as NodeJS.ErrnoException).code ?? 'error' }, 'attendance ledger write failed');
    }
  }
}
