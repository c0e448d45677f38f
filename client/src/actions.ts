// What a person can do in the room. Each action asks the server (which checks
// the permission again) or the media layer, and writes the outcome to the store.
import type { Method, Params, Role } from '../../shared/protocol.js';
import { choose, type DeviceChoice, openCamera, openMic } from './local-media.js';
import { conference } from './room-controller.js';
import { RequestError } from './signalling.js';
import { room, setLocal, setMedia, setPeer, view } from './store.js';
import type { Strings } from './strings.js';

let t: Strings;
export const setActionStrings = (strings: Strings): void => {
  t = strings;
};

const errorText = (err: unknown): string => (err instanceof RequestError ? err.message : err instanceof Error ? err.message : String(err));

/** A request whose failure is shown as the room notice. */
export async function ask<M extends Method>(method: M, params: Params<M>): Promise<boolean> {
  const conf = conference();
  if (!conf) return false;
  try {
    await conf.request(method, params);
    return true;
  } catch (err) {
    room.notice.value = errorText(err);
    return false;
  }
}

/** A request whose failure the caller shows (forms keep their input on failure). */
export async function request<M extends Method>(method: M, params: Params<M>): Promise<void> {
  const conf = conference();
  if (!conf) throw new Error('not connected');
  await conf.request(method, params);
}

export async function toggleMic(): Promise<void> {
  const conf = conference();
  const local = room.local.value;
  if (!conf || local.busy) return;
  const self = room.selfId.value;
  setLocal({ busy: true });
  try {
    if (local.mic === 'on') {
      await conf.setMicMuted(true);
      setLocal({ mic: 'muted' });
      setMedia(self, { micOn: false });
    } else if (conf.hasProducer('mic')) {
      if (!local.mayUnmute) return;
      await conf.setMicMuted(false);
      setLocal({ mic: 'on' });
      setMedia(self, { micOn: true });
    } else {
      // First time on: only now does the browser ask for the microphone.
      const track = await openMic();
      try {
        await conf.publish('mic', track);
      } catch (err) {
        track.stop();
        throw err;
      }
      if (!conf.hasProducer('mic')) {
        track.stop();
        return;
      }
      setLocal({ mic: 'on' });
      setMedia(self, { micOn: true, mic: track });
    }
  } catch (err) {
    room.notice.value = err instanceof DOMException ? t.micUnavailable : errorText(err);
  } finally {
    setLocal({ busy: false });
  }
}

export async function toggleCamera(): Promise<void> {
  const conf = conference();
  if (!conf || room.local.value.busy) return;
  const self = room.selfId.value;
  setLocal({ busy: true });
  try {
    if (conf.hasProducer('camera')) {
      await conf.stopCamera();
      setLocal({ camera: false });
      setMedia(self, { camera: undefined });
    } else {
      const track = await openCamera();
      setMedia(self, { camera: track });
      try {
        await conf.publish('camera', track);
        if (!conf.hasProducer('camera')) throw new Error(t.cameraUnavailable);
      } catch (err) {
        track.stop(); // refused: the camera light goes off again
        setMedia(self, { camera: undefined });
        throw err;
      }
      setLocal({ camera: true });
    }
  } catch (err) {
    room.notice.value = err instanceof DOMException ? t.cameraUnavailable : errorText(err);
  } finally {
    setLocal({ busy: false });
  }
}

/** Another camera or microphone chosen during the session: the producer's track is replaced. */
export async function switchDevice(kind: keyof DeviceChoice, deviceId: string): Promise<void> {
  choose(kind, deviceId);
  const conf = conference();
  if (!conf || kind === 'speaker') return;
  const source = kind === 'camera' ? 'camera' : 'mic';
  if (!conf.hasProducer(source)) return;
  try {
    const track = kind === 'camera' ? await openCamera(true) : await openMic(true);
    if (!(await conf.replaceTrack(source, track))) return track.stop();
    setMedia(room.selfId.value, { [source]: track });
  } catch (err) {
    room.notice.value = errorText(err);
  }
}

export async function toggleHand(): Promise<void> {
  await ask(room.hands.value.mine ? 'lowerHand' : 'raiseHand', {});
}

export async function toggleScreen(): Promise<void> {
  const conf = conference();
  if (!conf) return;
  const self = room.selfId.value;
  if (conf.hasProducer('screen')) {
    await conf.stopScreen();
    return;
  }
  let track: MediaStreamTrack | undefined;
  try {
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: 15 }, audio: false });
    track = stream.getVideoTracks()[0]!;
    await conf.publish('screen', track);
    if (!conf.hasProducer('screen')) throw new Error('not shared');
    setLocal({ screen: true });
    setMedia(self, { screen: track });
  } catch (err) {
    track?.stop(); // not shared: stop capturing the screen
    if (err instanceof RequestError && err.info.code === 'busy') room.notice.value = t.screenBusy;
  }
}

export async function toggleRecording(): Promise<void> {
  await ask(room.recording.value ? 'stopRecording' : 'startRecording', {});
}

/** "Leave me out of the recording" / "Include me". */
export async function toggleRecordingOptOut(optOut: boolean): Promise<void> {
  await ask('setRecordingOptOut', { optOut });
}

export async function rename(displayName: string): Promise<void> {
  const conf = conference();
  if (!conf) return;
  const r = await conf.request('setDisplayName', { displayName });
  const me = room.people.value.get(room.selfId.value);
  if (me) setPeer({ ...me, displayName: r.displayName });
}

export function setAudioOnly(on: boolean): void {
  view.audioOnly.value = on;
  conference()?.setAudioOnly(on);
}

export const moderation = {
  admit: (lobbyId: string) => ask('admit', { lobbyId }),
  deny: (lobbyId: string) => ask('deny', { lobbyId }),
  setRole: (peerId: string, role: Role) => ask('setRole', { peerId, role }),
  lock: (locked: boolean) => ask('lockRoom', { locked }),
  lowerHand: (peerId: string) => ask('lowerHand', { peerId }),
  mute: (peerId: string, allowUnmute: boolean) => ask('muteParticipant', { peerId, allowUnmute }),
  muteAll: () => ask('muteAll', { allowUnmute: true }),
  allowScreens: (multiple: boolean) => ask('allowScreenShares', { multiple }),
  stopCamera: (peerId: string) => ask('stopParticipantCamera', { peerId }),
  remove: (peerId: string) => ask('removeParticipant', { peerId }),
  endMeeting: () => ask('endMeeting', {}),
  /** `null`: remove the spotlight. */
  spotlight: (peerId: string | null) => ask('setSpotlight', { peerId }),
};

export async function leave(): Promise<void> {
  await conference()?.leave();
}
