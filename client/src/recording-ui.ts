// The recording indicator (persistent, for everyone while a recording runs),
// the moderators' start/stop button, and the spoken announcement.
import type { Permission } from '../../shared/protocol.js';
import type { Announcer } from './announcer.js';
import { button, type RoomView } from './room-view.js';
import { RequestError, type Signalling } from './signalling.js';
import type { Strings } from './strings.js';

export class RecordingControls {
  private active = false;
  private readonly indicator = document.createElement('p');
  private readonly toggle: HTMLButtonElement;

  constructor(
    private readonly t: Strings,
    private readonly view: RoomView,
    private readonly announcer: Announcer,
    signalling: Signalling,
    allowedInRoom: boolean,
  ) {
    this.indicator.className = 'recording-indicator';
    this.indicator.setAttribute('role', 'status');
    this.indicator.textContent = t.recordingNow;
    this.indicator.hidden = true;
    this.toggle = button(t.startRecording);
    this.toggle.hidden = true;
    this.toggle.dataset.allowed = String(allowedInRoom);
    view.toolbar.leave.before(this.toggle);
    view.notice.before(this.indicator);
    signalling.on('recordingChanged', ({ active }) => {
      this.set(active);
      announcer.announce(active ? t.announceRecordingStarted : t.announceRecordingStopped);
    });
    this.toggle.addEventListener('click', async () => {
      this.toggle.disabled = true;
      try {
        await signalling.request(this.active ? 'stopRecording' : 'startRecording', {});
      } catch (err) {
        view.notice.textContent = err instanceof RequestError ? err.message : String(err);
      } finally {
        this.toggle.disabled = false;
      }
    });
  }

  set(active: boolean): void {
    this.active = active;
    this.indicator.hidden = !active;
    this.toggle.textContent = active ? this.t.stopRecording : this.t.startRecording;
    this.toggle.setAttribute('aria-pressed', String(active));
  }

  /** Only moderators of rooms that allow recording see the button. */
  sync(permissions: Set<Permission>): void {
    this.toggle.hidden = !permissions.has('record') || this.toggle.dataset.allowed !== 'true';
  }
}
