// The signalling protocol between browser and server, defined once.
// Both sides import these schemas: the server validates every request, the
// client validates every response and notification. docs/PROTOCOL.md explains
// the flow; tests/unit/protocol.test.ts pins the validation.
// Written with zod/mini (the functional API): the browser bundle carries a
// fraction of full zod, and the server validates with exactly these schemas.
import * as z from 'zod/mini';
import { nonEmptyText, textSchema } from './chat-text.js';
import { displayNameSchema, MAX_DISPLAY_NAME } from './display-name.js';
import { presentationNotifications, presentationRequests, presentationState } from './presentation.js';
import { spotlightNotifications, spotlightRequests } from './spotlight.js';

export const PROTOCOL_VERSION = 1;

// Bounds that keep a single message small whatever the client sends.
export const LIMITS = {
  displayName: MAX_DISPLAY_NAME,
  id: 64,
  list: 64,
} as const;

const id = z.string().check(z.minLength(1), z.maxLength(LIMITS.id));
const roomId = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'room id: 1-64 characters of A-Z a-z 0-9 _ -'));
export const displayName = displayNameSchema;

// mediasoup validates the inner structure of RTP/DTLS/ICE objects itself; here
// we bound their shape so that nothing huge or wrongly typed reaches it.
const plainObject = z.record(z.string().check(z.maxLength(64)), z.unknown());
const str = (max: number) => z.string().check(z.maxLength(max));
const list = <T extends z.ZodMiniType>(item: T, max: number = LIMITS.list) => z.array(item).check(z.maxLength(max));
const rtpCodec = z.looseObject({ mimeType: str(64), clockRate: z.int().check(z.positive()) });
export const rtpCapabilities = z.looseObject({
  codecs: z.optional(list(rtpCodec)),
  headerExtensions: z.optional(list(plainObject)),
});
// Typed where mediasoup packs a value without checking it first: a
// non-integer maxBitrate made its BigInt() throw part-way through packing a
// produce request, which left the worker channel's FlatBuffers builder
// unusable for the next request of anyone on that worker.
const uint32 = z.int().check(z.minimum(0), z.maximum(2 ** 32 - 1));
const rtpEncoding = z.looseObject({
  ssrc: z.optional(uint32),
  rid: z.optional(str(32)),
  codecPayloadType: z.optional(z.int().check(z.minimum(0), z.maximum(127))),
  rtx: z.optional(z.looseObject({ ssrc: uint32 })),
  dtx: z.optional(z.boolean()),
  scalabilityMode: z.optional(str(16)),
  maxBitrate: z.optional(z.int().check(z.minimum(0), z.maximum(10_000_000_000))),
});
export const rtpParameters = z.looseObject({
  mid: z.optional(str(32)),
  codecs: list(plainObject).check(z.minLength(1)),
  headerExtensions: z.optional(list(plainObject)),
  encodings: z.optional(list(rtpEncoding, 8)),
  rtcp: z.optional(plainObject),
});
export const dtlsParameters = z.looseObject({
  role: z.optional(z.enum(['auto', 'client', 'server'])),
  fingerprints: list(z.object({ algorithm: str(16), value: str(256) }), 8).check(z.minLength(1)),
});
export const mediaKind = z.enum(['audio', 'video']);
export const mediaSource = z.enum(['mic', 'camera', 'screen']);
export const MAX_CHAT = 1000;

export const roles = ['moderator', 'presenter', 'participant'] as const;
export const role = z.enum(roles);
export type Role = z.infer<typeof role>;
/** What a role may do; the server's table is the authority, the client only shows controls by it. */
export const permissions = [
  'publish', // microphone and camera
  'subscribe',
  'rename', // change one's own display name
  'shareScreen',
  'bypassLobby',
  'bypassLock',
  'admitLobby', // see the lobby, admit and deny
  'setRole', // promote and demote
  'lockRoom',
  'chat',
  'raiseHand',
  'lowerHands', // lower anyone's hand, see the queue
  'muteOthers', // mute microphones, stop cameras, of one or all
  'removeParticipant',
  'endMeeting',
  'manageScreens', // allow more than one screen share
  'record', // start and stop a recording (in rooms that allow it)
  'optOutOfRecording', // leave oneself out of a recording, and back in
  'vote', // answer polls
  'managePolls', // open, close and show polls
  'manageBreakout', // split the class into groups, move people, visit groups
  'present', // slides and whiteboard: start, turn pages, draw, stop
  'manageDrawing', // let everyone draw on the slides and whiteboard, or not
  'spotlight', // show one person large on everyone's stage (setSpotlight)
] as const;
export type Permission = (typeof permissions)[number];

