import type { NotificationData, NotificationName, Permission, ProducerInfo, Role } from '../../shared/protocol.js';
import { AulaError } from '../errors.js';
import type { MediaProducer, MediaRouter } from '../media/port.js';
import type { Presentation } from '../presentation/presentation.js';
import type { Breakout } from './breakout.js';
import { ClassroomState } from './classroom-state.js';
import { Lobby } from './lobby.js';
import type { Participant } from './participant.js';
import { hasPermission } from './permissions.js';
import type { Poll, PollSummary } from './poll.js';
import type { RoomSettings } from './settings.js';

/**
 * Who else needs to know when people come and go (the attendance ledger).
 * Called synchronously, after the change. An observer that stores the change
 * returns a promise for when it is durable; it becomes `participant.recorded`.
 */
export interface RoomObserver {
  participantAdded(room: Room, participant: Participant): Promise<void> | void;
  participantChanged(room: Room, participant: Participant): Promise<void> | void;
  participantRemoved(room: Room, participant: Participant): Promise<void> | void;
  roomClosed(room: Room): void;
  /** A moderator ended the meeting (everyone is out; the room stays for next time). */
  meetingEnded?(room: Room): void;
  /** The room's media moved to a new router (its worker died). */
  routerReplaced?(room: Room): void;
  /** A poll closed: its question and counts, never who voted (for a meeting transcript). */
  pollClosed?(room: Room, poll: PollSummary): void;
}

/** A classroom: its router, the participants in it and those waiting in its lobby. */
export class Room {
  readonly participants = new Map<string, Participant>();
  readonly lobby = new Lobby();
  readonly classroom = new ClassroomState();
  locked = false;
  /** The current or last poll of this meeting (counts only once closed). */
  poll: Poll | undefined;
  /** Breakout groups while the class is split. */
  breakout: Breakout | undefined;
  /** Slides or whiteboard on the stage (memory only; the PDF is deleted with it). */
  presentation: Presentation | undefined;
  private closed = false;

  constructor(
    readonly id: string,
    public settings: RoomSettings,
    public linkGeneration: string,
    readonly createdAt: number,
    /** The room's media (the main room's router); breakout groups have their own. */
    public router: MediaRouter,
    private readonly observers: readonly RoomObserver[] = [],
  ) {}

