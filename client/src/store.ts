// The one store the UI renders from. The join result fills it (applyJoined),
// the server's notifications keep it current (room-controller.ts), and the
// components only read it and call actions. Nothing here touches the DOM.
import { computed, signal } from '@preact/signals';
import type { JoinedData, LobbyEntry, NotificationData, PeerInfo, Permission } from '../../shared/protocol.js';

export type ChatMessage = NotificationData<'chatMessage'>;
export type PollInfo = NotificationData<'pollOpened'>;
export type PollResults = NotificationData<'pollResults'>;
export type BreakoutState = NotificationData<'breakoutChanged'>;
export type Hands = NotificationData<'handsChanged'>;
/** 0: no data yet, 1: poor, 2: fair, 3: good. */
export type Quality = 0 | 1 | 2 | 3;
export type Tab = 'chat' | 'people' | 'polls' | 'breakout';
export type Layout = 'gallery' | 'speaker';

/** What is known about one person's media, as received (or, for oneself, as sent). */
export interface PeerMedia {
  camera?: MediaStreamTrack;
  mic?: MediaStreamTrack;
  screen?: MediaStreamTrack;
  /** False while their microphone is paused or absent. */
  micOn: boolean;
}

/** Our own devices: off until the person turns them on (privacy by default). */
export interface LocalState {
  mic: 'off' | 'on' | 'muted';
  camera: boolean;
  screen: boolean;
  /** False while a moderator keeps this person muted. */
  mayUnmute: boolean;
  /** A device is being started or stopped. */
  busy: boolean;
}

export const room = {
  title: signal(''),
  selfId: signal(''),
  permissions: signal<ReadonlySet<Permission>>(new Set()),
  people: signal<ReadonlyMap<string, PeerInfo>>(new Map()),
  media: signal<ReadonlyMap<string, PeerMedia>>(new Map()),
  lobby: signal<LobbyEntry[]>([]),
  locked: signal(false),
  hands: signal<Hands>({ count: 0, mine: false }),
  chat: signal<ChatMessage[]>([]),
  unread: signal(0),
  poll: signal<PollInfo | undefined>(undefined),
  pollResults: signal<PollResults | undefined>(undefined),
  voted: signal(false),
  breakout: signal<BreakoutState>({ active: false, groups: [] }),
  activeSpeaker: signal<string | null>(null),
  /** Who a moderator shows large on everyone's stage (a pin of one's own wins, see stage.tsx). */
  spotlight: signal<string | null>(null),
  recording: signal(false),
  recordingAllowed: signal(false),
  /** Seconds until capture begins (a countdown after Start recording), else 0. */
  recordingCountdown: signal(0),
  notice: signal(''),
  /** Last few lines for the polite live region. */
  announcements: signal<Array<{ id: number; text: string }>>([]),
  local: signal<LocalState>({ mic: 'off', camera: false, screen: false, mayUnmute: true, busy: false }),
  quality: signal<ReadonlyMap<string, Quality>>(new Map()),
  selfQuality: signal<Quality>(0),
};

/** What this browser chose to see; never sent anywhere. */
export const view = {
  tab: signal<Tab | null>(null),
  layout: signal<Layout>('gallery'),
  pin: signal<string | null>(null),
  page: signal(0),
  audioOnly: signal(false),
  /** The open dialog, if any (one at a time). */
  dialog: signal<Dialog | null>(null),
};

export type Dialog =
  { kind: 'confirm'; title: string; text: string; confirm: string; onConfirm: () => void } | { kind: 'shortcuts' } | { kind: 'rename' } | { kind: 'devices' };

export const can = (p: Permission): boolean => room.permissions.value.has(p);
export const self = computed(() => room.people.value.get(room.selfId.value));
export const myGroup = computed(() => self.value?.group);
/** This person chose to be left out of recordings. */
export const optedOut = computed(() => self.value?.recordingOptOut === true);
export const nameOf = (id: string): string => room.people.value.get(id)?.displayName ?? '';
/** Those shown on the stage: everyone in the same breakout group (or the main room). */
export const onStage = computed(() => [...room.people.value.values()].filter((p) => p.group === myGroup.value));
export const screens = computed(() =>
  onStage.value.flatMap((p) => {
    const track = room.media.value.get(p.id)?.screen;
    return track ? [{ peerId: p.id, track }] : [];
  }),
);
export const moderating = computed(() => ['admitLobby', 'setRole', 'lockRoom', 'muteOthers'].some((p) => room.permissions.value.has(p as Permission)));

let announceId = 0;
export function announce(text: string): void {
  // Short: screen readers read additions, not history.
  room.announcements.value = [...room.announcements.value.slice(-4), { id: ++announceId, text }];
}

export function setPeer(peer: PeerInfo): void {
  const next = new Map(room.people.value);
  next.set(peer.id, peer);
  room.people.value = next;
}

export function removePeer(peerId: string): void {
  const people = new Map(room.people.value);
  people.delete(peerId);
  room.people.value = people;
  const media = new Map(room.media.value);
  media.delete(peerId);
  room.media.value = media;
  if (view.pin.value === peerId) view.pin.value = null;
  if (room.spotlight.value === peerId) room.spotlight.value = null;
}

/**
 * A new spotlight replaces the person's own pin: everyone should see whom the
 * moderator chose. Pinning someone while it lasts shows them instead.
 */
export function setSpotlight(peerId: string | null): void {
  if (peerId && peerId !== room.spotlight.value) view.pin.value = null;
  room.spotlight.value = peerId;
}

export function setMedia(peerId: string, change: Partial<PeerMedia>): void {
  const next = new Map(room.media.value);
  const before = next.get(peerId) ?? { micOn: false };
  const merged = { ...before, ...change };
  // A removed track is absent, not undefined-but-present.
  for (const k of ['camera', 'mic', 'screen'] as const) if (merged[k] === undefined) delete merged[k];
  next.set(peerId, merged);
  room.media.value = next;
}

export function setLocal(change: Partial<LocalState>): void {
  room.local.value = { ...room.local.value, ...change };
}

export function addChat(m: ChatMessage): void {
  room.chat.value = [...room.chat.value.slice(-199), m];
  if (m.peerId !== room.selfId.value && view.tab.value !== 'chat') room.unread.value++;
}

/** The state inside the room at the moment of joining (or of being admitted). */
export function applyJoined(joined: JoinedData, title: string, recordingAllowed: boolean): void {
  room.title.value = title;
  room.selfId.value = joined.self.id;
  room.permissions.value = new Set(joined.permissions);
  room.people.value = new Map([joined.self, ...joined.peers].map((p) => [p.id, p]));
  room.media.value = new Map();
  room.lobby.value = joined.lobby;
  room.locked.value = joined.locked;
  room.hands.value = joined.hands;
  room.chat.value = joined.chat;
  room.unread.value = 0;
  room.poll.value = joined.poll;
  room.pollResults.value = undefined;
  room.breakout.value = joined.breakout ?? { active: false, groups: [] };
  room.activeSpeaker.value = joined.activeSpeaker;
  setSpotlight(joined.spotlight ?? null);
  room.recording.value = joined.recording ?? false;
  room.recordingAllowed.value = recordingAllowed;
}