/** `group`: the breakout group this person is in; absent while in the main room. */
/** `recordingOptOut`: this person chose to be left out of recordings (their tile says so). */
export const peerInfo = z.object({ id, displayName: z.string(), role, group: z.optional(id), recordingOptOut: z.optional(z.boolean()) });
export const lobbyEntry = z.object({ id, displayName: z.string() });
export const chatMessage = z.object({ id, peerId: id, displayName: z.string(), text: z.string(), at: z.string() });
/** The raised hands: everyone sees the count; who and in which order only those who may lower hands. */
const count = z.int().check(z.minimum(0));
export const handsState = z.object({ count, queue: z.optional(z.array(id)), mine: z.boolean() });
export const producerInfo = z.object({
  producerId: id,
  peerId: id,
  kind: mediaKind,
  source: mediaSource,
  paused: z.boolean(),
});

// Polls: counts only, never who chose what (see docs/PRIVACY.md).
export const POLL_LIMITS = { question: 300, option: 100, minOptions: 2, maxOptions: 10 } as const;
export const pollInfo = z.object({
  id,
  question: z.string(),
  options: list(z.string(), POLL_LIMITS.maxOptions),
  multiple: z.boolean(),
  open: z.boolean(),
});
export const pollResults = z.object({
  pollId: id,
  counts: list(count, POLL_LIMITS.maxOptions),
  /** How many people answered (a multiple-choice answer counts once here). */
  voters: count,
  final: z.boolean(),
});
// Breakout rooms: groups with their own media router.
export const BREAKOUT_LIMITS = { groups: 20, name: 40, message: 500, minutes: 240 } as const;
export const breakoutState = z.object({
  active: z.boolean(),
  groups: list(z.object({ id, name: z.string() }), BREAKOUT_LIMITS.groups),
  /** When the timer calls everyone back (ISO time), if a timer is set. */
  endsAt: z.optional(z.string()),
});

const empty = z.strictObject({});
// Parameters are strict objects: an unknown field (an e-mail, a phone number,
// an avatar) is refused, not silently dropped.
const params = z.strictObject;
/** Several nodes: a signed rejoin ticket (server/cluster/rejoin.ts). */
const rejoinTicket = str(1024);

const joinedData = z.object({
  self: peerInfo,
  permissions: z.array(z.enum(permissions)),
  peers: z.array(peerInfo),
  producers: z.array(producerInfo),
  lobby: z.array(lobbyEntry),
  locked: z.boolean(),
  chat: z.array(chatMessage),
  hands: handsState,
  activeSpeaker: z.nullable(id),
  /** TURN servers with short-lived credentials; only joined participants get them. */
  iceServers: z.array(z.object({ urls: z.array(z.string()), username: z.string(), credential: z.string() })),
  iceTransportPolicy: z.enum(['all', 'relay']),
  /**
   * If the connection drops, a new one may take this participation over with
   * `resume` within `graceSeconds` (name, role, hand and media kept). A bearer
   * secret held in the client's memory only.
   */
  resume: z.object({ token: str(128), graceSeconds: count }),
  /** Several nodes: presented in hello if the room moves to another node (signed; room, identity hash, meeting, expiry; no name). */
  rejoin: z.optional(rejoinTicket),
  /** A recording is running now. */
  recording: z.optional(z.boolean()),
  poll: z.optional(pollInfo), // the current poll, if any
  breakout: z.optional(breakoutState),
  /** Slides or whiteboard on the stage, with the current page's strokes. */
  presentation: z.optional(presentationState),
  /** The person a moderator put in the spotlight, if any (see spotlightChanged). */
  spotlight: z.optional(id),
});
export type JoinedData = z.infer<typeof joinedData>;

