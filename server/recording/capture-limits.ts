// Bounds on capture processes while a room records (review M2). Every
// producer gets its own ffmpeg, and any participant may produce and close
// again and again; without bounds that forks processes without end, fills
// the sidecar and stalls the composer. So, per recording:
//  - one participant: at most PER_PARTICIPANT ffmpeg processes alive at once
//    (mic, camera and screen, plus one still finishing its file), and new
//    captures START_BURST in a row, then one per START_SECONDS;
//  - the room: at most PER_ROOM alive at once and MAX_TRACKS in all.
// A producer beyond a bound is not recorded (the operator sees a count in
// the log); the meeting itself goes on.

export const CAPTURE_LIMITS = {
  perParticipant: 4,
  startBurst: 6,
  startSeconds: 20,
  perRoom: 64,
  maxTracks: 500,
} as const;

export class CaptureLimits {
  /** Captures not admitted so far (for the log). */
  refused = 0;
  private total = 0;
  private alive = 0;
  private readonly perPeer = new Map<string, { alive: number; tokens: number; at: number }>();

  /** Room for one more capture of `peerId`? Then a function to call once its process has exited. */
  admit(peerId: string, now = Date.now()): (() => void) | undefined {
    const l = CAPTURE_LIMITS;
    const peer = this.perPeer.get(peerId) ?? { alive: 0, tokens: l.startBurst, at: now };
    this.perPeer.set(peerId, peer);
    peer.tokens = Math.min(l.startBurst, peer.tokens + (now - peer.at) / 1000 / l.startSeconds);
    peer.at = now;
    if (peer.alive >= l.perParticipant || peer.tokens < 1 || this.alive >= l.perRoom || this.total >= l.maxTracks) {
      this.refused++;
      return undefined;
    }
    peer.tokens -= 1;
    peer.alive++;
    this.alive++;
    this.total++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      peer.alive--;
      this.alive--;
    };
  }

  /** Processes admitted and not yet exited. */
  get running(): number {
    return this.alive;
  }
}
