// This browser's camera, microphone and speaker: which ones the person chose
// (remembered in localStorage, device ids only, never labels), opening them
// only when asked, a level meter and a test sound.
import { signal } from '@preact/signals';
import { local } from './storage.js';

export interface DeviceChoice {
  camera?: string;
  mic?: string;
  speaker?: string;
}

const KEY = 'aula-devices';

function readChoice(): DeviceChoice {
  try {
    const v = JSON.parse(local.getItem(KEY) ?? '{}') as Record<string, unknown>;
    const pick = (k: string) => (typeof v[k] === 'string' ? { [k]: v[k] } : {});
    return { ...pick('camera'), ...pick('mic'), ...pick('speaker') };
  } catch {
    return {};
  }
}

export const devices = {
  choice: signal<DeviceChoice>(readChoice()),
  /** Known after the first permission grant; labels are empty before that. */
  list: signal<MediaDeviceInfo[]>([]),
};

export function choose(kind: keyof DeviceChoice, deviceId: string): void {
  devices.choice.value = { ...devices.choice.value, [kind]: deviceId };
  local.setItem(KEY, JSON.stringify(devices.choice.value));
}

export async function refreshDevices(): Promise<void> {
  try {
    devices.list.value = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.deviceId);
  } catch {
    devices.list.value = [];
  }
}

/**
 * The remembered device if it is still there (`ideal`), or exactly the one
 * just picked (`exact`: a switch must not silently land on the old device).
 */
const pick = (id: string | undefined, exact: boolean) => (id ? { deviceId: exact ? { exact: id } : { ideal: id } } : {});

/** Ask for the microphone (this is when the browser asks the person). */
export async function openMic(exact = false): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { ...pick(devices.choice.value.mic, exact), echoCancellation: true, noiseSuppression: true },
  });
  void refreshDevices();
  return stream.getAudioTracks()[0]!;
}

/** Ask for the camera, 960×540 (the top simulcast layer). */
export async function openCamera(exact = false): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { ...pick(devices.choice.value.camera, exact), width: 960, height: 540 },
  });
  void refreshDevices();
  return stream.getVideoTracks()[0]!;
}

type SinkElement = HTMLMediaElement & { setSinkId?: (id: string) => Promise<void> };

/** Route an element's sound to the chosen speaker, where the browser can. */
export function applySpeaker(el: HTMLMediaElement): void {
  const id = devices.choice.value.speaker;
  const sink = el as SinkElement;
  if (id && sink.setSinkId) void sink.setSinkId(id).catch(() => undefined);
}

/** A short two-tone chime through the chosen speaker, generated here (no file). */
export async function playTestSound(): Promise<void> {
  const ctx = new AudioContext();
  const dest = ctx.createMediaStreamDestination();
  const gain = ctx.createGain();
  gain.gain.value = 0.2;
  gain.connect(dest);
  for (const [freq, at] of [
    [660, 0],
    [880, 0.35],
  ] as const) {
    const osc = ctx.createOscillator();
    osc.frequency.value = freq;
    osc.connect(gain);
    osc.start(ctx.currentTime + at);
    osc.stop(ctx.currentTime + at + 0.3);
  }
  const audio = new Audio();
  audio.srcObject = dest.stream;
  applySpeaker(audio);
  await audio.play().catch(() => undefined);
  setTimeout(() => {
    audio.srcObject = null;
    void ctx.close();
  }, 900);
}

/** Calls `onLevel` with the microphone's level (0..1) about 10 times a second until stopped. */
export function levelMeter(track: MediaStreamTrack, onLevel: (level: number) => void): () => void {
  const ctx = new AudioContext();
  const source = ctx.createMediaStreamSource(new MediaStream([track]));
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 512;
  source.connect(analyser);
  const data = new Uint8Array(analyser.fftSize);
  const timer = setInterval(() => {
    analyser.getByteTimeDomainData(data);
    let peak = 0;
    for (const v of data) peak = Math.max(peak, Math.abs(v - 128) / 128);
    onLevel(Math.min(1, peak * 1.5));
  }, 100);
  return () => {
    clearInterval(timer);
    source.disconnect();
    void ctx.close();
  };
}