/** Every request: its parameters and its result. */
export const requests = {
  hello: {
    /**
     * `client`: a random id this browser keeps per room, so that a removal or a
     * locked mute survives reopening the link. Memory only on the server, for
     * the meeting.
     */
    params: params({
      roomId,
      token: z.string().check(z.minLength(16), z.maxLength(8192)),
      client: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{16,64}$/))),
      /** Several nodes: the ticket from `joined` after the room moved (no name in it); skips the lobby again. */
      rejoin: z.optional(rejoinTicket),
    }),
    result: z.object({
      title: z.string(),
      role,
      recording: z.boolean(),
      /** A recording is running now (the join page says so before anyone joins). */
      recordingActive: z.optional(z.boolean()),
      lobby: z.boolean(), // true if this person will wait in the lobby
      /** The pre-join switches start on: a room setting (moderatorDevicesOn), sent only to moderators. */
      devicesOn: z.optional(z.boolean()),
      prefillName: z.optional(z.string()),
      routerRtpCapabilities: plainObject,
    }),
  },
  join: {
    /** `recordingOptOut`: the choice on the join page while a recording runs (see setRecordingOptOut). */
    params: params({ displayName, rtpCapabilities, recordingOptOut: z.optional(z.boolean()) }),
    result: z.discriminatedUnion('status', [z.extend(joinedData, { status: z.literal('joined') }), z.object({ status: z.literal('waiting') })]),
  },
  setDisplayName: { params: params({ displayName }), result: z.object({ displayName: z.string() }) },
  admit: { params: params({ lobbyId: id }), result: empty },
  deny: { params: params({ lobbyId: id }), result: empty },
  setRole: { params: params({ peerId: id, role }), result: empty },
  lockRoom: { params: params({ locked: z.boolean() }), result: empty },
  sendChat: { params: params({ text: nonEmptyText(MAX_CHAT, { multiline: true }) }), result: z.object({ id }) },
  raiseHand: { params: empty, result: empty },
  /** Without peerId: your own hand. With: someone else's (moderators). */
  lowerHand: { params: params({ peerId: z.optional(id) }), result: empty },
  muteParticipant: { params: params({ peerId: id, allowUnmute: z.boolean() }), result: empty },
  /** Mutes everyone but moderators and presenters. */
  muteAll: { params: params({ allowUnmute: z.boolean() }), result: z.object({ muted: z.int() }) },
  stopParticipantCamera: { params: params({ peerId: id }), result: empty },
  removeParticipant: { params: params({ peerId: id, reason: z.optional(textSchema(200, { multiline: false })) }), result: empty },
  endMeeting: { params: empty, result: empty },
  allowScreenShares: { params: params({ multiple: z.boolean() }), result: empty },
  /** Which simulcast layer fits the tile a consumer is shown in; paused when off-screen. */
  setConsumerPreferences: {
    params: params({ consumerId: id, spatialLayer: z.int().check(z.minimum(0), z.maximum(2)), paused: z.boolean() }),
    result: empty,
  },
  createTransport: {
    params: params({ direction: z.enum(['send', 'recv']) }),
    result: z.object({
      id,
      iceParameters: plainObject,
      iceCandidates: z.array(plainObject),
      dtlsParameters: plainObject,
    }),
  },
  connectTransport: {
    params: params({ transportId: id, dtlsParameters }),
    result: empty,
  },
  produce: {
    params: params({ transportId: id, kind: mediaKind, source: mediaSource, rtpParameters }),
    result: z.object({ producerId: id }),
  },
  closeProducer: { params: params({ producerId: id }), result: empty },
  pauseProducer: { params: params({ producerId: id }), result: empty },
  resumeProducer: { params: params({ producerId: id }), result: empty },
  consume: {
    params: params({ producerId: id }),
    result: z.object({
      consumerId: id,
      producerId: id,
      peerId: id,
      kind: mediaKind,
      source: mediaSource,
      rtpParameters: plainObject,
      producerPaused: z.boolean(),
    }),
  },
  resumeConsumer: { params: params({ consumerId: id }), result: empty },
  leave: { params: empty, result: empty },
  /**
   * On a new connection after the old one dropped: continue as the same
   * participant. Notifications missed meanwhile follow the answer, in order.
   */
  resume: {
    params: params({ roomId, token: z.string().check(z.minLength(16), z.maxLength(128)) }),
    result: z.object({ self: peerInfo, permissions: z.array(z.enum(permissions)) }),
  },
  /** Moderators, in rooms that allow recording; names are replaced by "Participant N". */
  startRecording: { params: empty, result: empty },
  stopRecording: { params: empty, result: empty },
  /**
   * Anyone: leave me out of recordings (none of my audio or video is
   * captured, my chat shows as "a participant who opted out"), or include me again.
   */
  setRecordingOptOut: { params: params({ optOut: z.boolean() }), result: empty },
  createPoll: {
    params: params({
      question: nonEmptyText(POLL_LIMITS.question, { multiline: false }),
      options: list(nonEmptyText(POLL_LIMITS.option, { multiline: false }), POLL_LIMITS.maxOptions).check(z.minLength(POLL_LIMITS.minOptions)),
      multiple: z.boolean(),
    }),
    result: z.object({ pollId: id }),
  },
  /** Option indexes; a second vote replaces the first while the poll is open. */
  vote: {
    params: params({
      pollId: id,
      choices: list(z.int().check(z.minimum(0), z.maximum(POLL_LIMITS.maxOptions - 1)), POLL_LIMITS.maxOptions).check(z.minLength(1)),
    }),
    result: empty,
  },
  closePoll: { params: params({ pollId: id }), result: pollResults },
  /** Show the closed poll's counts to everyone in the room. */
  showPollResults: { params: params({ pollId: id }), result: empty },
  startBreakout: {
    params: params({
      groups: z.int().check(z.minimum(1), z.maximum(BREAKOUT_LIMITS.groups)),
      /** random: everyone but moderators shuffled into the groups; manual: only `assign`. */
      mode: z.enum(['random', 'manual']),
      assign: z.optional(list(z.strictObject({ peerId: id, group: z.int().check(z.minimum(0), z.maximum(BREAKOUT_LIMITS.groups - 1)) }), 500)),
      minutes: z.optional(z.int().check(z.minimum(1), z.maximum(BREAKOUT_LIMITS.minutes))),
    }),
    result: breakoutState,
  },
  /** Move someone (or yourself, to visit) into a group; `group` absent = the main room. */
  moveToGroup: { params: params({ peerId: id, group: z.optional(id) }), result: empty },
  /** Go back to the main room early (anyone). */
  leaveGroup: { params: empty, result: empty },
  breakoutMessage: { params: params({ text: nonEmptyText(BREAKOUT_LIMITS.message, { multiline: true }) }), result: empty },
  closeGroup: { params: params({ group: id }), result: empty },
  /** Call everyone back to the main room and end the breakout. */
  endBreakout: { params: empty, result: empty },
  ...presentationRequests,
  ...spotlightRequests,
} as const;

