// Anonymous polls over the real signalling: who may ask, counting, changing a
// vote, refusing a double count, and what is (not) kept after close.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '../../server/rooms/room.js';
import type { PollSummary } from '../../server/rooms/poll.js';
import type { RunningServer } from '../../server/server.js';
import { startTestServer, waitFor } from '../helpers/server.js';
import { members } from '../helpers/members.js';
import { TestClient } from '../helpers/ws-client.js';

let server: RunningServer;
let room: Room;
const clients: TestClient[] = [];
const member = members(() => ({ server, room }), clients);
const logs: string[] = [];
const closedPolls: PollSummary[] = [];

beforeAll(async () => {
  server = await startTestServer({}, { logSink: (l) => logs.push(l) });
  room = await server.rooms.create({ title: 'Polls', maxParticipants: 20 });
  // What a meeting transcript would receive.
  (room as unknown as { observers: unknown[] }).observers = [
    ...(room as unknown as { observers: unknown[] }).observers,
    { participantAdded() {}, participantChanged() {}, participantRemoved() {}, roomClosed() {}, pollClosed: (_: Room, s: PollSummary) => closedPolls.push(s) },
  ];
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await waitFor(() => room.participants.size === 0, 5000, 'room to empty');
});
afterAll(async () => {
  await server.close();
});

const ask = { question: 'Which planet is largest?', options: ['Mars', 'Jupiter', 'Venus'], multiple: false };

describe('polls', () => {
  it('only moderators open, close and show polls; guests may vote', async () => {
    const mod = await member('moderator', 'Mod');
    const pres = await member('presenter', 'Pres');
    const guest = await member('participant', 'Guest');
    for (const who of [pres, guest]) {
      expect(await who.c.request('createPoll', ask)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    const created = await mod.c.request('createPoll', ask);
    expect(created.ok).toBe(true);
    const pollId = created.data.pollId;
    expect(await guest.c.notification('pollOpened')).toMatchObject({ id: pollId, question: ask.question, open: true });
    expect(await guest.c.request('vote', { pollId, choices: [1] })).toMatchObject({ ok: true });
    for (const method of ['closePoll', 'showPollResults'] as const) {
      expect(await guest.c.request(method, { pollId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(await mod.c.request('showPollResults', { pollId })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(await mod.c.request('createPoll', ask)).toMatchObject({ ok: false, error: { code: 'busy' } });
    expect(await mod.c.request('closePoll', { pollId })).toMatchObject({ ok: true, data: { counts: [0, 1, 0], voters: 1, final: true } });
  });

  it('bounds questions and options by schema', async () => {
    const mod = await member('moderator', 'Mod');
    const bad = [
      { ...ask, options: ['only one'] },
      { ...ask, options: Array.from({ length: 11 }, (_, i) => `o${i}`) },
      { ...ask, question: 'x'.repeat(301) },
      { ...ask, options: ['a', 'y'.repeat(101)] },
      { ...ask, voters: ['x'] },
    ];
    for (const params of bad) expect(await mod.c.request('createPoll', params)).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
  });

  it('counts each voter once; a second vote replaces the first; close drops who voted', async () => {
    const mod = await member('moderator', 'Mod');
    const voters = await Promise.all(['CanaryA7', 'CanaryB7', 'CanaryC7'].map((n) => member('participant', n)));
    const pollId = (await mod.c.request('createPoll', { question: 'Pick any', options: ['red', 'green', 'blue'], multiple: true })).data.pollId;
    await voters[0]!.c.request('vote', { pollId, choices: [0, 1] });
    await voters[1]!.c.request('vote', { pollId, choices: [1] });
    await voters[2]!.c.request('vote', { pollId, choices: [2] });
    // Voting again replaces: never counted twice.
    await voters[2]!.c.request('vote', { pollId, choices: [1, 2] });
    await voters[2]!.c.request('vote', { pollId, choices: [1, 2] });
    // Malformed votes change nothing.
    expect(await voters[0]!.c.request('vote', { pollId, choices: [1, 1] })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(await voters[0]!.c.request('vote', { pollId, choices: [5] })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(await voters[0]!.c.request('vote', { pollId: 'nope', choices: [0] })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // Moderators see live counts, nothing about who.
    const live = await waitFor(
      () =>
        mod.c.notifications.filter((n) => n.method === 'pollResults').at(-1)?.data.voters === 3 &&
        mod.c.notifications.filter((n) => n.method === 'pollResults').at(-1)!.data,
    );
    expect(live).toEqual({ pollId, counts: [1, 3, 1], voters: 3, final: false });
    // Voters never receive live results while it is open.
    expect(voters[1]!.c.notifications.some((n) => n.method === 'pollResults')).toBe(false);

    const closed = await mod.c.request('closePoll', { pollId });
    expect(closed.data).toEqual({ pollId, counts: [1, 3, 1], voters: 3, final: true });
    expect(await voters[0]!.c.request('vote', { pollId, choices: [2] })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(await voters[0]!.c.notification('pollClosed')).toEqual({ pollId });

    // After close the server's poll state holds no participant id and no name.
    const state = JSON.stringify(room.poll, (_k, v) => (v instanceof Map ? [...v.entries()] : v));
    for (const v of voters) {
      expect(state).not.toContain(v.id);
      expect(state).not.toContain(room.participants.get(v.id)!.displayName);
    }
    expect((room.poll as unknown as { ballots: unknown }).ballots).toBeNull();

    // Shown to the room: everyone gets counts only.
    expect(await mod.c.request('showPollResults', { pollId })).toMatchObject({ ok: true });
    expect(await voters[1]!.c.notification('pollResults')).toEqual({ pollId, counts: [1, 3, 1], voters: 3, final: true });

    // The transcript hook got question and counts, nothing else.
    expect(closedPolls.at(-1)).toEqual({ question: 'Pick any', options: ['red', 'green', 'blue'], multiple: true, counts: [1, 3, 1], voters: 3 });
    // No log line names a voter or a choice.
    const text = logs.join('\n');
    for (const name of ['CanaryA7', 'CanaryB7', 'CanaryC7', 'Pick any', 'green']) expect(text).not.toContain(name);
    for (const line of logs.filter((l) => l.includes(pollId))) expect(line).not.toMatch(/choices|peer/);
  });

  it('a single-choice poll takes exactly one option; a late joiner sees the open poll', async () => {
    const mod = await member('moderator', 'Mod');
    const pollId = (await mod.c.request('createPoll', ask)).data.pollId;
    const late = await member('participant', 'Late');
    const joined = late.c.replies.find((r) => r.data?.status === 'joined');
    expect(joined?.data.poll).toMatchObject({ id: pollId, open: true, multiple: false });
    expect(await late.c.request('vote', { pollId, choices: [0, 1] })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(await late.c.request('vote', { pollId, choices: [2] })).toMatchObject({ ok: true });
    expect((await mod.c.request('closePoll', { pollId })).data.counts).toEqual([0, 0, 1]);
  });
});
