// Entry point: the join page (name, preview, Join) and then the room view.
import type { types } from 'mediasoup-client';
import { Conference } from './conference.js';
import { button, RoomView } from './room-view.js';
import { RequestError, Signalling } from './signalling.js';
import { pickStrings, type Strings } from './strings.js';

const { lang, t } = pickStrings();
document.documentElement.lang = lang;
const app = document.getElementById('app')!;

function show(...nodes: Node[]): void {
  app.replaceChildren(...nodes);
}

function message(text: string, className = ''): HTMLParagraphElement {
  const p = document.createElement('p');
  p.textContent = text;
  if (className) p.className = className;
  return p;
}

function roomIdFromPath(): string | null {
  const m = /^\/r\/([A-Za-z0-9_-]{1,64})\/?$/.exec(location.pathname);
  return m ? m[1]! : null;
}

async function getLocalMedia(): Promise<MediaStream | null> {
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
  } catch {
    try {
      return await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      return null;
    }
  }
}

async function joinPage(roomId: string): Promise<void> {
  let signalling: Signalling;
  let caps: { title: string; routerRtpCapabilities: Record<string, unknown> };
  try {
    signalling = await Signalling.connect();
    caps = await signalling.request('getRouterRtpCapabilities', { roomId });
  } catch (err) {
    const notFound = err instanceof RequestError && err.info.code === 'not_found';
    show(message(notFound ? t.roomNotFound : t.serverUnreachable, 'error'));
    return;
  }
  document.title = `${caps.title} – aula`;

  const form = document.createElement('form');
  form.className = 'join';
  form.method = 'post'; // never GET: the name must not end up in a URL
  form.noValidate = true;
  const h1 = document.createElement('h1');
  h1.textContent = caps.title;
  const label = document.createElement('label');
  label.htmlFor = 'display-name';
  label.textContent = t.displayName;
  const input = document.createElement('input');
  input.id = 'display-name';
  input.name = 'displayName';
  input.setAttribute('autocomplete', 'nickname');
  input.maxLength = 64;
  input.required = true;
  input.setAttribute('aria-describedby', 'display-name-hint');
  const hint = message(t.displayNameHint, 'hint');
  hint.id = 'display-name-hint';
  const preview = document.createElement('video');
  preview.className = 'preview';
  preview.autoplay = true;
  preview.muted = true;
  preview.playsInline = true;
  preview.setAttribute('aria-label', t.preview);
  const status = message('', 'error');
  status.setAttribute('role', 'alert');
  const joinButton = button(t.join, 'primary');
  joinButton.type = 'submit';
  form.append(h1, label, input, hint, preview, joinButton, status);
  show(form);
  input.focus();

  // The submit handler is in place before anything is awaited: a native form
  // submission would reload the page with the name in the URL.
  const localMedia = getLocalMedia().then((local) => {
    if (local) preview.srcObject = local;
    else form.insertBefore(message(t.noDevices, 'hint'), joinButton);
    return local;
  });

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const name = input.value.trim();
    if (!name) {
      status.textContent = t.displayNameMissing;
      input.focus();
      return;
    }
    joinButton.disabled = true;
    joinButton.textContent = t.joining;
    localMedia
      .then((local) => enterRoom(signalling, roomId, caps, name, local))
      .catch((err: Error) => {
        joinButton.disabled = false;
        joinButton.textContent = t.join;
        status.textContent = t.joinFailed(err.message);
      });
  });
}

async function enterRoom(
  signalling: Signalling,
  roomId: string,
  caps: { title: string; routerRtpCapabilities: Record<string, unknown> },
  displayName: string,
  local: MediaStream | null,
): Promise<void> {
  const view = new RoomView(t, caps.title);
  const conference = new Conference(signalling, roomId, {
    peerJoined: (peer) => view.addTile(peer.id, peer.displayName, false),
    peerLeft: (peerId) => view.removeTile(peerId),
    track: (peerId, source, track) => view.setTrack(peerId, source, track),
    micState: (peerId, on) => view.setMicState(peerId, on),
    ended: (reason) => endedPage(t, reason, roomId),
  });
  const peers = await conference.join(displayName, caps.routerRtpCapabilities as unknown as types.RtpCapabilities);
  view.addTile(conference.self.id, displayName, true);
  for (const p of peers) view.addTile(p.id, p.displayName, false);
  show(view.root);

  const mic = local?.getAudioTracks()[0];
  const cam = local?.getVideoTracks()[0];
  if (cam) view.setTrack(conference.self.id, 'camera', cam);
  if (mic) await conference.publish('mic', mic);
  if (cam) await conference.publish('camera', cam);
  wireToolbar(view, conference);
  exposeDiagnostics(conference);
}

function wireToolbar(view: RoomView, conference: Conference): void {
  const { mic, camera, leave } = view.toolbar;
  let micMuted = false;
  mic.disabled = !conference.hasProducer('mic');
  mic.setAttribute('aria-pressed', 'false');
  mic.addEventListener('click', async () => {
    micMuted = !micMuted;
    mic.textContent = micMuted ? t.unmuteMic : t.muteMic;
    mic.setAttribute('aria-pressed', String(micMuted));
    view.setMicState(conference.self.id, !micMuted);
    await conference.setMicMuted(micMuted);
  });

  camera.disabled = !conference.hasProducer('camera') && !conference.device.canProduce('video');
  camera.textContent = conference.hasProducer('camera') ? t.stopCamera : t.startCamera;
  camera.addEventListener('click', async () => {
    camera.disabled = true;
    try {
      if (conference.hasProducer('camera')) {
        await conference.stopCamera();
        view.setTrack(conference.self.id, 'camera', null);
      } else {
        const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
        const track = stream.getVideoTracks()[0]!;
        view.setTrack(conference.self.id, 'camera', track);
        await conference.publish('camera', track);
      }
    } finally {
      camera.textContent = conference.hasProducer('camera') ? t.stopCamera : t.startCamera;
      camera.disabled = false;
    }
  });

  leave.addEventListener('click', () => void conference.leave());
}

function endedPage(strings: Strings, reason: 'left' | 'closed' | 'disconnected', roomId: string): void {
  const text = reason === 'left' ? strings.left : reason === 'closed' ? strings.roomClosed : strings.disconnected;
  const again = document.createElement('a');
  again.href = `/r/${roomId}`;
  again.textContent = strings.rejoin;
  show(message(text), again);
  delete (window as { aula?: unknown }).aula;
}

// Receive statistics, read by the end-to-end tests and (later) by "report a
// problem". Holds no names and is never sent anywhere by itself.
function exposeDiagnostics(conference: Conference): void {
  (window as { aula?: unknown }).aula = { self: conference.self.id, stats: () => conference.stats() };
}

const roomId = roomIdFromPath();
if (roomId) void joinPage(roomId);
else show(message(t.noRoom));