export type Method = keyof typeof requests;
export type Params<M extends Method> = z.infer<(typeof requests)[M]['params']>;
export type Result<M extends Method> = z.infer<(typeof requests)[M]['result']>;
export const methods = Object.keys(requests) as Method[];
export const isMethod = (m: string): m is Method => Object.hasOwn(requests, m);

/** Server-to-client events that are not answers to a request. */
export const notifications = {
  peerJoined: z.object({ peer: peerInfo }),
  peerUpdated: z.object({ peer: peerInfo }), // new display name or role
  selfUpdated: z.object({ self: peerInfo, permissions: z.array(z.enum(permissions)) }),
  lobbyChanged: z.object({ entries: z.array(lobbyEntry) }), // to those who may admit
  admitted: joinedData,
  denied: z.object({}),
  roomLocked: z.object({ locked: z.boolean() }),
  chatMessage,
  handsChanged: handsState,
  /** To the participant: a moderator muted your microphone or stopped your camera. */
  moderated: z.object({ source: mediaSource, allowUnmute: z.boolean() }),
  /** To the participant: a moderator allowed you to unmute again. */
  unmuteAllowed: z.object({}),
  /** `reason`: the moderator's own words, if any; the client words the rest in its language. */
  removed: z.object({ reason: z.optional(str(200)) }),
  activeSpeaker: z.object({ peerId: z.nullable(id) }),
  peerLeft: z.object({ peerId: id }),
  producerAdded: producerInfo,
  producerClosed: z.object({ producerId: id, peerId: id }),
  producerPaused: z.object({ producerId: id, peerId: id }),
  producerResumed: z.object({ producerId: id, peerId: id }),
  consumerClosed: z.object({ consumerId: id }),
  /**
   * The room's media worker failed and a new router took over: every transport,
   * producer and consumer is gone. Create transports again and re-publish;
   * other participants' producers arrive as producerAdded.
   */
  mediaReset: z.object({ routerRtpCapabilities: plainObject }),
  /** A recording started or stopped: every client shows it and announces it. */
  /**
   * `countdownSeconds`: a moderator pressed Start recording; capture begins
   * after this many seconds (another recordingChanged without it), time to opt out.
   */
  recordingChanged: z.object({ active: z.boolean(), countdownSeconds: z.optional(z.int().check(z.minimum(1), z.maximum(60))) }),
  pollOpened: pollInfo,
  pollClosed: z.object({ pollId: id }),
  /** Live to those who manage polls; to everyone when shown. Counts only. */
  pollResults,
  breakoutChanged: breakoutState,
  /**
   * To the participant: you are now in this group (absent: the main room).
   * Close your transports and make new ones on this router; `producers` are
   * the ones to consume there.
   */
  movedToGroup: z.object({
    group: z.optional(id),
    name: z.optional(z.string()),
    routerRtpCapabilities: plainObject,
    producers: z.array(producerInfo),
  }),
  /** A moderator's message to every group. */
  breakoutMessage: z.object({ text: str(BREAKOUT_LIMITS.message), from: z.string() }),
  roomClosed: z.object({ code: z.enum(['room_closed', 'meeting_ended', 'server_shutdown', 'room_moved']), reason: str(200) }),
  ...presentationNotifications,
  ...spotlightNotifications,
} as const;