  get title(): string {
    return this.settings.title;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Refuse a newcomer when the room is closed, locked or full. */
  checkEntry(bypassLock: boolean): void {
    if (this.closed) throw new AulaError('not_found', 'this room has ended');
    if (this.locked && !bypassLock) throw new AulaError('room_locked', 'the room is locked');
    if (this.participants.size >= this.settings.maxParticipants) throw new AulaError('room_full', 'the room is full');
  }

  /** `admitted`: let in by a moderator, so the lock does not apply. */
  add(participant: Participant, admitted = false): void {
    this.checkEntry(admitted || hasPermission(participant.role, 'bypassLock'));
    this.participants.set(participant.id, participant);
    participant.recorded = this.tell((o) => o.participantAdded(this, participant));
  }

  /** A new name; the same name again changes nothing and records nothing. */
  rename(participant: Participant, displayName: string): void {
    if (participant.displayName === displayName) return;
    participant.displayName = displayName;
    participant.recorded = this.tell((o) => o.participantChanged(this, participant));
  }

  /** In or out of recordings: the recorder (an observer) starts or stops their captures. */
  setRecordingOptOut(participant: Participant, optOut: boolean): void {
    participant.recordingOptOut = optOut;
    void this.tell((o) => o.participantChanged(this, participant));
  }

  setRole(participant: Participant, role: Role): void {
    if (participant.role === role) return;
    participant.role = role;
    participant.recorded = this.tell((o) => o.participantChanged(this, participant));
  }

  /** Remove a participant and close all its media. Safe to call twice. */
  remove(participant: Participant): boolean {
    if (!this.participants.delete(participant.id)) return false;
    participant.media.close();
    if (this.classroom.lower(participant.id)) this.broadcastHands();
    if (this.classroom.activeSpeaker === participant.id) this.classroom.activeSpeaker = null;
    if (this.classroom.spotlight === participant.id) {
      // The spotlight ends with its person; nobody else is put in it.
      this.classroom.spotlight = null;
      this.broadcast('spotlightChanged', { peerId: null });
    }
    if (this.participants.size === 0) this.endFeatures();
    participant.recorded = this.tell((o) => o.participantRemoved(this, participant));
    return true;
  }

  /** Remove a participant and tell the others (peerLeft); false if they were not here. */
  removeAndAnnounce(participant: Participant): boolean {
    if (!this.remove(participant)) return false;
    this.broadcast('peerLeft', { peerId: participant.id });
    return true;
  }

  /** Tell whoever may admit (or only `to`, who just got the permission) who is waiting in the lobby. */
  lobbyChanged(to?: Participant): void {
    const data = { entries: this.lobby.list() };
    if (to) to.notify('lobbyChanged', data);
    else this.notifyWith('admitLobby', 'lobbyChanged', data);
  }

  broadcast<N extends NotificationName>(name: N, data: NotificationData<N>, except?: Participant): void {
    for (const p of this.participants.values()) if (p !== except) p.notify(name, data);
  }

  /** Notify those in the same breakout group (or main room) as `from`, except `from`. */
  broadcastNear<N extends NotificationName>(from: Participant, name: N, data: NotificationData<N>): void {
    for (const p of this.participants.values()) if (p !== from && p.group === from.group) p.notify(name, data);
  }

  /** The router of a breakout group, or the room's own. */
  routerOf(group: string | undefined): MediaRouter {
    return (group && this.breakout?.groups.get(group)?.router) || this.router;
  }

  /** A poll closed: tell the observers (a transcript) the question and counts. */
  pollClosed(summary: PollSummary): void {
    void this.tell((o) => o.pollClosed?.(this, summary));
  }

  // The meeting is over (everyone left or the room closed): its breakout
  // routers close and its poll is forgotten.
  private endFeatures(): void {
    this.classroom.reset();
    this.breakout?.dispose();
    this.breakout = undefined;
    this.poll = undefined;
    this.presentation?.dispose();
    this.presentation = undefined;
  }

  /** Notify only those whose role has `permission` (e.g. lobby changes to moderators). */
  notifyWith<N extends NotificationName>(permission: Permission, name: N, data: NotificationData<N>): void {
    for (const p of this.participants.values()) if (hasPermission(p.role, permission)) p.notify(name, data);
  }

  /** Each participant's own view of the raised hands. */
  handsFor(p: Participant) {
    const { hands } = this.classroom;
    return {
      count: hands.length,
      mine: hands.includes(p.id),
      ...(hasPermission(p.role, 'lowerHands') ? { queue: [...hands] } : {}),
    };
  }

  broadcastHands(): void {
    for (const p of this.participants.values()) p.notify('handsChanged', this.handsFor(p));
  }

  /** End the meeting for everyone: all leave, the lobby empties, the room stays for next time. */
  endMeeting(reason: string): void {
    for (const e of this.lobby.clear()) {
      e.notify('roomClosed', { code: 'meeting_ended', reason });
      e.turnAway();
    }
    for (const p of [...this.participants.values()]) {
      p.notify('roomClosed', { code: 'meeting_ended', reason });
      this.remove(p);
      p.detach();
    }
    void this.tell((o) => o.meetingEnded?.(this));
  }

  /** Every display name now shown in the room or its lobby. */
  shownNames(except?: Participant): string[] {
    const names = [...this.participants.values()].filter((p) => p !== except).map((p) => p.displayName);
    return [...names, ...this.lobby.names()];
  }

  // An observer's failure (a full disk under the ledger) must not leave the
  // room half-changed; observers report their own errors. The promise never
  // rejects: a caller that need not wait for it says `void this.tell(…)`.
  private tell(call: (o: RoomObserver) => Promise<void> | void): Promise<void> {
    const stored: Promise<void>[] = [];
    for (const o of this.observers) {
      try {
        const p = call(o);
        if (p) stored.push(p);
      } catch {
        // reported by the observer
      }
    }
    return Promise.allSettled(stored).then(() => undefined);
  }

  findProducer(producerId: string): MediaProducer | undefined {
    for (const p of this.participants.values()) {
      const producer = p.media.producers.get(producerId);
      if (producer) return producer;
    }
    return undefined;
  }

  /** The producers `except` can consume: those in its group (or the main room). */
  producers(except?: Participant, group = except?.group): ProducerInfo[] {
    const out: ProducerInfo[] = [];
    for (const p of this.participants.values()) {
      if (p === except || p.group !== group) continue;
      for (const producer of p.media.producers.values()) {
        out.push({
          producerId: producer.id,
          peerId: p.id,
          kind: producer.kind,
          source: producer.appData.source,
          paused: producer.paused,
        });
      }
    }
    return out;
  }

  /**
   * A worker died: the main room (`main`) and the breakout groups in
   * `groups` (by group id) continue on new routers. The media of those on a
   * replaced router is gone with it; each of them builds new transports and
   * publishes again, and the others' consumers follow from producerAdded.
   * Groups whose router lives on another worker go on undisturbed.
   */
  replaceRouters(main: MediaRouter | undefined, groups: ReadonlyMap<string, MediaRouter> = new Map()): void {
    if (main) {
      this.router = main;
      this.classroom.activeSpeaker = null;
    }
    for (const [id, router] of groups) {
      const group = this.breakout?.groups.get(id);
      if (group) group.router = router;
      else router.close(); // the breakout ended meanwhile
    }
    for (const p of this.participants.values()) {
      const inGroup = p.group !== undefined && this.breakout?.groups.has(p.group) === true;
      if (!(inGroup ? groups.has(p.group!) : main)) continue;
      const router = this.routerOf(p.group);
      p.moveMedia(router, p.group);
      p.notify('mediaReset', { routerRtpCapabilities: router.rtpCapabilities });
    }
    if (main) void this.tell((o) => o.routerReplaced?.(this));
  }

  close(reason: string, code: 'room_closed' | 'server_shutdown' | 'room_moved' = 'room_closed'): void {
    if (this.closed) return;
    this.closed = true;
    this.broadcast('roomClosed', { code, reason });
    for (const e of this.lobby.clear()) {
      e.notify('roomClosed', { code, reason });
      e.turnAway();
    }
    for (const p of [...this.participants.values()]) {
      this.remove(p);
      p.detach();
    }
    this.endFeatures();
    void this.tell((o) => o.roomClosed(this));
    this.router.close();
  }
}
