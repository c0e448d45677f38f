// One running recording of one room: a capture per producer (also those that
// start later: the room's media reports every new producer), pseudonyms
// for everyone who is in the room while it runs, and the chat transcript.
// Display names stay in memory (the anonymiser) and are never written.
// Whoever opted out (Participant.recordingOptOut) has nothing captured: their
// captures stop when they opt out and start again when they opt back in, and
// their chat is a line without text.
import type { NotificationData } from '../../shared/protocol.js';
import type { Logger } from '../log.js';
import type { MediaProducer, MediaRouter } from '../media/port.js';
import { refusal } from '../media/refusal.js';
import type { Participant } from '../rooms/participant.js';
import type { Room } from '../rooms/room.js';
import { Anonymiser } from './anonymiser.js';
import { TrackCapture } from './capture.js';
import { CaptureLimits } from './capture-limits.js';
import { randomId, type RecordingStore, type Sidecar, type Track } from './store.js';

const clock = (ms: number) => {
  const s = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
};

export class RoomRecording {
  readonly sidecar: Sidecar;
  private readonly anonymiser = new Anonymiser();
  private readonly captures = new Map<string, { capture: TrackCapture; track: Track }>(); // by producer id
  private startedAt = Date.now();
  private readonly limits = new CaptureLimits();
  private stopped = false;
  private begun = false;
  private readonly optedOut = new Set<string>(); // participant ids whose captures are stopped
  private readonly stopping: Array<Promise<void>> = []; // their captures, finishing their files
  private router?: MediaRouter;
  private unfollow?: () => void;

  constructor(
    private readonly room: Room,
    private readonly store: RecordingStore,
    private readonly ffmpeg: string,
    private readonly log: Logger,
  ) {
    this.sidecar = store.create(room.id);
  }

  get id(): string {
    return this.sidecar.id;
  }

  /** Whether capture began (it does not during the countdown). */
  get started(): boolean {
    return this.begun;
  }

  start(): void {
    if (this.stopped || this.begun) return;
    this.begun = true;
    this.startedAt = Date.now();
    this.sidecar.startedAt = new Date(this.startedAt).toISOString();
    for (const p of this.room.participants.values()) {
      this.seen(p);
      for (const producer of p.media.producers.values()) void this.capture(producer);
    }
    this.followRouter();
  }

  /** Watch the room's current router (a new one after its worker died: tracks continue as new tracks). */
  followRouter(): void {
    if (this.stopped || this.router === this.room.router) return;
    this.unfollow?.();
    this.router = this.room.router;
    this.unfollow = this.router.onProducer((producer) => void this.capture(producer));
  }

  /** Someone joined or renamed while recording: they get (or keep) their pseudonym. */
  seen(p: Participant): void {
    if (this.stopped || !this.begun) return;
    const before = this.anonymiser.count;
    this.anonymiser.pseudonym(p.id, p.displayName);
    if (this.anonymiser.count !== before) {
      this.sidecar.participants = this.anonymiser.count;
      this.save();
    }
    // Out of the recording: their captures stop; back in: they start again (as new tracks).
    if (p.recordingOptOut === this.optedOut.has(p.id)) return;
    if (p.recordingOptOut) {
      this.optedOut.add(p.id);
      for (const [producerId, c] of this.captures) {
        if (!p.media.producers.has(producerId)) continue;
        this.captures.delete(producerId);
        c.track.endMs ??= Date.now() - this.startedAt;
        this.stopping.push(c.capture.stop());
      }
      this.save();
    } else {
      this.optedOut.delete(p.id);
      for (const producer of p.media.producers.values()) void this.capture(producer);
    }
  }

