// Recordings of all rooms: at most one running per room. Watches rooms (a
// RoomObserver) so that people who join or rename while a recording runs get
// a pseudonym, and so that a recording stops when its room closes or empties.
// Stopped recordings go to the composer; at start-up, recordings an earlier
// run left unfinished (a crash, a kill) are composed from their partial tracks.
import type { NotificationData } from '../../shared/protocol.js';
import { AulaError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Participant } from '../rooms/participant.js';
import type { Room, RoomObserver } from '../rooms/room.js';
import { Composer, type Composition } from './composer.js';
import { RoomRecording } from './recorder.js';
import { RecordingStore } from './store.js';

export class RecordingManager implements RoomObserver {
  readonly store: RecordingStore;
  readonly composer: Composer;
  private readonly running = new Map<string, RoomRecording>(); // by room id

  constructor(
    dataDir: string,
    retentionDays: number,
    private readonly ffmpeg: string,
    private readonly log: Logger,
    /** The key that wraps each recording's key, how recordings are composed, the notice's countdown. */
    private readonly o: { masterKey: Buffer; composition?: Composition; countdownSeconds?: number },
  ) {
    this.store = new RecordingStore(dataDir, retentionDays, o.masterKey);
    this.composer = new Composer(this.store, ffmpeg, log, o.composition);
  }

  /** Compose what an earlier run left behind (its capture files play up to where they stopped). */
  recover(): number {
    let n = 0;
    for (const r of this.store.list()) {
      if (r.state !== 'recording' && r.state !== 'processing') continue;
      // Its length is unknown (the composer measures the tracks), and so are the ends of its tracks.
      if (r.state === 'recording') this.store.save({ ...r, state: 'processing', interrupted: true, durationSeconds: undefined });
      this.composer.enqueue(r.id);
      n++;
    }
    if (n) this.log.warn({ recordings: n }, 'recordings left unfinished by an earlier run are being composed');
    return n;
  }

  isRecording(room: Room): boolean {
    return this.running.has(room.id);
  }

  get(room: Room): RoomRecording | undefined {
    return this.running.get(room.id);
  }

  start(room: Room): RoomRecording {
    if (!room.settings.recording) throw new AulaError('forbidden', 'this room does not allow recording');
    if (this.running.has(room.id)) throw new AulaError('busy', 'a recording is running already');
    const recording = new RoomRecording(room, this.store, this.ffmpeg, this.log);
    this.running.set(room.id, recording);
    // Everyone is told first; capture begins after the countdown, time enough to opt out.
    const countdown = this.o.countdownSeconds ?? 0;
    room.broadcast('recordingChanged', countdown ? { active: true, countdownSeconds: countdown } : { active: true });
    const begin = () => {
      if (this.running.get(room.id) !== recording) return; // stopped during the countdown
      recording.start();
      if (countdown) room.broadcast('recordingChanged', { active: true });
      this.log.info({ room: room.id, recording: recording.id }, 'recording started');
    };
    if (countdown) setTimeout(begin, countdown * 1000).unref();
    else begin();
    return recording;
  }

  async stop(room: Room): Promise<boolean> {
    const recording = this.running.get(room.id);
    if (!recording) return false;
    this.running.delete(room.id);
    if (!room.isClosed) room.broadcast('recordingChanged', { active: false });
    // Stopped in the countdown: nothing was recorded, nothing is kept.
    if (!recording.started) {
      await recording.stop();
      this.store.delete(recording.id);
      return true;
    }
    await recording.stop();
    this.log.info({ room: room.id, recording: recording.id }, 'recording stopped');
    this.composer.enqueue(recording.id);
    return true;
  }

  chat(room: Room, message: NotificationData<'chatMessage'>): void {
    this.running.get(room.id)?.chat(message);
  }

  /** Whether a recording is still being written (retention and deletion leave it alone). */
  busy(id: string): boolean {
    return this.composer.current === id || [...this.running.values()].some((r) => r.id === id);
  }

  /** Delete a recording; a running one is stopped first. */
  async delete(id: string): Promise<boolean> {
    for (const [roomId, r] of this.running) {
      if (r.id !== id) continue;
      this.running.delete(roomId);
      await r.stop();
    }
    if (this.composer.current === id) throw new AulaError('busy', 'this recording is being composed; delete it when that is done');
    return this.store.delete(id);
  }

  purge(now = new Date(), purged?: (id: string) => void): number {
    return this.store.purge(now, (id) => this.busy(id), purged);
  }

  /** Stop every recording so that its files are complete (server shutdown). */
  async close(): Promise<void> {
    const rooms = [...this.running.values()];
    this.running.clear();
    await Promise.all(rooms.map((r) => r.stop()));
  }

  participantAdded(_room: Room, p: Participant): void {
    this.running.get(_room.id)?.seen(p);
  }

  participantChanged(room: Room, p: Participant): void {
    this.running.get(room.id)?.seen(p);
  }

  participantRemoved(room: Room): void {
    if (room.participants.size === 0 && this.running.has(room.id)) void this.stop(room).catch(() => undefined);
  }

  routerReplaced(room: Room): void {
    this.running.get(room.id)?.followRouter();
  }

  roomClosed(room: Room): void {
    if (this.running.has(room.id)) void this.stop(room).catch(() => undefined);
  }
}
