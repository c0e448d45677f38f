// Entry point: the join page (name, preview, Join), the lobby, the room.
import type { types } from 'mediasoup-client';
import type { JoinedData, PeerInfo, Permission, Result } from '../../shared/protocol.js';
import { Conference, type EndReason } from './conference.js';
import { ModerationPanel } from './moderation-panel.js';
import { problemButton } from './problem-dialog.js';
import { button, RoomView } from './room-view.js';
import { RequestError, Signalling } from './signalling.js';
import { pickStrings, type Strings } from './strings.js';

const { lang, t } = pickStrings();
document.documentElement.lang = lang;
const app = document.getElementById('app')!;
type Hello = Result<'hello'>;

function show(...nodes: Node[]): void {
  app.replaceChildren(...nodes);
}

function message(text: string, className = ''): HTMLParagraphElement {
  const p = document.createElement('p');
  p.textContent = text;
  if (className) p.className = className;
  return p;
}

function link(text: string, href: string): HTMLAnchorElement {
  const a = document.createElement('a');
  a.href = href;
  a.textContent = text;
  return a;
}

function roomIdFromPath(): string | null {
  const m = /^\/r\/([A-Za-z0-9_-]{1,64})\/?$/.exec(location.pathname);
  return m ? m[1]! : null;
}

// The link token sits in the URL fragment (#t=…): browsers never send it to a
// server or put it in a Referer. Once read, it leaves the address bar (and so
// the history of a shared computer) and is kept for this tab only.
function takeToken(roomId: string): string | null {
  const key = `aula-token:${roomId}`;
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('t');
  if (fromHash) {
    sessionStorage.setItem(key, fromHash);
    history.replaceState(null, '', location.pathname);
    return fromHash;
  }
  return sessionStorage.getItem(key);
}

/** The message a user sees for a refused request: what they can act on, no more. */
function explain(err: unknown): string {
  const code = err instanceof RequestError ? err.info.code : undefined;
  switch (code) {
    case 'invalid_link':
      return t.invalidLink;
    case 'link_expired':
      return t.expiredLink;
    case 'not_found':
      return t.roomNotFound;
    case 'room_full':
      return t.roomFull;
    case 'room_locked':
      return t.roomLocked;
    case undefined:
      return t.serverUnreachable;
    default:
      return (err as Error).message;
  }
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

async function joinPage(roomId: string, token: string): Promise<void> {
  let signalling: Signalling;
  let hello: Hello;
  try {
    signalling = await Signalling.connect();
    hello = await signalling.request('hello', { roomId, token });
  } catch (err) {
    show(message(explain(err), 'error'));
    return;
  }
  document.title = `${hello.title} – aula`;

  const form = document.createElement('form');
  form.className = 'join';
  form.method = 'post'; // never GET: the name must not end up in a URL
  form.noValidate = true;
  const h1 = document.createElement('h1');
  h1.textContent = hello.title;
  const recording = message(hello.recording ? t.recorded : t.notRecorded, 'hint');
  const label = document.createElement('label');
  label.htmlFor = 'display-name';
  label.textContent = t.displayName;
  const input = document.createElement('input');
  input.id = 'display-name';
  input.name = 'displayName';
  input.setAttribute('autocomplete', 'nickname');
  input.maxLength = 64;
  input.required = true;
  input.value = hello.prefillName ?? '';
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
  const privacy = document.createElement('p');
  privacy.append(link(t.privacyNotice, '/privacy'));
  form.append(h1, recording, label, input, hint, preview, joinButton, status, privacy);
  show(form, problemButton(t, { roomId, token }, 'join'));
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
      .then((local) => enterRoom(signalling, roomId, hello, name, local))
      .catch((err: unknown) => {
        joinButton.disabled = false;
        joinButton.textContent = t.join;
        status.textContent = err instanceof RequestError ? explain(err) : t.joinFailed((err as Error).message);
      });
  });
}

