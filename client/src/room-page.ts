// The room: tiles, screens, toolbar, chat, moderation panel, announcements;
// all wired to one Conference.
import type { types } from 'mediasoup-client';
import type { PeerInfo, Permission, Result } from '../../shared/protocol.js';
import { Announcer } from './announcer.js';
import { BreakoutPanel } from './breakout-panel.js';
import { ChatPanel } from './chat-panel.js';
import { PollPanel } from './poll-panel.js';
import { Conference, type EndReason } from './conference.js';
import { ModerationPanel } from './moderation-panel.js';
import { problemButton, type ReportLink } from './problem-dialog.js';
import { RecordingControls } from './recording-ui.js';
import { RoomView } from './room-view.js';
import type { Signalling } from './signalling.js';
import type { Strings } from './strings.js';
import { ToolbarState, wireToolbar } from './toolbar.js';

export interface RoomPageOptions {
  t: Strings;
  signalling: Signalling;
  link: ReportLink;
  hello: Result<'hello'>;
  displayName: string;
  /** Chosen on the join page while a recording runs. */
  recordingOptOut?: boolean;
  local: MediaStream | null;
  show(...nodes: Node[]): void;
  onWaiting(): void;
  onEnded(reason: EndReason, detail?: string): void;
}

export async function enterRoom(o: RoomPageOptions): Promise<void> {
  const { t } = o;
  const people = new Map<string, PeerInfo>();
  let selfId = '';
  let permissions = new Set<Permission>();
  const nameOf = (id: string) => people.get(id)?.displayName ?? '';
  const ignore = () => undefined;

  const view = new RoomView(t, o.hello.title, (peerId, source, width, visible) => conference.setVisibility(peerId, source, width, visible));
  const announcer = new Announcer();
  const chat = new ChatPanel(t, async (text) => {
    await conference.request('sendChat', { text });
  });
  const panel = new ModerationPanel(t, {
    admit: (id) => void conference.request('admit', { lobbyId: id }).catch(ignore),
    deny: (id) => void conference.request('deny', { lobbyId: id }).catch(ignore),
    setRole: (peerId, role) => void conference.request('setRole', { peerId, role }).catch(ignore),
    lock: (locked) => void conference.request('lockRoom', { locked }).catch(ignore),
    lowerHand: (peerId) => void conference.request('lowerHand', { peerId }).catch(ignore),
    mute: (peerId, allowUnmute) => void conference.request('muteParticipant', { peerId, allowUnmute }).catch(ignore),
    allowScreens: (multiple) => void conference.request('allowScreenShares', { multiple }).catch(ignore),
    stopCamera: (peerId) => void conference.request('stopParticipantCamera', { peerId }).catch(ignore),
    remove: (peerId) => void conference.request('removeParticipant', { peerId }).catch(ignore),
    muteAll: () => void conference.request('muteAll', { allowUnmute: true }).catch(ignore),
    endMeeting: () => void conference.request('endMeeting', {}).catch(ignore),
  });
  const polls = new PollPanel(t, {
    create: async (question, options, multiple) => void (await conference.request('createPoll', { question, options, multiple })),
    vote: async (pollId, choices) => void (await conference.request('vote', { pollId, choices })),
    close: async (pollId) => void (await conference.request('closePoll', { pollId })),
    show: async (pollId) => void (await conference.request('showPollResults', { pollId })),
  });
  const breakout = new BreakoutPanel(t, {
    start: async (groups, mode, minutes) => void (await conference.request('startBreakout', { groups, mode, ...(minutes ? { minutes } : {}) })),
    move: async (peerId, group) => void (await conference.request('moveToGroup', { peerId, ...(group ? { group } : {}) })),
    leave: async () => void (await conference.request('leaveGroup', {})),
    message: async (text) => void (await conference.request('breakoutMessage', { text })),
    closeGroup: async (group) => void (await conference.request('closeGroup', { group })),
    end: async () => void (await conference.request('endBreakout', {})),
  });
  // Tiles only for those in the same breakout group (or all in the main room).
  const retile = () => {
    const mine = people.get(selfId)?.group;
    for (const p of people.values()) {
      if (p.id === selfId) continue;
      if (p.group === mine) view.addTile(p.id, p.displayName, false);
      else {
        view.removeTile(p.id);
        view.setTrack(p.id, 'screen', null);
      }
    }
    recording.badges();
  };
  view.side.append(panel.root, breakout.root, polls.root, chat.root);
  view.root.append(announcer.root);
  view.toolbar.leave.before(problemButton(t, o.link, 'room', () => conference));
  const recording = new RecordingControls(t, view, announcer, o.signalling, o.hello.recording);
  const refreshPeople = () => {
    panel.setPeople([...people.values()], selfId);
    breakout.setPeople([...people.values()], selfId);
  };

  const conference = new Conference(o.signalling, o.link.roomId, {
    peerJoined: (peer) => {
      people.set(peer.id, peer);
      if (peer.group === people.get(selfId)?.group) view.addTile(peer.id, peer.displayName, false);
      refreshPeople();
      recording.setPeer(peer, false);
      announcer.announce(t.announceJoined(peer.displayName));
    },
    peerUpdated: (peer) => {
      people.set(peer.id, peer);
      view.renameTile(peer.id, peer.displayName, peer.id === selfId);
      retile();
      refreshPeople();
      recording.setPeer(peer, peer.id === selfId);
    },
    selfUpdated: (self, list) => {
      people.set(self.id, self);
      permissions = new Set(list);
      panel.setPermissions(list);
      polls.setPermissions(list);
      breakout.setPermissions(list);
      toolbar.sync(permissions);
      recording.sync(permissions);
      refreshPeople();
    },
    peerLeft: (peerId) => {
      announcer.announce(t.announceLeft(nameOf(peerId)));
      people.delete(peerId);
      view.removeTile(peerId);
      view.setTrack(peerId, 'screen', null);
      refreshPeople();
    },
    lobbyChanged: (entries) => panel.setLobby(entries),
    roomLocked: (locked) => {
      panel.setLocked(locked);
      view.setLocked(locked);
    },
    track: (peerId, source, track) => view.setTrack(peerId, source, track),
    micState: (peerId, on) => view.setMicState(peerId, on),
    chat: (m) => {
      chat.add(m, m.peerId === selfId);
      if (m.peerId !== selfId) announcer.announce(t.announceChat(m.displayName, m.text));
    },
    hands: (h) => {
      const before = new Set(panel.queue);
      panel.setHands(h.queue);
      for (const id of h.queue ?? []) if (!before.has(id)) announcer.announce(t.announceHand(nameOf(id)));
      view.handCount.textContent = t.hands(h.count);
      toolbar.handUp = h.mine;
      toolbar.sync(permissions);
    },
    activeSpeaker: (peerId) => view.setSpeaking(peerId),
    moderated: (source, allowUnmute) => {
      if (source === 'mic') {
        toolbar.micMuted = true;
        toolbar.mayUnmute = allowUnmute;
        view.setMicState(selfId, false);
        view.notice.textContent = allowUnmute ? t.mutedByModerator : t.mutedLocked;
      } else {
        view.setTrack(selfId, 'camera', null);
        view.notice.textContent = t.cameraStoppedByModerator;
      }
      toolbar.sync(permissions);
    },
    unmuteAllowed: () => {
      toolbar.mayUnmute = true;
      view.notice.textContent = t.unmuteAllowedNow;
      toolbar.sync(permissions);
    },
    screenStopped: () => {
      view.setTrack(selfId, 'screen', null);
      toolbar.sync(permissions);
    },
    connection: (state) => {
      const text = state === 'reconnecting' ? t.reconnecting : t.reconnected;
      view.notice.textContent = text;
      announcer.announce(text);
    },
    poll: (poll) => {
      polls.setPoll(poll);
      announcer.announce(t.announcePoll(poll.question));
    },
    pollClosed: (pollId) => {
      polls.closed(pollId);
      announcer.announce(t.announcePollClosed);
    },
    pollResults: (r) => {
      polls.setResults(r);
      if (r.final && !permissions.has('managePolls')) announcer.announce(t.announceResults);
    },
    breakout: (state) => breakout.setState(state),
    breakoutMessage: (text, from) => {
      view.notice.textContent = t.breakoutMessageFrom(from, text);
    },
    moved: (group) => {
      const name = breakout.nameOf(group);
      announcer.announce(name ? t.announceMoved(name) : t.announceBackMain);
      retile();
    },
    ended: (reason, detail) => {
      for (const track of o.local?.getTracks() ?? []) track.stop();
      view.dispose();
      o.onEnded(reason, detail);
    },
  });
  const toolbar = new ToolbarState(t, view, conference);

  const joined = await conference.join(o.displayName, o.hello.routerRtpCapabilities as unknown as types.RtpCapabilities, o.onWaiting, o.recordingOptOut);
  selfId = joined.self.id;
  permissions = new Set(joined.permissions);
  for (const p of [joined.self, ...joined.peers]) {
    people.set(p.id, p);
    if (p.group === joined.self.group) view.addTile(p.id, p.displayName, p.id === selfId);
  }
  panel.setPermissions(joined.permissions);
  polls.setPermissions(joined.permissions);
  breakout.setPermissions(joined.permissions);
  if (joined.poll) polls.setPoll(joined.poll);
  if (joined.breakout) breakout.setState(joined.breakout);
  refreshPeople();
  panel.setLobby(joined.lobby);
  panel.setLocked(joined.locked);
  panel.setHands(joined.hands.queue);
  view.handCount.textContent = t.hands(joined.hands.count);
  view.setLocked(joined.locked);
  recording.set(joined.recording ?? false);
  recording.sync(permissions);
  for (const p of [joined.self, ...joined.peers]) recording.setPeer(p, p.id === selfId);
  view.setSpeaking(joined.activeSpeaker);
  for (const m of joined.chat) chat.add(m, m.peerId === selfId);
  o.show(view.root);

  const cam = o.local?.getVideoTracks()[0];
  if (cam) view.setTrack(selfId, 'camera', cam);
  wireToolbar(toolbar, t, view, conference, people, () => permissions);
  (window as { aula?: unknown }).aula = { self: selfId, stats: () => conference.stats() }; // for tests; holds no names
  // Publishing last: the room works (and can be left) even if a device fails.
  const mic = o.local?.getAudioTracks()[0];
  if (mic) await conference.publish('mic', mic).catch(ignore);
  if (cam) await conference.publish('camera', cam).catch(ignore);
  toolbar.sync(permissions);
}
