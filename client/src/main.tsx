// Entry point: reads the link, says hello to the server, then shows the
// pre-join screen, the lobby, the room, or the end of the meeting.
import { signal } from '@preact/signals';
import { render } from 'preact';
import { config } from 'zod/mini';
import type { Result } from '../../shared/protocol.js';
import { setActionStrings } from './actions.js';
import type { CarriedTracks, EndReason } from './conference.js';
import { openProblemDialog, type ReportLink } from './problem-dialog.js';
import { enterRoom, type EnterOptions } from './room-controller.js';
import { RequestError, roomIdFromPath, Signalling } from './signalling.js';
import { local, session } from './storage.js';
import { nameOf, optedOut, room } from './store.js';
import { pickStrings } from './strings.js';
import { Icon } from './ui/icon.js';
import { PreJoin } from './ui/prejoin.js';
import { Room } from './ui/room.js';

// Validators run without compiling code at run time: the CSP forbids eval.
config({ jitless: true });

const { lang, t } = pickStrings();
document.documentElement.lang = lang;
setActionStrings(t);

type Phase =
  | { kind: 'message'; text: string; error?: boolean; rejoin?: string; report?: ReportLink }
  | { kind: 'connecting' }
  | { kind: 'join'; hello: Result<'hello'>; signalling: Signalling; link: ReportLink }
  | { kind: 'lobby' }
  | { kind: 'room'; link: ReportLink };

const phase = signal<Phase>({ kind: 'connecting' });

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
    case 'unavailable':
      return t.unavailable;
    case undefined:
      return err instanceof Error && err.message !== 'cannot reach the server' ? t.joinFailed(err.message) : t.serverUnreachable;
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

function ended(reason: EndReason, roomId: string, detail?: string): void {
  const text = {
    left: t.left,
    closed: t.roomClosed,
    ended: t.meetingEnded,
    disconnected: t.disconnected,
    moved: t.disconnected,
    denied: t.lobbyDenied,
    // The moderator's own words, if they gave any, after the sentence in the user's language.
    removed: detail ? `${t.removed} ${detail}` : t.removed,
  }[reason];
  if (reason === 'removed') session.removeItem(`aula-token:${roomId}`); // coming back needs the link again
  const still = session.getItem(`aula-token:${roomId}`);
  phase.value = {
    kind: 'message',
    text,
    error: reason === 'removed',
    ...(reason === 'denied' || reason === 'removed' ? {} : { rejoin: `/r/${roomId}` }),
    ...(still ? { report: { roomId, token: still } } : {}),
  };
  delete (window as { aula?: unknown }).aula;
}

/** The conference ended: the page that says why, or (the room moved to another node) joining again by itself. */
function afterEnd(link: ReportLink): EnterOptions['onEnded'] {
  return (reason, detail, carried) => {
    if (reason === 'moved' && detail) void rejoin(link, detail, carried ?? {});
    else ended(reason, link.roomId, detail);
  };
}

/**
 * Several nodes: the room's node failed or restarted, and the room now runs on
 * another one. The room stays on screen ("Reconnecting…") while this page says
 * hello there with its link and the ticket (no name in it: it skips the lobby),
 * and joins with the name it had, publishing the microphone and camera that were on.
 */
