// Review M2: while a room records, a participant looping produce/close must
// not fork an ffmpeg per iteration without bound (real ffmpeg, real worker).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAPTURE_LIMITS } from '../../server/recording/capture-limits.js';
import type { RunningServer } from '../../server/server.js';
import { startTestServer, tokenFor, waitFor } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';

const opus = (ssrc: number) => ({
  codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] }],
  encodings: [{ ssrc }],
  headerExtensions: [],
  rtcp: { cname: 'x' },
});

let server: RunningServer;
const clients: TestClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.close();
});

describe('recording capture limits', () => {
  it('bounds the ffmpeg processes and tracks of a participant looping produce/close', async () => {
    const room = await server.rooms.create({ title: 'Rec', recording: true });
    const mod = await TestClient.connect(server.url);
    const p = await TestClient.connect(server.url);
    clients.push(mod, p);
    await mod.enter(room.id, await tokenFor(server, room, 'moderator'), 'M');
    expect(await mod.request('startRecording')).toMatchObject({ ok: true });
    await p.enter(room.id, await tokenFor(server, room, 'participant'), 'P');
    const t = await p.request('createTransport', { direction: 'send' });
    const recording = server.recordings.get(room)!;
    let peak = 0;
    const loops = 40;
    for (let i = 0; i < loops; i++) {
      const decided = () => recording.sidecar.tracks.length + (recording.refusedCaptures ?? 0);
      const before = decided();
      const r = await p.request('produce', { transportId: t.data.id, kind: 'audio', source: 'mic', rtpParameters: opus(1000 + i) });
      expect(r).toMatchObject({ ok: true });
      // Keep the producer until the recorder has captured it or refused to: the worst case.
      await waitFor(() => decided() > before, 20_000, 'the capture to start or be refused');
      peak = Math.max(peak, recording.pids().length);
      expect(await p.request('closeProducer', { producerId: r.data.producerId })).toMatchObject({ ok: true });
      peak = Math.max(peak, recording.pids().length);
    }
    expect(peak).toBeLessThanOrEqual(CAPTURE_LIMITS.perParticipant);
    // New captures: a burst, then one per startSeconds (however long the loop took).
    const tracks = recording.sidecar.tracks.length;
    expect(tracks).toBeGreaterThanOrEqual(CAPTURE_LIMITS.startBurst);
    expect(tracks).toBeLessThan(loops);
    expect(tracks + recording.refusedCaptures).toBe(loops);
    // The moderator's own microphone is still recorded.
    const mt = await mod.request('createTransport', { direction: 'send' });
    expect(await mod.request('produce', { transportId: mt.data.id, kind: 'audio', source: 'mic', rtpParameters: opus(5000) })).toMatchObject({ ok: true });
    await waitFor(() => recording.sidecar.tracks.length === tracks + 1, 20_000, "the moderator's track");
    expect(await mod.request('stopRecording')).toMatchObject({ ok: true });
    await waitFor(() => recording.pids().length === 0, 20_000, 'every capture to finish');
  });
});
