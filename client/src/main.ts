// Entry point: the join page (name, preview, Join), the lobby, the room.
import { local, session } from './storage.js';
import type { Result } from '../../shared/protocol.js';
import type { EndReason } from './conference.js';
import { problemButton } from './problem-dialog.js';
import { enterRoom } from './room-page.js';
import { button } from './room-view.js';
import { RequestError, Signalling } from './signalling.js';
import { LANGUAGES, pickStrings, type Strings } from './strings.js';

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
    session.setItem(key, fromHash);
    history.replaceState(null, '', location.pathname);
    return fromHash;
  }
  return session.getItem(key);
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
    case 'removed':
      return t.removed;
    case undefined:
      return t.serverUnreachable;
    default:
      return (err as Error).message;
  }
}

/** A random id per room in this browser: lets a moderator's removal stick. Names nobody. */
function clientId(roomId: string): string {
  const key = `aula-client:${roomId}`;
  let id = local.getItem(key);
  if (!id) {
    id = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
    local.setItem(key, id);
  }
  return id;
}

async function getLocalMedia(): Promise<MediaStream | null> {
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 960, height: 540 } });
  } catch {
    try {
      return await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      return null;
    }
  }
}

/** English or German, remembered in this browser; the page reloads in the new language. */
function languageSwitcher(): HTMLElement {
  const wrap = document.createElement('p');
  const label = document.createElement('label');
  label.htmlFor = 'language';
  label.textContent = `${t.language} `;
  const select = document.createElement('select');
  select.id = 'language';
  for (const [code, name] of LANGUAGES) {
    const option = document.createElement('option');
    option.value = code;
    option.lang = code;
    option.textContent = name;
    option.selected = code === lang;
    select.append(option);
  }
  select.addEventListener('change', () => {
    local.setItem('aula-lang', select.value);
    location.reload();
  });
  wrap.append(label, select);
  return wrap;
}

async function joinPage(roomId: string, token: string): Promise<void> {
  let signalling: Signalling;
  let hello: Hello;
  try {
    signalling = await Signalling.connect();
    hello = await signalling.request('hello', { roomId, token, client: clientId(roomId) });
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
  const recording = message(hello.recordingActive ? t.recordingRunningJoin : hello.recording ? t.recorded : t.notRecorded, 'hint');
  if (hello.recordingActive) recording.className = 'recording-indicator';
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
  // While a recording runs, the same choice as in the room: stay out of it.
  const optOut = document.createElement('input');
  optOut.type = 'checkbox';
  optOut.id = 'recording-opt-out';
  const optOutLabel = document.createElement('label');
  optOutLabel.className = 'check';
  optOutLabel.append(optOut, ` ${t.leaveMeOut}`);
  const choice = hello.recordingActive ? [optOutLabel] : [];
  form.append(h1, recording, ...choice, label, input, hint, preview, joinButton, status, privacy);
  show(form, problemButton(t, { roomId, token }, 'join'), languageSwitcher());
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
      .then((local) =>
        enterRoom({
          t,
          signalling,
          link: { roomId, token },
          hello,
          displayName: name,
          recordingOptOut: optOut.checked,
          local,
          show,
          onWaiting: () => show(message(t.lobbyTitle, 'hint'), message(t.lobbyWaiting, 'lobby-wait')),
          onEnded: afterEnd(roomId, token, name),
        }),
      )
      .catch((err: unknown) => {
        joinButton.disabled = false;
        joinButton.textContent = t.join;
        status.textContent = err instanceof RequestError ? explain(err) : t.joinFailed((err as Error).message);
      });
  });
}

/** When the conference ends: the page that says why, or (the room moved to another node) joining again by itself. */
function afterEnd(roomId: string, token: string, name: string) {
  return (reason: EndReason, detail?: string): void => {
    if (reason === 'moved' && detail) void rejoin(roomId, token, name, detail);
    else endedPage(t, reason, roomId, detail);
  };
}

// The name is the one this page already holds; the ticket (no name in it) skips the lobby.
async function rejoin(roomId: string, token: string, name: string, ticket: string): Promise<void> {
  show(message(t.reconnecting, 'hint'));
  for (let attempt = 0; attempt < 30; attempt++) {
    try {
      const signalling = await Signalling.connect();
      const hello = await signalling.request('hello', { roomId, token, client: clientId(roomId), rejoin: ticket });
      const local = await getLocalMedia();
      await enterRoom({
        t,
        signalling,
        link: { roomId, token },
        hello,
        displayName: name,
        local,
        show,
        onWaiting: () => show(message(t.lobbyTitle, 'hint'), message(t.lobbyWaiting, 'lobby-wait')),
        onEnded: afterEnd(roomId, token, name),
      });
      return;
    } catch (err) {
      const code = err instanceof RequestError ? err.info.code : undefined;
      // Only "not placed yet" is worth another try; a refusal (link revoked, removed) is final.
      if (code && code !== 'unavailable' && code !== 'room_moved') return endedPage(t, 'disconnected', roomId);
      await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 2000)));
    }
  }
  endedPage(t, 'disconnected', roomId);
}

function endedPage(strings: Strings, reason: EndReason, roomId: string, detail?: string): void {
  const text = {
    left: strings.left,
    closed: strings.roomClosed,
    ended: strings.meetingEnded,
    disconnected: strings.disconnected,
    moved: strings.disconnected,
    denied: strings.lobbyDenied,
    // The moderator's own words, if they gave any, after the sentence in the user's language.
    removed: detail ? `${strings.removed} ${detail}` : strings.removed,
  }[reason];
  if (reason === 'removed') session.removeItem(`aula-token:${roomId}`); // coming back needs the link again
  const again = reason === 'denied' || reason === 'removed' ? [] : [link(strings.rejoin, `/r/${roomId}`)];
  const still = session.getItem(`aula-token:${roomId}`);
  const report = still ? [problemButton(strings, { roomId, token: still }, 'join')] : [];
  show(message(text, reason === 'removed' ? 'error' : ''), ...again, ...report);
  delete (window as { aula?: unknown }).aula;
}

const roomId = roomIdFromPath();
const token = roomId ? takeToken(roomId) : null;
if (!roomId) show(message(t.noRoom));
else if (!token) show(message(t.missingLink, 'error'));
else void joinPage(roomId, token);