async function rejoin(link: ReportLink, ticket: string, carried: CarriedTracks): Promise<void> {
  const displayName = nameOf(room.selfId.value);
  const recordingOptOut = optedOut.value;
  room.notice.value = t.reconnecting;
  for (let attempt = 0; attempt < 30; attempt++) {
    let signalling: Signalling | undefined;
    // A failed attempt's half-made conference must not end this page when its socket closes.
    let abandoned = false;
    const onEnded = afterEnd(link);
    // Each attempt publishes its own copies, so one that fails (and stops what it was given) leaves the devices on.
    const tracks: CarriedTracks = {};
    if (carried.mic) tracks.mic = carried.mic.clone();
    if (carried.camera) tracks.camera = carried.camera.clone();
    try {
      signalling = await Signalling.connect();
      const hello = await signalling.request('hello', { roomId: link.roomId, token: link.token, client: clientId(link.roomId), rejoin: ticket });
      await enterRoom({
        t,
        roomId: link.roomId,
        signalling,
        hello,
        displayName,
        ...(recordingOptOut ? { recordingOptOut } : {}),
        ...tracks,
        onWaiting: () => (phase.value = { kind: 'lobby' }),
        onInside: () => {
          phase.value = { kind: 'room', link };
          room.notice.value = t.reconnected;
        },
        onEnded: (reason, detail, moved) => (abandoned ? undefined : onEnded(reason, detail, moved)),
      });
      carried.mic?.stop();
      carried.camera?.stop();
      return;
    } catch (err) {
      abandoned = true;
      tracks.mic?.stop();
      tracks.camera?.stop();
      signalling?.close();
      const code = err instanceof RequestError ? err.info.code : undefined;
      // Only "not placed yet" or "unreachable" is worth another try; a refusal (link revoked, removed) is final.
      if (code && code !== 'unavailable' && code !== 'room_moved') {
        carried.mic?.stop();
        carried.camera?.stop();
        phase.value = { kind: 'message', text: explain(err), error: true };
        return;
      }
      await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 2000)));
    }
  }
  carried.mic?.stop();
  carried.camera?.stop();
  ended('disconnected', link.roomId);
}

async function start(roomId: string, token: string): Promise<void> {
  let signalling: Signalling;
  let hello: Result<'hello'>;
  try {
    signalling = await Signalling.connect();
    hello = await signalling.request('hello', { roomId, token, client: clientId(roomId) });
  } catch (err) {
    phase.value = { kind: 'message', text: explain(err), error: true };
    return;
  }
  document.title = `${hello.title} – aula`;
  phase.value = { kind: 'join', hello, signalling, link: { roomId, token } };
}

function Message({ p }: { p: Extract<Phase, { kind: 'message' }> }) {
  return (
    <main class="message-page">
      <div class="card">
        <p class={p.error ? 'error' : ''}>{p.text}</p>
        {p.rejoin ? <a href={p.rejoin}>{t.rejoin}</a> : null}
        {p.report ? (
          <button type="button" class="quiet" onClick={() => void openProblemDialog(t, p.report!, 'join')}>
            <Icon name="flag" />
            {t.reportProblem}
          </button>
        ) : null}
      </div>
    </main>
  );
}

function App() {
  const p = phase.value;
  switch (p.kind) {
    case 'connecting':
      return (
        <main class="message-page">
          <p class="hint">{t.connecting}</p>
        </main>
      );
    case 'message':
      return <Message p={p} />;
    case 'lobby':
      return (
        <main class="message-page">
          <div class="card">
            <p class="hint">{t.lobbyTitle}</p>
            <p class="lobby-wait">{t.lobbyWaiting}</p>
          </div>
        </main>
      );
    case 'room':
      return <Room t={t} link={p.link} />;
    case 'join':
      return (
        <PreJoin
          t={t}
          lang={lang}
          hello={p.hello}
          link={p.link}
          onJoin={(choice) =>
            enterRoom({
              t,
              roomId: p.link.roomId,
              signalling: p.signalling,
              hello: p.hello,
              displayName: choice.displayName,
              ...(choice.recordingOptOut ? { recordingOptOut: true } : {}),
              ...(choice.mic ? { mic: choice.mic } : {}),
              ...(choice.camera ? { camera: choice.camera } : {}),
              onWaiting: () => (phase.value = { kind: 'lobby' }),
              onInside: () => (phase.value = { kind: 'room', link: p.link }),
              onEnded: afterEnd(p.link),
            }).catch((err: unknown) => {
              throw new Error(err instanceof RequestError ? explain(err) : t.joinFailed((err as Error).message));
            })
          }
        />
      );
  }
}

const app = document.getElementById('app')!;
app.replaceChildren();
render(<App />, app);

const roomId = roomIdFromPath();
const token = roomId ? takeToken(roomId) : null;
if (!roomId) phase.value = { kind: 'message', text: t.noRoom };
else if (!token) phase.value = { kind: 'message', text: t.missingLink, error: true };
else void start(roomId, token);
