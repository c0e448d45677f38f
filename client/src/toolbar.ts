// The room toolbar: microphone, camera, hand, screen, name, leave.
import type { PeerInfo, Permission } from '../../shared/protocol.js';
import type { Conference } from './conference.js';
import { RequestError } from './signalling.js';
import { button, type RoomView } from './room-view.js';
import type { Strings } from './strings.js';

export class ToolbarState {
  micMuted = false;
  /** False while a moderator keeps this person muted. */
  mayUnmute = true;
  handUp = false;

  constructor(
    private readonly t: Strings,
    private readonly view: RoomView,
    private readonly conference: Conference,
  ) {}

  /** Bring every button's label and state in line with what is true now. */
  sync(permissions: Set<Permission>): void {
    const { t, view, conference } = this;
    const { mic, camera, hand, screen } = view.toolbar;
    mic.textContent = this.micMuted ? t.unmuteMic : t.muteMic;
    mic.setAttribute('aria-pressed', String(this.micMuted));
    mic.disabled = !conference.hasProducer('mic') || (this.micMuted && !this.mayUnmute);
    camera.textContent = conference.hasProducer('camera') ? t.stopCamera : t.startCamera;
    camera.disabled = !conference.hasProducer('camera') && !conference.device.canProduce('video');
    hand.textContent = this.handUp ? t.lowerHand : t.raiseHand;
    hand.setAttribute('aria-pressed', String(this.handUp));
    hand.hidden = !permissions.has('raiseHand');
    screen.hidden = !permissions.has('shareScreen') || !navigator.mediaDevices?.getDisplayMedia;
    screen.textContent = conference.hasProducer('screen') ? t.stopSharing : t.shareScreen;
  }
}

export function wireToolbar(
  state: ToolbarState,
  t: Strings,
  view: RoomView,
  conference: Conference,
  people: Map<string, PeerInfo>,
  permissions: () => Set<Permission>,
): void {
  const { mic, camera, hand, screen, rename, leave } = view.toolbar;
  const sync = () => state.sync(permissions());

  mic.addEventListener('click', async () => {
    const muted = !state.micMuted;
    try {
      await conference.setMicMuted(muted);
      state.micMuted = muted;
      view.setMicState(conference.self.id, !muted);
    } catch (err) {
      view.notice.textContent = err instanceof RequestError ? err.message : String(err);
    }
    sync();
  });

  camera.addEventListener('click', async () => {
    camera.disabled = true;
    try {
      if (conference.hasProducer('camera')) {
        await conference.stopCamera();
        view.setTrack(conference.self.id, 'camera', null);
      } else {
        const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 960, height: 540 } });
        const track = stream.getVideoTracks()[0]!;
        view.setTrack(conference.self.id, 'camera', track);
        await conference.publish('camera', track).catch((err) => {
          track.stop(); // refused: the camera light goes off again
          view.setTrack(conference.self.id, 'camera', null);
          throw err;
        });
      }
    } finally {
      sync();
    }
  });

  hand.addEventListener('click', async () => {
    await conference.request(state.handUp ? 'lowerHand' : 'raiseHand', {}).catch(() => undefined);
  });

  screen.addEventListener('click', async () => {
    if (conference.hasProducer('screen')) {
      await conference.stopScreen();
      view.setTrack(conference.self.id, 'screen', null);
      return sync();
    }
    let track: MediaStreamTrack | undefined;
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: 15 }, audio: false });
      track = stream.getVideoTracks()[0]!;
      await conference.publish('screen', track);
      if (!conference.hasProducer('screen')) throw new Error('not shared');
      view.setTrack(conference.self.id, 'screen', track);
    } catch (err) {
      track?.stop(); // not shared: stop capturing the screen
      if (err instanceof RequestError && err.info.code === 'busy') view.notice.textContent = t.screenBusy;
    }
    sync();
  });

  rename.addEventListener('click', () => {
    const form = document.createElement('form');
    form.className = 'rename';
    const input = document.createElement('input');
    input.setAttribute('aria-label', t.newName);
    input.maxLength = 64;
    input.value = people.get(conference.self.id)?.displayName ?? '';
    const save = button(t.saveName);
    save.type = 'submit';
    const error = document.createElement('p');
    error.className = 'error';
    error.setAttribute('role', 'alert');
    form.append(input, save, error);
    rename.replaceWith(form);
    input.focus();
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        const r = await conference.request('setDisplayName', { displayName: input.value });
        people.set(conference.self.id, { ...conference.self, displayName: r.displayName });
        view.renameTile(conference.self.id, r.displayName, true);
        form.replaceWith(rename);
        rename.focus();
      } catch (err) {
        error.textContent = (err as Error).message;
      }
    });
  });

  leave.addEventListener('click', () => void conference.leave());
}
