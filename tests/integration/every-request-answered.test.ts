// Regression tests for what the stateful fuzzer found (issue 22), against the
// real server and a real mediasoup worker:
// - a second connectTransport was `internal` and an error log line;
// - parameters mediasoup rejects, and mediasoup's "not found" for an object
//   closed meanwhile, were `internal`;
// - refusals of frames beyond the rate or the per-connection queue had
//   `id: null`, so the client never got an answer to its request;
// - a produce or consume in flight while the transport closed (a breakout
//   move) left mediasoup's producer or consumer object behind.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { refusable } from '../../server/media/refusal.js';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { cameraParameters, dtlsParameters, micParameters, Rng } from '../fuzz/media-params.js';
import { mediasoupObjects } from '../helpers/footprint.js';
import { startTestServer, tokenFor, waitFor } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';
import { mediasoupMedia } from '../../server/media/peer-media.js';

let server: RunningServer;
let room: Room;
const logs: Array<{ level: number; msg: string }> = [];
const clients: TestClient[] = [];
const rng = new Rng(22);

async function member(role: 'moderator' | 'participant', name: string): Promise<TestClient> {
  const c = await TestClient.connect(server.url);
  clients.push(c);
  expect(await c.enter(room.id, await tokenFor(server, room, role), name)).toMatchObject({ ok: true, data: { status: 'joined' } });
  return c;
}

beforeAll(async () => {
  server = await startTestServer({ signalling: { messagesPerSecond: 1, messageBurst: 20 } }, { logSink: (l) => logs.push(JSON.parse(l)) });
  room = await server.rooms.create({ title: 'Answers' });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await waitFor(() => room.participants.size === 0, 10_000, 'empty room');
  logs.length = 0;
});
afterAll(async () => {
  await server?.close();
});

const errorLines = () => logs.filter((l) => l.level >= 50);

describe('misuse that mediasoup refuses is a typed client error', () => {
  it('a second connectTransport is invalid_state, logged at debug level only', async () => {
    const c = await member('participant', 'Ada');
    const t = await c.request('createTransport', { direction: 'send' });
    const dtls = dtlsParameters(rng);
    expect(await c.request('connectTransport', { transportId: t.data.id, dtlsParameters: dtls })).toMatchObject({ ok: true });
    const again = await c.request('connectTransport', { transportId: t.data.id, dtlsParameters: dtls });
    expect(again).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    expect(errorLines()).toEqual([]);
    expect(logs.filter((l) => l.msg === 'mediasoup refused the request').map((l) => l.level)).toEqual([20]);
  });

  it('parameters mediasoup rejects are invalid_params, and a valid produce still works afterwards', async () => {
    const c = await member('participant', 'Bo');
    const t = await c.request('createTransport', { direction: 'send' });
    const h264 = cameraParameters(rng);
    h264.codecs[0].mimeType = 'video/H264';
    const onlyRtx = cameraParameters(rng);
    onlyRtx.codecs = [onlyRtx.codecs[1]];
    const badPt = micParameters(rng);
    badPt.codecs[0].channels = 1; // the router's opus is stereo
    for (const rtpParameters of [h264, onlyRtx]) {
      const r = await c.request('produce', { transportId: t.data.id, kind: 'video', source: 'camera', rtpParameters });
      expect(r).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    }
    const r = await c.request('produce', { transportId: t.data.id, kind: 'audio', source: 'mic', rtpParameters: badPt });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    // Two VP8 codecs: mediasoup takes the producer, but then nobody can consume it.
    const twoVp8 = cameraParameters(rng);
    twoVp8.codecs[1].mimeType = 'video/vp8';
    expect(await c.request('produce', { transportId: t.data.id, kind: 'video', source: 'camera', rtpParameters: twoVp8 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_params' },
    });
    expect(await c.request('produce', { transportId: t.data.id, kind: 'video', source: 'camera', rtpParameters: cameraParameters(rng) })).toMatchObject({
      ok: true,
    });
    expect(errorLines()).toEqual([]);
  });

  it('resuming a consumer that mediasoup has closed is invalid_state', async () => {
    const a = await member('participant', 'Cy');
    const b = await member('participant', 'Di');
    const send = await a.request('createTransport', { direction: 'send' });
    const produced = await a.request('produce', { transportId: send.data.id, kind: 'audio', source: 'mic', rtpParameters: micParameters(rng) });
    await b.request('createTransport', { direction: 'recv' });
    const consumed = await b.request('consume', { producerId: produced.data.producerId });
    expect(consumed).toMatchObject({ ok: true });
    // What a race between closeProducer and resumeConsumer leaves: aula still
    // holds the consumer, the worker has closed it.
    const participant = [...room.participants.values()].find((p) => p.media.consumers.size)!;
    const consumer = participant.media.consumers.get(consumed.data.consumerId)!;
    consumer.close();
    await expect(refusable('resumeConsumer', () => consumer.resume())).rejects.toMatchObject({ code: 'invalid_state' });
  });
});

describe('every request is answered by its id', () => {
  it('requests refused for their rate carry their id', async () => {
    const c = await member('participant', 'Ed');
    const frames = Array.from({ length: 60 }, (_, i) => JSON.stringify({ type: 'request', id: 1000 + i, method: 'raiseHand', data: {} }));
    const replies = await c.burst(frames);
    expect(replies.map((r) => r.id).sort()).toEqual(frames.map((_, i) => 1000 + i));
    expect(replies.filter((r) => r.error?.code === 'rate_limited').length).toBeGreaterThan(0);
  });
});

describe('a produce or consume in flight when its transport closes', () => {
  it('leaves no mediasoup object behind and is answered not_found', async () => {
    const before = await mediasoupObjects(server);
    const a = await member('participant', 'Fi');
    const b = await member('participant', 'Gu');
    const send = await a.request('createTransport', { direction: 'send' });
    const produced = await a.request('produce', { transportId: send.data.id, kind: 'video', source: 'camera', rtpParameters: cameraParameters(rng) });
    const recv = await b.request('createTransport', { direction: 'recv' });
    expect(recv).toMatchObject({ ok: true });
    const pa = room.participants.get([...room.participants.keys()][0]!)!;
    const pb = room.participants.get([...room.participants.keys()][1]!)!;
    const seen: Array<{ closed: boolean }> = [];
    mediasoupMedia(pa.media)
      .transports.get(send.data.id)!
      .observer.on('newproducer', (p) => seen.push(p));
    mediasoupMedia(pb.media)
      .transports.get(recv.data.id)!
      .observer.on('newconsumer', (c) => seen.push(c));

    // Both start; the media closes while mediasoup is still creating them (as a move to a group does).
    const producing = pa.media.produce(send.data.id, 'audio', micParameters(rng), { peerId: pa.id, source: 'mic' });
    const producer = room.findProducer(produced.data.producerId)!;
    const consuming = pb.media.consume(producer, pb.rtpCapabilities);
    pa.media.close();
    pb.media.close();
    const [produced2, consumed] = await Promise.allSettled([producing, consuming]);
    expect(produced2).toMatchObject({ status: 'rejected', reason: { code: 'not_found' } });
    expect(consumed).toMatchObject({ status: 'rejected', reason: { code: 'not_found' } });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((o) => o.closed)).toBe(true);
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await waitFor(async () => (await mediasoupObjects(server)) === before, 10_000, 'the mediasoup objects to be closed');
  });
});