async function enterRoom(
  signalling: Signalling,
  roomId: string,
  hello: Hello,
  displayName: string,
  local: MediaStream | null,
): Promise<void> {
  const view = new RoomView(t, hello.title);
  const people = new Map<string, PeerInfo>();
  let selfId = '';
  const panel = new ModerationPanel(t, {
    admit: (id) => void conference.request('admit', { lobbyId: id }).catch(() => undefined),
    deny: (id) => void conference.request('deny', { lobbyId: id }).catch(() => undefined),
    setRole: (peerId, role) => void conference.request('setRole', { peerId, role }).catch(() => undefined),
    lock: (locked) => void conference.request('lockRoom', { locked }).catch(() => undefined),
  });
  view.side.append(panel.root);
  view.toolbar.leave.before(problemButton(t, { roomId, token: currentToken }, 'room', () => conference));
  const refreshPeople = () => panel.setPeople([...people.values()], selfId);
  const setPermissions = (permissions: Permission[]) => {
    panel.setPermissions(permissions);
    refreshPeople();
  };

  const conference = new Conference(signalling, roomId, {
    peerJoined: (peer) => {
      people.set(peer.id, peer);
      view.addTile(peer.id, peer.displayName, false);
      refreshPeople();
    },
    peerUpdated: (peer) => {
      people.set(peer.id, peer);
      view.renameTile(peer.id, peer.displayName, peer.id === selfId);
      refreshPeople();
    },
    selfUpdated: (self, permissions) => {
      people.set(self.id, self);
      setPermissions(permissions);
    },
    peerLeft: (peerId) => {
      people.delete(peerId);
      view.removeTile(peerId);
      refreshPeople();
    },
    lobbyChanged: (entries) => panel.setLobby(entries),
    roomLocked: (locked) => {
      panel.setLocked(locked);
      view.setLocked(locked);
    },
    track: (peerId, source, track) => view.setTrack(peerId, source, track),
    micState: (peerId, on) => view.setMicState(peerId, on),
    ended: (reason) => {
      for (const track of local?.getTracks() ?? []) track.stop();
      endedPage(t, reason, roomId);
    },
  });

  const joined: JoinedData = await conference.join(
    displayName,
    hello.routerRtpCapabilities as unknown as types.RtpCapabilities,
    () => show(message(t.lobbyTitle, 'hint'), message(t.lobbyWaiting, 'lobby-wait')),
  );
  selfId = joined.self.id;
  for (const p of [joined.self, ...joined.peers]) {
    people.set(p.id, p);
    view.addTile(p.id, p.displayName, p.id === selfId);
  }
  setPermissions(joined.permissions);
  panel.setLobby(joined.lobby);
  panel.setLocked(joined.locked);
  view.setLocked(joined.locked);
  show(view.root);

  const cam = local?.getVideoTracks()[0];
  if (cam) view.setTrack(selfId, 'camera', cam);
  wireToolbar(view, conference, people);
  exposeDiagnostics(conference);
  // Publishing last: the room works (and can be left) even if a device fails.
  const mic = local?.getAudioTracks()[0];
  if (mic) await conference.publish('mic', mic).catch(() => undefined);
  if (cam) await conference.publish('camera', cam).catch(() => undefined);
  syncMediaButtons(view, conference);
}

function syncMediaButtons(view: RoomView, conference: Conference): void {
  view.toolbar.mic.disabled = !conference.hasProducer('mic');
  view.toolbar.camera.disabled = !conference.hasProducer('camera') && !conference.device.canProduce('video');
  view.toolbar.camera.textContent = conference.hasProducer('camera') ? t.stopCamera : t.startCamera;
}

function wireToolbar(view: RoomView, conference: Conference, people: Map<string, PeerInfo>): void {
  const { mic, camera, rename, leave } = view.toolbar;
  let micMuted = false;
  mic.setAttribute('aria-pressed', 'false');
  mic.addEventListener('click', async () => {
    micMuted = !micMuted;
    mic.textContent = micMuted ? t.unmuteMic : t.muteMic;
    mic.setAttribute('aria-pressed', String(micMuted));
    view.setMicState(conference.self.id, !micMuted);
    await conference.setMicMuted(micMuted);
  });

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
      syncMediaButtons(view, conference);
      camera.disabled = false;
    }
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
    const error = message('', 'error');
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
      } catch (err) {
        error.textContent = (err as Error).message;
      }
    });
  });

  leave.addEventListener('click', () => void conference.leave());
}

function endedPage(strings: Strings, reason: EndReason, roomId: string): void {
  const text = {
    left: strings.left,
    closed: strings.roomClosed,
    disconnected: strings.disconnected,
    denied: strings.lobbyDenied,
  }[reason];
  show(message(text), ...(reason === 'denied' ? [] : [link(strings.rejoin, `/r/${roomId}`)]));
  delete (window as { aula?: unknown }).aula;
}

// Receive statistics, read by the end-to-end tests. Holds no names and is
// never sent anywhere.
function exposeDiagnostics(conference: Conference): void {
  (window as { aula?: unknown }).aula = { self: conference.self.id, stats: () => conference.stats() };
}

const roomId = roomIdFromPath();
const token = roomId ? takeToken(roomId) : null;
const currentToken = token ?? '';
if (!roomId) show(message(t.noRoom));
else if (!token) show(message(t.missingLink, 'error'));
else void joinPage(roomId, token);
