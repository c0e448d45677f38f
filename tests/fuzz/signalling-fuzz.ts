// A seeded signalling fuzzer against the real server (real mediasoup worker,
// loopback only): malformed and adversarial frames from joined and unjoined
// clients. Every frame must get exactly one typed answer, the process must not
// crash, and the server must keep serving. Used by tests/integration/fuzz.test.ts
// (a short run) and `npm run fuzz` (100 000 frames or more).
import fc from 'fast-check';
import { errorCodes } from '../../shared/protocol.js';
import type { RunningServer } from '../../server/server.js';
import { tokenFor } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';

export interface FuzzResult {
  frames: number;
  answered: number;
  codes: Record<string, number>;
  ok: number;
}

const METHODS = [
  'hello',
  'join',
  'leave',
  'createTransport',
  'connectTransport',
  'produce',
  'consume',
  'resumeConsumer',
  'pauseProducer',
  'resumeProducer',
  'closeProducer',
  'sendChat',
  'raiseHand',
  'lowerHand',
  'setRole',
  'lockRoom',
  'admit',
  'deny',
  'muteParticipant',
  'muteAll',
  'stopParticipantCamera',
  'removeParticipant',
  'endMeeting',
  'allowScreenShares',
  'setConsumerPreferences',
  'setDisplayName',
];

/** One frame: invalid JSON, wrong shapes, deep nesting, huge values, unknown methods, or requests with foreign ids. */
function frameArbitrary(ids: string[]): fc.Arbitrary<string> {
  const anyId = ids.length ? fc.constantFrom(...ids) : fc.uuid();
  const value = fc.letrec((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      anyId,
      fc.array(tie('v'), { maxLength: 4 }),
      fc.dictionary(fc.string({ maxLength: 12 }), tie('v'), { maxKeys: 4 }),
    ),
  })).v;
  const params = fc.dictionary(
    fc.constantFrom(
      'roomId',
      'token',
      'displayName',
      'direction',
      'transportId',
      'producerId',
      'consumerId',
      'peerId',
      'lobbyId',
      'text',
      'kind',
      'source',
      'rtpParameters',
      'dtlsParameters',
      'rtpCapabilities',
      'role',
      'locked',
      'spatialLayer',
      'paused',
      'allowUnmute',
      'email',
    ),
    fc.oneof(value, anyId),
    { maxKeys: 5 },
  );
  // Mostly well-formed envelopes, so that the handlers behind them get exercised too.
  const request = fc.record({
    type: fc.oneof({ weight: 9, arbitrary: fc.constant('request') }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }),
    id: fc.oneof(
      { weight: 9, arbitrary: fc.integer({ min: 0, max: 2 ** 31 }) },
      { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.string({ maxLength: 4 }), fc.constant(null)) },
    ),
    method: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...METHODS) },
      { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
      { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty') },
    ),
    data: fc.oneof({ weight: 3, arbitrary: params }, { weight: 1, arbitrary: value }),
  });
  const deep = fc.integer({ min: 50, max: 2000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`);
  return fc.oneof(
    { weight: 6, arbitrary: request.map((r) => JSON.stringify(r)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: deep },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 1000, max: 120_000 })
        .map((n) => JSON.stringify({ type: 'request', id: 1, method: 'sendChat', data: { text: 'x'.repeat(n) } })),
    },
    { weight: 1, arbitrary: fc.constantFrom('null', '[]', '{}', '"x"', '1e999', '{"type":"request"}', '{"__proto__":{"a":1}}') },
  );
}

/** Send `frames` fuzzed frames from a joined and an unjoined client; return how they were answered. */
export async function fuzzSignalling(server: RunningServer, frames: number, seed: number): Promise<FuzzResult> {
  const room = await server.rooms.create({ title: 'Fuzz', maxParticipants: 10 });
  const victim = await TestClient.connect(server.url);
  const joined = await victim.enter(room.id, await tokenFor(server, room, 'moderator'), 'Victim');
  const send = await victim.request('createTransport', { direction: 'send' });
  const ids = [room.id, joined.data.self.id, send.data.id];
  const clients = [await TestClient.connect(server.url), await TestClient.connect(server.url)];
  const attacker = clients[1]!;
  await attacker.enter(room.id, await tokenFor(server, room, 'participant'), 'Attacker');
  const all = fc.sample(frameArbitrary(ids), { numRuns: frames, seed });
  const result: FuzzResult = { frames: 0, answered: 0, codes: {}, ok: 0 };
  const known = new Set<string>(errorCodes);
  for (let i = 0; i < all.length; i += 16) {
    const batch = all.slice(i, i + 16);
    const client = clients[(i / 16) % 2]!;
    if (client.socket.readyState !== client.socket.OPEN) throw new Error('the server closed a fuzzing connection');
    const replies = await client.burst(batch);
    result.frames += batch.length;
    for (const r of replies) {
      result.answered++;
      if (r.ok) result.ok++;
      else {
        const code = r.error?.code ?? 'none';
        if (!known.has(code)) throw new Error(`untyped error answer: ${JSON.stringify(r)}`);
        result.codes[code] = (result.codes[code] ?? 0) + 1;
      }
    }
  }
  await Promise.all([...clients, victim].map((c) => c.close()));
  server.rooms.close(room.id);
  return result;
}
