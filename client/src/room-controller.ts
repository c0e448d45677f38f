// Entering the room: one Conference for the media, and every notification of
// the server turned into a change of the store. The components render the
// store; actions.ts holds what the person can do.
import type { Result } from '../../shared/protocol.js';
import { type CarriedTracks, Conference, type EndReason } from './conference.js';
import { applyPresentation, listenSlides } from './slides/state.js';
import type { Signalling } from './signalling.js';
import { addChat, announce, applyJoined, nameOf, removePeer, room, setLocal, setMedia, setPeer, setSpotlight, view } from './store.js';
import type { Strings } from './strings.js';

export interface EnterOptions {
  t: Strings;
  roomId: string;
  signalling: Signalling;
  hello: Result<'hello'>;
  displayName: string;
  /** Chosen on the pre-join screen while a recording runs. */
  recordingOptOut?: boolean;
  /** Tracks the person turned on before joining; absent: nothing is published. */
  mic?: MediaStreamTrack;
  camera?: MediaStreamTrack;
  onWaiting: () => void;
  onInside(): void;
  /** `carried`: after 'moved' (the room moved to another node), the tracks to publish again there. */
  onEnded(reason: EndReason, detail?: string, carried?: CarriedTracks): void;
}

let current: Conference | undefined;
let countdownTimer: ReturnType<typeof setInterval> | undefined;
/** The conference of this page (actions.ts uses it). */
export const conference = (): Conference | undefined => current;

function listen(t: Strings, s: Signalling): void {
  s.on('peerJoined', ({ peer }) => {
    setPeer(peer);
    announce(t.announceJoined(peer.displayName));
  });
  s.on('peerUpdated', ({ peer }) => setPeer(peer));
  s.on('selfUpdated', ({ self, permissions }) => {
    setPeer(self);
    room.permissions.value = new Set(permissions);
  });
  s.on('peerLeft', ({ peerId }) => {
    announce(t.announceLeft(nameOf(peerId)));
    removePeer(peerId);
  });
  s.on('lobbyChanged', ({ entries }) => (room.lobby.value = entries));
  s.on('roomLocked', ({ locked }) => (room.locked.value = locked));
  s.on('chatMessage', (m) => {
    addChat(m);
    if (m.peerId !== room.selfId.value) announce(t.announceChat(m.displayName, m.text));
  });
  s.on('handsChanged', (h) => {
    const before = new Set(room.hands.value.queue ?? []);
    room.hands.value = h;
    for (const id of h.queue ?? []) if (!before.has(id)) announce(t.announceHand(nameOf(id)));
  });
  s.on('activeSpeaker', ({ peerId }) => (room.activeSpeaker.value = peerId));
  s.on('spotlightChanged', ({ peerId }) => {
    if (peerId === room.spotlight.value) return;
    setSpotlight(peerId);
    announce(!peerId ? t.announceSpotlightOff : peerId === room.selfId.value ? t.announceSpotlightSelf : t.announceSpotlight(nameOf(peerId)));
  });
  s.on('unmuteAllowed', () => {
    setLocal({ mayUnmute: true });
    room.notice.value = t.unmuteAllowedNow;
  });
  s.on('recordingChanged', ({ active, countdownSeconds }) => {
    room.recording.value = active;
    clearInterval(countdownTimer);
    room.recordingCountdown.value = active && countdownSeconds ? countdownSeconds : 0;
    if (room.recordingCountdown.value) {
      // The notice counts down; capture begins with the next recordingChanged.
      countdownTimer = setInterval(() => (room.recordingCountdown.value = Math.max(1, room.recordingCountdown.value - 1)), 1000);
      announce(t.announceRecordingCountdown(countdownSeconds!));
    } else announce(active ? t.announceRecordingStarted : t.announceRecordingStopped);
  });
  s.on('pollOpened', (poll) => {
    if (poll.id !== room.poll.value?.id) {
      room.voted.value = false;
      room.pollResults.value = undefined;
    }
    room.poll.value = poll;
    announce(t.announcePoll(poll.question));
  });
  s.on('pollClosed', ({ pollId }) => {
    const poll = room.poll.value;
    if (poll?.id === pollId) room.poll.value = { ...poll, open: false };
    announce(t.announcePollClosed);
  });
  s.on('pollResults', (r) => {
    if (room.poll.value?.id !== r.pollId) return;
    room.pollResults.value = r;
    if (r.final && !room.permissions.value.has('managePolls')) announce(t.announceResults);
  });
  s.on('breakoutChanged', (state) => (room.breakout.value = state));
  s.on('breakoutMessage', ({ text, from }) => (room.notice.value = t.breakoutMessageFrom(from, text)));
}