export type NotificationName = keyof typeof notifications;
export type NotificationData<N extends NotificationName> = z.infer<(typeof notifications)[N]>;

export const errorCodes = [
  'bad_json', // the frame is not JSON
  'bad_request', // JSON, but not a request envelope
  'too_large', // the frame exceeds the size limit
  'unknown_method',
  'invalid_params', // parameters fail the method's schema or mediasoup's checks
  'invalid_link', // the link's token is not valid for this room (tampered, revoked, wrong room)
  'link_expired',
  'no_access', // hello with a valid link first (wrong order)
  'not_joined', // the method needs a joined session (wrong order)
  'already_joined',
  'not_found', // no such room, transport, producer or consumer for this participant
  'forbidden', // the participant's role does not allow this
  'room_full',
  'room_locked',
  'busy', // e.g. someone else is sharing their screen
  'muted_by_moderator', // you may not unmute until a moderator allows it
  'removed', // a moderator removed this browser from the meeting; re-issued links let it back
  'rate_limited', // too many requests in flight on this connection
  'too_many_connections', // this address has signalling.connectionsPerAddress connections open already
  'server_busy', // too many connections are waiting outside rooms; try again shortly
  'resume_failed', // the participation to resume has ended (grace period over, removed, or unknown)
  'not_pdf', // an uploaded file for slides is not a PDF
  'room_moved', // several nodes: the room now runs on another node; join again (the client does so by itself)
  'unavailable', // several nodes: the room cannot be placed now (coordination store unreachable); try again shortly
  'invalid_state', // not possible in the object's state: a second connect, a resume of a closed consumer
  'timeout', // the server did not finish the request in time; it may or may not have taken effect
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];
export const errorInfo = z.object({ code: z.enum(errorCodes), message: z.string() });
export type ErrorInfo = z.infer<typeof errorInfo>;

// Envelopes.
export const requestId = z.int().check(z.minimum(0), z.maximum(2 ** 31));
export const requestEnvelope = z.object({
  type: z.literal('request'),
  id: requestId,
  method: str(64),
  data: z.optional(z.unknown()),
});
export const responseEnvelope = z.discriminatedUnion('ok', [
  z.object({ type: z.literal('response'), id: requestId, ok: z.literal(true), data: z.unknown() }),
  z.object({ type: z.literal('response'), id: z.nullable(requestId), ok: z.literal(false), error: errorInfo }),
]);
export const notificationEnvelope = z.object({
  type: z.literal('notification'),
  method: z.string(),
  data: z.unknown(),
});
export const serverMessage = z.union([responseEnvelope, notificationEnvelope]);

export type RequestMessage = { type: 'request'; id: number; method: Method; data?: unknown };
export type ResponseMessage = z.infer<typeof responseEnvelope>;
export type NotificationMessage = { type: 'notification'; method: NotificationName; data: unknown };

export type ParsedRequest = { ok: true; id: number; method: Method; params: unknown } | { ok: false; id: number | null; error: ErrorInfo };

/**
 * Parse one frame from a client into a request whose parameters match its
 * method's schema, or a typed error. Never throws.
 */
export function parseRequest(raw: string): ParsedRequest {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, id: null, error: { code: 'bad_json', message: 'message is not valid JSON' } };
  }
  const env = requestEnvelope.safeParse(json);
  if (!env.success) {
    const maybeId = requestId.safeParse((json as { id?: unknown } | null)?.id);
    return {
      ok: false,
      id: maybeId.success ? maybeId.data : null,
      error: { code: 'bad_request', message: `not a request: ${describe(env.error)}` },
    };
  }
  const { id: reqId, method, data } = env.data;
  if (!isMethod(method)) {
    return { ok: false, id: reqId, error: { code: 'unknown_method', message: `unknown method "${method.slice(0, 64)}"` } };
  }
  const params = requests[method].params.safeParse(data ?? {});
  if (!params.success) {
    return { ok: false, id: reqId, error: { code: 'invalid_params', message: `${method}: ${describe(params.error)}` } };
  }
  return { ok: true, id: reqId, method, params: params.data };
}

/** A short, human-readable summary of the first schema problems. */
export function describe(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): string {
  return error.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
}

export type MediaKind = z.infer<typeof mediaKind>;
export type MediaSource = z.infer<typeof mediaSource>;
export type PeerInfo = z.infer<typeof peerInfo>;
export type LobbyEntry = z.infer<typeof lobbyEntry>;
export type ProducerInfo = z.infer<typeof producerInfo>;