  chat(message: NotificationData<'chatMessage'>): void {
    if (this.stopped || !this.begun) return;
    const at = `[${clock(Date.now() - this.startedAt)}]`;
    if (this.room.participants.get(message.peerId)?.recordingOptOut) {
      this.store.appendTranscript(this.id, `${at} a participant who opted out (message not recorded)`);
      this.sidecar.chatMessages++;
      return this.save();
    }
    const sender = this.anonymiser.pseudonym(message.peerId);
    // Those waiting in the lobby are named in chat too.
    this.anonymiser.others(new Map(this.room.lobby.list().map((e) => [e.id, e.displayName])));
    const text = this.anonymiser.scrub(message.text).replace(/\r?\n/g, ' ');
    this.store.appendTranscript(this.id, `${at} ${sender}: ${text}`);
    this.sidecar.chatMessages++;
    this.save();
  }

  /** Producers not captured because a bound of capture-limits.ts was reached. */
  get refusedCaptures(): number {
    return this.limits.refused;
  }

  /** ffmpeg processes still capturing (for operators and for the crash test). */
  pids(): number[] {
    return [...this.captures.values()].filter((c) => c.capture.running).map((c) => c.capture.pid!);
  }

  /** Stop every capture and let ffmpeg finish the files; the names are forgotten. */
  async stop(): Promise<Sidecar> {
    if (!this.stopped) {
      this.stopped = true;
      this.unfollow?.();
      this.anonymiser.clear();
      await Promise.all([...[...this.captures.values()].map(({ capture }) => capture.stop()), ...this.stopping]);
      const now = Date.now();
      for (const { track } of this.captures.values()) track.endMs ??= now - this.startedAt;
      this.sidecar.stoppedAt = new Date(now).toISOString();
      this.sidecar.durationSeconds = Math.round((now - this.startedAt) / 100) / 10;
      this.sidecar.state = 'processing';
      this.save();
    }
    return this.sidecar;
  }

  private async capture(producer: MediaProducer): Promise<void> {
    const { peerId, source } = producer.appData;
    if (this.stopped || producer.closed || this.captures.has(producer.id) || !peerId) return;
    const participant = this.room.participants.get(peerId);
    if (participant?.recordingOptOut) return;
    const release = this.limits.admit(peerId);
    if (!release) {
      this.log.warn({ room: this.room.id, refused: this.limits.refused }, 'recording: capture limit reached, a track is not recorded');
      return;
    }
    const file = `${randomId()}.webm`;
    const track: Track = {
      file,
      kind: producer.kind,
      source,
      participant: this.anonymiser.pseudonym(peerId, participant?.displayName),
      startMs: Date.now() - this.startedAt,
    };
    try {
      const writer = this.store.writer(this.id, `tracks/${file}`);
      const capture = await TrackCapture.start(this.room.router, producer, { ffmpeg: this.ffmpeg, writer, log: this.log }).catch((err) => {
        writer.close();
        release();
        throw err;
      });
      if (capture.running) capture.process.once('exit', release).once('error', release);
      else release();
      this.captures.set(producer.id, { capture, track });
      if (this.stopped) return void capture.stop();
      // They opted out while the capture was being set up.
      if (this.optedOut.has(peerId)) {
        this.captures.delete(producer.id);
        return void this.stopping.push(capture.stop());
      }
      // Measured from when media flows to ffmpeg (the capture resumes shortly after starting).
      track.startMs = Date.now() - this.startedAt + 400;
      capture.tap.onClose(() => {
        track.endMs ??= Date.now() - this.startedAt;
        this.save();
      });
      this.sidecar.participants = this.anonymiser.count;
      this.sidecar.tracks.push(track);
      this.save();
    } catch (err) {
      release();
      if (producer.closed || this.room.isClosed) return;
      // A producer mediasoup cannot hand on (odd parameters a client sent) is
      // the client's doing and must not fill the error log; the rest is ours.
      // Also a producer that closed while the capture was being set up (mediasoup: "not found").
      const refused = refusal('capture', err) && /\[method:transport\.consume\]|^Producer with id "[^"]*" not found/.test((err as Error).message);
      const level = refused ? 'debug' : 'error';
      this.log[level]({ room: this.room.id, err: (err as Error).message }, 'recording: a track could not be captured');
    }
  }

  private save(): void {
    try {
      this.store.save(this.sidecar);
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'recording: cannot write the sidecar');
    }
  }
}