export async function enterRoom(o: EnterOptions): Promise<void> {
  const { t } = o;
  listen(t, o.signalling);
  listenSlides(o.signalling);
  const conf = new Conference(o.signalling, o.roomId, {
    track: (peerId, source, track) => setMedia(peerId, { [source]: track ?? undefined }),
    micState: (peerId, on) => setMedia(peerId, { micOn: on }),
    moderated: (source, allowUnmute) => {
      if (source === 'mic') {
        setLocal({ mic: 'muted', mayUnmute: allowUnmute });
        setMedia(room.selfId.value, { micOn: false });
        room.notice.value = allowUnmute ? t.mutedByModerator : t.mutedLocked;
      } else {
        setLocal({ camera: false });
        setMedia(room.selfId.value, { camera: undefined });
        room.notice.value = t.cameraStoppedByModerator;
      }
    },
    screenStopped: () => {
      setLocal({ screen: false });
      setMedia(room.selfId.value, { screen: undefined });
    },
    connection: (state) => {
      const text = state === 'reconnecting' ? t.reconnecting : t.reconnected;
      room.notice.value = text;
      announce(text);
    },
    moved: (group, name) => announce(group && name ? t.announceMoved(name) : t.announceBackMain),
    ended: (reason, detail, carried) => {
      // Moved: the tracks still on go along to the room's new node.
      if (o.mic !== carried?.mic) o.mic?.stop();
      if (o.camera !== carried?.camera) o.camera?.stop();
      stopQuality();
      clearInterval(countdownTimer);
      current = undefined;
      o.onEnded(reason, detail, carried);
    },
  });
  current = conf;
  const joined = await conf.join(o.displayName, o.hello.routerRtpCapabilities, o.onWaiting, o.recordingOptOut);
  applyJoined(joined, o.hello.title, o.hello.recording);
  applyPresentation(joined.presentation);
  setLocal({ mic: 'off', camera: false, screen: false, mayUnmute: true, busy: false });
  view.tab.value = matchMedia('(min-width: 900px)').matches ? 'chat' : null;
  (window as { aula?: unknown }).aula = { self: joined.self.id, stats: () => conf.stats() }; // for tests; holds no names
  o.onInside();
  startQuality(conf);
  // Publishing last: the room works (and can be left) even if a device fails.
  if (o.mic) {
    await conf.publish('mic', o.mic).catch(() => undefined);
    if (conf.hasProducer('mic')) {
      setLocal({ mic: 'on' });
      setMedia(joined.self.id, { micOn: true, mic: o.mic });
    } else o.mic.stop();
  }
  if (o.camera) {
    setMedia(joined.self.id, { camera: o.camera });
    await conf.publish('camera', o.camera).catch(() => undefined);
    if (conf.hasProducer('camera')) setLocal({ camera: true });
    else {
      o.camera.stop();
      setMedia(joined.self.id, { camera: undefined });
    }
  }
}

let qualityTimer: ReturnType<typeof setInterval> | undefined;

function startQuality(conf: Conference): void {
  stopQuality();
  qualityTimer = setInterval(() => {
    void conf
      .quality()
      .then((q) => {
        room.selfQuality.value = q.self;
        room.quality.value = q.peers;
      })
      .catch(() => undefined);
  }, 4000);
}

function stopQuality(): void {
  if (qualityTimer) clearInterval(qualityTimer);
  qualityTimer = undefined;
}
