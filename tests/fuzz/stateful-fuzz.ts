// The stateful fuzzer: a moderator and three participants join one room of
// the real server (real mediasoup worker, loopback only) with the router's
// capabilities, build real send and receive transports, produce opus and VP8
// simulcast and consume each other, then send near-valid requests of every
// method — media, moderation, polls, breakout, recording, resume — whose
// parameters are mutated from what a browser would send, with real ids of
// their own, of others and of closed objects. Seeded: a seed gives the same
// sequence of choices. Used by tests/integration/stateful-fuzz.test.ts (a
// short run in CI) and `npm run fuzz` (a long one).
//
// The transports' DTLS and ICE are not completed (no WebRTC stack in Node
// here), so no RTP flows during the run: what the mutations exercise is
// signalling, aula's handlers, mediasoup's parameter checks and the worker's
// object lifecycle. tests/e2e/after-fuzz.test.ts has real browsers send and
// decode media on the same server afterwards.
import { randomBytes } from 'node:crypto';
import { methods, type Method } from '../../shared/protocol.js';
import type { RunningServer } from '../../server/server.js';
import type { Room } from '../../server/rooms/room.js';
import { tokenFor } from '../helpers/server.js';
import { type Answer, emptyTally, FuzzPeer, type PeerTally } from './fuzz-peer.js';
import { cameraParameters, dtlsParameters, micParameters, mutateDtls, mutateRtp, Rng } from './media-params.js';

export interface StatefulOptions {
  requests: number;
  seed: number;
  /** Requests one peer keeps in flight (a client may pipeline). */
  window?: number;
  /** How long an unanswered request may stay open at the end before it counts as unanswered. */
  answerWithinMs?: number;
}

export interface StatefulResult extends PeerTally {
  /** Requests with no answer on a socket that stayed open: their methods. */
  unanswered: string[];
  /** Requests sent per method (every method must appear). */
  byMethod: Record<string, number>;
  ok: number;
  room: Room;
}

type Action = (p: FuzzPeer, ctx: Ctx) => [Method, unknown] | undefined;

interface Ctx {
  rng: Rng;
  peers: FuzzPeer[];
  /** Mutate this request (else it is valid for the state the peer knows). */
  mutate: boolean;
}

const uuid = (rng: Rng) => [8, 4, 4, 4, 12].map((n) => Array.from({ length: n }, () => rng.int(16).toString(16)).join('')).join('-');

/** A real id of the wanted kind (mostly the peer's own), someone else's, a closed one, or a wrong one. */
function pick(ctx: Ctx, p: FuzzPeer, own: Iterable<string>, others: (q: FuzzPeer) => Iterable<string>): string {
  const { rng } = ctx;
  const mine = [...own];
  const choice = ctx.mutate ? rng.int(5) : 0;
  if (choice === 0 && mine.length) return rng.pick(mine);
  if (choice <= 1) {
    const theirs = ctx.peers.filter((q) => q !== p).flatMap((q) => [...others(q)]);
    if (theirs.length) return rng.pick(theirs);
  }
  if (choice <= 2 && p.stale.size) return rng.pick([...p.stale]);
  if (choice === 3) {
    const any = ctx.peers.flatMap((q) => [q.selfId, ...q.transports.keys(), ...q.producers.keys(), ...q.consumers, ...q.groups]);
    if (any.length) return rng.pick(any);
  }
  return rng.pick([uuid(rng), '', 'x'.repeat(65), mine[0] ?? uuid(rng)]);
}

const transportOf = (p: FuzzPeer, dir: 'send' | 'recv') => [...p.transports].filter(([, d]) => d === dir).map(([id]) => id);
const peerIds = (ctx: Ctx) => ctx.peers.map((q) => q.selfId).filter(Boolean);

