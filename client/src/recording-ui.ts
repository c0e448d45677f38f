// The recording indicator (persistent, for everyone while a recording runs),
// the countdown notice before capture starts, the moderators' start/stop
// button, everyone's "Leave me out of the recording" / "Include me" toggle,
// the "Not recorded" badge on the tiles of those who opted out, and the
// spoken announcements.
import type { PeerInfo, Permission } from '../../shared/protocol.js';
import type { Announcer } from './announcer.js';
import { button, type RoomView } from './room-view.js';
import { RequestError, type Signalling } from './signalling.js';
import type { Strings } from './strings.js';

export class RecordingControls {
  private active = false;
  private optedOut = false;
  private countdown?: ReturnType<typeof setInterval>;
  private readonly indicator = document.createElement('p');
  private readonly leftOutNote = document.createElement('p');
  private readonly toggle: HTMLButtonElement;
  private readonly optOut: HTMLButtonElement;
  private readonly peers = new Map<string, boolean>(); // peer id → opted out

  constructor(
    private readonly t: Strings,
    private readonly view: RoomView,
    private readonly announcer: Announcer,
    private readonly signalling: Signalling,
    allowedInRoom: boolean,
  ) {
    this.indicator.className = 'recording-indicator';
    this.indicator.setAttribute('role', 'status');
    this.indicator.textContent = t.recordingNow;
    this.indicator.hidden = true;
    this.leftOutNote.className = 'recording-left-out';
    this.leftOutNote.textContent = t.leftOut;
    this.leftOutNote.hidden = true;
    this.toggle = button(t.startRecording);
    this.toggle.hidden = true;
    this.toggle.dataset.allowed = String(allowedInRoom);
    this.optOut = button(t.leaveMeOut);
    this.optOut.hidden = true;
    this.optOut.setAttribute('aria-pressed', 'false');
    view.toolbar.leave.before(this.toggle, this.optOut);
    view.notice.before(this.indicator, this.leftOutNote);
    signalling.on('recordingChanged', ({ active, countdownSeconds }) => {
      this.set(active, countdownSeconds);
      if (countdownSeconds) announcer.announce(t.announceRecordingCountdown(countdownSeconds));
      else announcer.announce(active ? t.announceRecordingStarted : t.announceRecordingStopped);
    });
    this.toggle.addEventListener('click', () => this.ask(this.toggle, this.active ? 'stopRecording' : 'startRecording', {}));
    this.optOut.addEventListener('click', () => this.ask(this.optOut, 'setRecordingOptOut', { optOut: !this.optedOut }));
  }

  /** `countdownSeconds`: capture begins after that many seconds; the notice counts down. */
  set(active: boolean, countdownSeconds?: number): void {
    this.active = active;
    clearInterval(this.countdown);
    this.indicator.hidden = !active;
    this.indicator.textContent = this.t.recordingNow;
    if (active && countdownSeconds) {
      let left = countdownSeconds;
      this.indicator.textContent = this.t.recordingCountdown(left);
      this.countdown = setInterval(() => {
        left = Math.max(1, left - 1);
        this.indicator.textContent = this.t.recordingCountdown(left);
      }, 1000);
    }
    this.toggle.textContent = active ? this.t.stopRecording : this.t.startRecording;
    this.toggle.setAttribute('aria-pressed', String(active));
    this.optOut.hidden = !active;
    this.leftOutNote.hidden = !active || !this.optedOut;
  }

  /** A participant's choice, from the join result and peerUpdated: the toggle (for oneself) and the tile badge. */
  setPeer(peer: PeerInfo, isSelf: boolean): void {
    const out = peer.recordingOptOut ?? false;
    this.peers.set(peer.id, out);
    if (isSelf) {
      this.optedOut = out;
      this.optOut.textContent = out ? this.t.includeMe : this.t.leaveMeOut;
      this.optOut.setAttribute('aria-pressed', String(out));
      this.leftOutNote.hidden = !this.active || !out;
    }
    this.badges();
  }

  /** Tiles come and go (breakout groups, joins): put the badges where they belong. */
  badges(): void {
    for (const [id, out] of this.peers) {
      const tile = this.view.root.querySelector<HTMLElement>(`li[data-peer-id="${CSS.escape(id)}"]`);
      if (!tile) continue;
      let badge = tile.querySelector('.not-recorded');
      if (!out) badge?.remove();
      else if (!badge) {
        badge = document.createElement('span');
        badge.className = 'not-recorded';
        badge.textContent = this.t.notRecordedBadge;
        tile.append(badge);
      }
    }
  }

  /** Only moderators of rooms that allow recording see the button. */
  sync(permissions: Set<Permission>): void {
    this.toggle.hidden = !permissions.has('record') || this.toggle.dataset.allowed !== 'true';
  }

  private async ask(b: HTMLButtonElement, method: 'startRecording' | 'stopRecording' | 'setRecordingOptOut', params: Record<string, unknown>): Promise<void> {
    b.disabled = true;
    try {
      await this.signalling.request(method, params as never);
    } catch (err) {
      this.view.notice.textContent = err instanceof RequestError ? err.message : String(err);
    } finally {
      b.disabled = false;
    }
  }
}