/** Every method, with the state-aware request a client would send. */
export const ACTIONS: Record<Method, readonly [number, Action]> = {
  hello: [1, (p, { rng }) => ['hello', { roomId: p.roomId, token: rng.pick(['x'.repeat(20), 'e30.e30.e30xxxxxxxxx']) }]],
  join: [1, (p) => ['join', { displayName: p.name, rtpCapabilities: p.routerRtpCapabilities ?? {} }]],
  leave: [2, () => ['leave', {}]],
  resume: [1, (p, { rng }) => ['resume', { roomId: p.roomId, token: rng.chance(0.5) ? p.resumeToken : 'y'.repeat(32) }]],
  createTransport: [
    8,
    (p, { rng }) => ['createTransport', { direction: transportOf(p, 'send').length && !transportOf(p, 'recv').length ? 'recv' : rng.pick(['send', 'recv']) }],
  ],
  connectTransport: [
    8,
    (p, ctx) => {
      const dtls = dtlsParameters(ctx.rng);
      return [
        'connectTransport',
        { transportId: pick(ctx, p, p.transports.keys(), (q) => q.transports.keys()), dtlsParameters: ctx.mutate ? mutateDtls(ctx.rng, dtls) : dtls },
      ];
    },
  ],
  produce: [
    12,
    (p, ctx) => {
      const source = ctx.rng.weighted([
        [5, 'camera'],
        [5, 'mic'],
        [1, 'screen'],
      ] as const);
      const rtp = source === 'mic' ? micParameters(ctx.rng) : cameraParameters(ctx.rng);
      const kind = ctx.mutate && ctx.rng.chance(0.1) ? 'audio' : source === 'mic' ? 'audio' : 'video';
      const transportId =
        ctx.mutate && ctx.rng.chance(0.3) ? pick(ctx, p, p.transports.keys(), (q) => q.transports.keys()) : (transportOf(p, 'send')[0] ?? uuid(ctx.rng));
      return ['produce', { transportId, kind, source, rtpParameters: ctx.mutate ? mutateRtp(ctx.rng, rtp) : rtp }];
    },
  ],
  closeProducer: [2, (p, ctx) => ['closeProducer', { producerId: pick(ctx, p, p.producers.keys(), (q) => q.producers.keys()) }]],
  pauseProducer: [4, (p, ctx) => ['pauseProducer', { producerId: pick(ctx, p, p.producers.keys(), (q) => q.producers.keys()) }]],
  resumeProducer: [4, (p, ctx) => ['resumeProducer', { producerId: pick(ctx, p, p.producers.keys(), (q) => q.producers.keys()) }]],
  consume: [12, (p, ctx) => ['consume', { producerId: pick(ctx, p, p.remoteProducers, (q) => q.producers.keys()) }]],
  resumeConsumer: [6, (p, ctx) => ['resumeConsumer', { consumerId: pick(ctx, p, p.consumers, (q) => q.consumers) }]],
  setConsumerPreferences: [
    6,
    (p, ctx) => [
      'setConsumerPreferences',
      { consumerId: pick(ctx, p, p.consumers, (q) => q.consumers), spatialLayer: ctx.rng.int(3), paused: ctx.rng.chance(0.4) },
    ],
  ],
  setDisplayName: [1, (p, { rng }) => ['setDisplayName', { displayName: rng.pick([p.name, `${p.name} ${rng.int(9)}`, 'Fuzz']) }]],
  admit: [1, (p, ctx) => ['admit', { lobbyId: pick(ctx, p, p.lobby, () => []) }]],
  deny: [1, (p, ctx) => ['deny', { lobbyId: pick(ctx, p, p.lobby, () => []) }]],
  setRole: [
    2,
    (p, ctx) => [
      'setRole',
      { peerId: ctx.rng.pick([...peerIds(ctx), uuid(ctx.rng)]), role: ctx.rng.pick(['participant', 'presenter', 'participant', 'moderator']) },
    ],
  ],
  lockRoom: [1, (_p, { rng }) => ['lockRoom', { locked: rng.chance(0.3) }]],
  sendChat: [3, (_p, { rng }) => ['sendChat', { text: rng.pick(['hello', 'x'.repeat(1000), ' a ', 'Anna?']) }]],
  raiseHand: [3, () => ['raiseHand', {}]],
  lowerHand: [3, (p, ctx) => ['lowerHand', ctx.rng.chance(0.5) ? {} : { peerId: ctx.rng.pick([...peerIds(ctx), uuid(ctx.rng)]) }]],
  muteParticipant: [3, (_p, ctx) => ['muteParticipant', { peerId: ctx.rng.pick([...peerIds(ctx), uuid(ctx.rng)]), allowUnmute: ctx.rng.chance(0.6) }]],
  muteAll: [1, (_p, { rng }) => ['muteAll', { allowUnmute: rng.chance(0.7) }]],
  stopParticipantCamera: [2, (_p, ctx) => ['stopParticipantCamera', { peerId: ctx.rng.pick([...peerIds(ctx), uuid(ctx.rng)]) }]],
  removeParticipant: [
    0.3,
    (p, ctx) => [
      'removeParticipant',
      {
        peerId: ctx.rng.pick(
          peerIds(ctx)
            .filter((id) => id !== p.selfId)
            .concat(uuid(ctx.rng)),
        ),
      },
    ],
  ],
  endMeeting: [0.1, () => ['endMeeting', {}]],
  allowScreenShares: [1, (_p, { rng }) => ['allowScreenShares', { multiple: rng.chance(0.5) }]],
  startRecording: [0.3, () => ['startRecording', {}]],
  stopRecording: [0.3, () => ['stopRecording', {}]],
  setRecordingOptOut: [0.5, (_p, { rng }) => ['setRecordingOptOut', { optOut: rng.chance(0.5) }]],
  createPoll: [
    1,
    (_p, { rng }) => [
      'createPoll',
      {
        question: 'Which?',
        options: rng.pick([
          ['a', 'b'],
          ['a', 'b', 'c', 'd'],
        ]),
        multiple: rng.chance(0.5),
      },
    ],
  ],
  vote: [
    3,
    (p, ctx) => [
      'vote',
      { pollId: p.pollId && !ctx.mutate ? p.pollId : pick(ctx, p, p.pollId ? [p.pollId] : [], () => []), choices: ctx.mutate ? [9, 0] : [ctx.rng.int(2)] },
    ],
  ],
  closePoll: [1, (p, ctx) => ['closePoll', { pollId: pick(ctx, p, p.pollId ? [p.pollId] : [], () => []) }]],
  showPollResults: [1, (p, ctx) => ['showPollResults', { pollId: pick(ctx, p, p.pollId ? [p.pollId] : [], () => []) }]],
  startBreakout: [
    1.5,
    (_p, ctx) => {
      const groups = 1 + ctx.rng.int(3);
      const manual = ctx.rng.chance(0.4);
      return [
        'startBreakout',
        {
          groups,
          mode: manual ? 'manual' : 'random',
          ...(manual ? { assign: peerIds(ctx).map((peerId) => ({ peerId, group: ctx.rng.int(ctx.mutate ? groups + 1 : groups) })) } : {}),
          ...(ctx.rng.chance(0.2) ? { minutes: 1 } : {}),
        },
      ];
    },
  ],
  moveToGroup: [
    4,
    (p, ctx) => [
      'moveToGroup',
      { peerId: ctx.rng.pick([...peerIds(ctx), uuid(ctx.rng)]), ...(ctx.rng.chance(0.7) ? { group: pick(ctx, p, p.groups, (q) => q.groups) } : {}) },
    ],
  ],
  leaveGroup: [2, () => ['leaveGroup', {}]],
  breakoutMessage: [1, () => ['breakoutMessage', { text: 'Back in two minutes' }]],
  closeGroup: [1, (p, ctx) => ['closeGroup', { group: pick(ctx, p, p.groups, (q) => q.groups) }]],
  endBreakout: [1, () => ['endBreakout', {}]],
  // Slides and whiteboard: real pages and strokes, and out-of-range ones when mutating (the upload itself is HTTP).
  startWhiteboard: [1, () => ['startWhiteboard', {}]],
  startSlides: [
    0.5,
    (_p, { rng, mutate }) => ['startSlides', { bytes: mutate ? rng.pick([0, 2 ** 40, 1]) : 2000, pageCount: mutate ? rng.pick([0, 301, 1e9]) : 3 }],
  ],
  setPage: [2, (_p, { rng, mutate }) => ['setPage', { page: mutate ? rng.pick([0, -1, 51, 2 ** 31]) : rng.int(3) + 1 }]],
  addPage: [1, () => ['addPage', {}]],
  stopPresenting: [0.5, () => ['stopPresenting', {}]],
  drawStroke: [
    3,
    (_p, { rng, mutate }) => {
      const points = mutate
        ? rng.pick([[], [1], [10_001, 0], Array(2002).fill(1), [0.5, 2]])
        : [rng.int(10_000), rng.int(10_000), rng.int(10_000), rng.int(10_000)];
      return [
        'drawStroke',
        {
          page: mutate ? rng.pick([0, 99]) : 1,
          stroke: { tool: mutate ? rng.pick(['pen', 'laser']) : 'pen', colour: 'red', width: mutate ? rng.pick([0, 41, 4]) : 4, points },
        },
      ];
    },
  ],
  eraseStroke: [1, (_p, { rng }) => ['eraseStroke', { page: 1, strokeId: rng.pick([uuid(rng), '', 'x'.repeat(65)]) }]],
  clearPage: [1, (_p, { rng, mutate }) => ['clearPage', { page: mutate ? rng.pick([0, 99]) : 1 }]],
  movePointer: [
    2,
    (_p, { rng, mutate }) => [
      'movePointer',
      mutate ? rng.pick([{}, { x: -1, y: 2 }, { hidden: false }]) : rng.chance(0.2) ? { hidden: true } : { x: rng.int(10_000), y: rng.int(10_000) },
    ],
  ],
  setDrawingAllowed: [1, (_p, { rng }) => ['setDrawingAllowed', { allowed: rng.chance(0.5) }]],
  // Someone in the room, someone who left or never was, or nobody (removes it).
  setSpotlight: [2, (_p, ctx) => ['setSpotlight', { peerId: ctx.rng.chance(0.3) ? null : ctx.rng.pick([...peerIds(ctx), uuid(ctx.rng)]) }]],
};

export function coveredMethods(): Method[] {
  return methods.filter((m) => ACTIONS[m]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const NO_ANSWER: Answer = { ok: false, error: { code: 'no_answer', message: '' } };
/** The fuzzer's own steps wait boundedly: an unanswered request is a finding, not a hang. */
const within = (a: Promise<Answer>, ms = 20_000): Promise<Answer> => Promise.race([a, sleep(ms).then(() => NO_ANSWER)]);

const CLIENT = () => randomBytes(12).toString('base64url');

/** hello + join with the router's capabilities; false if refused (locked room, removed, …). */
async function enter(server: RunningServer, room: Room, p: FuzzPeer, role: 'moderator' | 'participant'): Promise<boolean> {
  if (!p.isOpen) await p.open();
  p.roomId = room.id;
  const hello = await within(p.send('hello', { roomId: room.id, token: await tokenFor(server, room, role), client: CLIENT() }));
  if (!hello.ok) return false;
  p.routerRtpCapabilities = hello.data.routerRtpCapabilities;
  const join = await within(p.send('join', { displayName: p.name, rtpCapabilities: hello.data.routerRtpCapabilities }));
  if (!join.ok || join.data.status !== 'joined') return false;
  p.leftRoom();
  p.joinedWith(join.data);
  return true;
}

/** Drop the socket without a close frame and take the participation over on a new one. */
async function dropAndResume(p: FuzzPeer): Promise<void> {
  p.drop();
  await p.open();
  const r = await within(p.send('resume', { roomId: p.roomId, token: p.resumeToken }));
  if (r.ok) p.joined = true;
  else p.leftRoom();
}

/** Track what an answer creates, as a client would. */
function learn(p: FuzzPeer, method: Method, params: any, a: Answer): void {
  if (!a.ok) return;
  if (method === 'createTransport') p.transports.set(a.data.id, params.direction);
  else if (method === 'produce') p.producers.set(a.data.producerId, params.source);
  else if (method === 'consume') p.consumers.add(a.data.consumerId);
  else if (method === 'closeProducer') {
    p.producers.delete(params.producerId);
    p.stale.add(params.producerId);
  } else if (method === 'createPoll') p.pollId = a.data.pollId;
  else if (method === 'leave') p.leftRoom();
}

export async function runStatefulFuzz(server: RunningServer, options: StatefulOptions): Promise<StatefulResult> {
  const rng = new Rng(options.seed);
  const window = options.window ?? 6;
  const room = await server.rooms.create({ title: 'Stateful fuzz', maxParticipants: 10, recording: true });
  const names = ['Teacher', 'Pupil A', 'Pupil B', 'Pupil C'];
  const peers = names.map((n) => new FuzzPeer(n, server.url));
  const roleOf = (i: number) => (i === 0 ? 'moderator' : 'participant');
  for (const [i, p] of peers.entries()) await enter(server, room, p, roleOf(i));
  const byMethod: Record<string, number> = {};
  const actions = Object.entries(ACTIONS) as Array<[Method, readonly [number, Action]]>;
  const weights = actions.map(([m, [w]]) => [w, m] as const);

  for (let n = 0; n < options.requests; n++) {
    const i = rng.int(peers.length);
    const p = peers[i]!;
    if (!p.joined) {
      // Out of the room (left, removed, meeting ended, locked): back in, or resumed after a drop.
      if (!(await enter(server, room, p, roleOf(i)))) {
        if (rng.chance(0.3) && peers[0]!.joined) await within(peers[0]!.send('lockRoom', { locked: false }));
        continue;
      }
    }
    // Bounded: a request that is never answered must not stall the fuzzer (it is reported at the end).
    for (const until = Date.now() + 60_000; p.inFlight >= window && Date.now() < until;) await sleep(5);
    if (p.inFlight >= window && process.env.AULA_FUZZ_VERBOSE) console.log(`fuzz: ${p.name} stalled on ${p.overdue(5000).join(', ')}`);
    if (rng.chance(0.004)) {
      await dropAndResume(p);
      continue;
    }
    if (rng.chance(0.002)) {
      // A pipelining burst beyond the per-connection queue: refusals must name their request.
      for (let k = 0; k < 48; k++) void p.send(k % 2 ? 'raiseHand' : 'lowerHand', {});
      continue;
    }
    // Repair first, like a client would: missing transports and producers.
    const ctx: Ctx = { rng, peers, mutate: rng.chance(0.45) };
    let method: Method;
    if (!transportOf(p, 'send').length && rng.chance(0.5)) method = 'createTransport';
    else if (p.producers.size < 2 && transportOf(p, 'send').length && rng.chance(0.3)) method = 'produce';
    else method = rng.weighted(weights);
    const made = ACTIONS[method][1](p, ctx);
    if (!made) continue;
    const [m, params] = made;
    byMethod[m] = (byMethod[m] ?? 0) + 1;
    void p.send(m, params).then((a) => learn(p, m, params, a));
    // AULA_FUZZ_VERBOSE=500: a progress line every 500 requests.
    if (process.env.AULA_FUZZ_VERBOSE && n % Number(process.env.AULA_FUZZ_VERBOSE) === 0) {
      console.log(
        `fuzz: ${n} requests, ${Date.now() % 1e6} ms, in flight ${peers.map((q) => q.inFlight).join(',')}, joined ${peers.map((q) => q.joined).join(',')}; open longer than 5 s: ${peers.flatMap((q) => q.overdue(5000)).join(', ') || 'none'}`,
      );
    }
  }

  // Every request on an open socket must be answered.
  const end = Date.now() + (options.answerWithinMs ?? 30_000);
  while (Date.now() < end && peers.some((p) => p.inFlight > 0)) await sleep(100);
  const unanswered = peers.flatMap((p) => p.overdue(0));
  await Promise.all(peers.map((p) => p.close()));

  const total = emptyTally();
  for (const { tally } of peers) {
    for (const k of ['sent', 'answered', 'duplicates', 'unmatched', 'droppedWithSocket'] as const) total[k] += tally[k];
    for (const [c, v] of Object.entries(tally.codes)) total.codes[c] = (total.codes[c] ?? 0) + v;
    total.internal.push(...tally.internal);
    total.slowestMs = Math.max(total.slowestMs, tally.slowestMs);
  }
  const errors = Object.values(total.codes).reduce((a, b) => a + b, 0);
  return { ...total, unanswered, byMethod, ok: total.answered - errors, room };
}
