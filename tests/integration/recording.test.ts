// Recording over signalling, the admin API and `npx aula recording …`, with
// real ffmpeg: who may start it, who is told, the transcript's pseudonyms,
// file permissions, download, delete, retention, and composing what a
// crashed run left behind. (Media capture in a real browser: tests/e2e/recording.test.ts.)
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { randomId } from '../../server/recording/store.js';
import { filesUnder, scan } from '../helpers/canary.js';
import { aulaCli } from '../helpers/cli.js';
import { startTestServer, tokenFor, waitFor } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';

const run = promisify(execFile);

/** A sealed recording file, decrypted into a temp file (outside the recordings directory) for ffprobe. */
async function decrypted(s: RunningServer, id: string, name: string): Promise<string> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aula-rec-plain-')), path.basename(name));
  await pipeline(s.recordings.store.reader(id, name), fs.createWriteStream(out));
  return out;
}
const MOD = 'Moderatorin Canary-R1';
const GUEST = 'Gast Canary-R2';
let server: RunningServer;
let room: Room;
let plain: Room;
const clients: TestClient[] = [];

async function client(r: Room, role: 'moderator' | 'participant', name: string): Promise<TestClient> {
  const c = await TestClient.connect(server.url);
  clients.push(c);
  const reply = await c.enter(r.id, await tokenFor(server, r, role), name);
  expect(reply.ok).toBe(true);
  return c;
}

beforeAll(async () => {
  // A short countdown: the notice comes first, capture a second later.
  server = await startTestServer({ recording: { countdownSeconds: 1 } });
  room = await server.rooms.create({ title: 'Recorded', recording: true });
  plain = await server.rooms.create({ title: 'Not recorded' });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.close();
});

describe('recording', () => {
  it('only moderators start it, only where the room allows it', async () => {
    const guest = await client(room, 'participant', 'Guest');
    expect((await guest.request('startRecording')).error?.code).toBe('forbidden');
    const mod = await client(plain, 'moderator', 'Mod');
    expect((await mod.request('startRecording')).error?.code).toBe('forbidden');
    expect((await mod.request('stopRecording')).error?.code).toBe('not_found');
    await guest.close();
    await mod.close();
  });

  it('everyone is told; newcomers learn it before joining; the transcript has pseudonyms only', async () => {
    const mod = await client(room, 'moderator', MOD);
    const early = await client(room, 'participant', GUEST);
    const changes = () => early.notifications.filter((n) => n.method === 'recordingChanged').map((n) => n.data);
    const before = changes().length;
    expect((await mod.request('startRecording')).ok).toBe(true);
    // The notice with its countdown, then (a second later) capture begins.
    await waitFor(() => changes().length >= before + 2, 30_000, 'notice and capture');
    expect(changes().slice(before)).toEqual([{ active: true, countdownSeconds: 1 }, { active: true }]);
    expect((await mod.request('startRecording')).error?.code).toBe('busy');

    const late = await TestClient.connect(server.url);
    clients.push(late);
    const hello = await late.request('hello', { roomId: room.id, token: await tokenFor(server, room, 'participant') });
    expect(hello.data.recordingActive).toBe(true);
    const joined = await late.request('join', { displayName: 'Späte Canary-R3', rtpCapabilities: hello.data.routerRtpCapabilities });
    expect(joined.data).toMatchObject({ status: 'joined', recording: true });

    await early.request('sendChat', { text: `hi ${MOD.toLowerCase()} and späte canary-r3` });
    await late.request('sendChat', { text: 'line one\nline two' });
    // Out of the recording: everyone sees it on the tile; the chat line has no text.
    const seen = early.nextNotification('peerUpdated');
    expect((await late.request('setRecordingOptOut', { optOut: true })).ok).toBe(true);
    expect((await seen).peer).toMatchObject({ recordingOptOut: true });
    await late.request('sendChat', { text: 'secret words' });
    expect((await late.request('setRecordingOptOut', { optOut: false })).ok).toBe(true);
    await late.request('sendChat', { text: 'back in' });
    // Joining while it runs, already out of it (the join page's choice).
    const shy = await TestClient.connect(server.url);
    clients.push(shy);
    const shyHello = await shy.request('hello', { roomId: room.id, token: await tokenFor(server, room, 'participant') });
    const shyJoined = await shy.request('join', { displayName: 'Shy', rtpCapabilities: shyHello.data.routerRtpCapabilities, recordingOptOut: true });
    expect(shyJoined.data).toMatchObject({ self: { recordingOptOut: true } });
    await shy.request('sendChat', { text: 'also secret' });
    await shy.close();
    await late.close();
    await new Promise((r) => setTimeout(r, 1500));
    expect((await mod.request('stopRecording')).ok).toBe(true);
    await waitFor(() => changes().at(-1)?.active === false, 30_000, 'everyone told it stopped');
    expect(changes().at(-1)).toEqual({ active: false });
    await server.recordings.composer.idle();

    const [r] = server.recordings.store.list();
    expect(r!.state).toBe('ready');
    expect(r!.participants).toBe(4);
    const transcript = server.recordings.store.transcript(r!.id);
    expect(transcript.split('\n')).toEqual([
      expect.stringMatching(/^\[00:00:\d\d\] Participant 2: hi Participant 1 and Participant 3$/),
      expect.stringMatching(/^\[00:00:\d\d\] Participant 3: line one line two$/),
      expect.stringMatching(/^\[00:00:\d\d\] a participant who opted out \(message not recorded\)$/),
      expect.stringMatching(/^\[00:00:\d\d\] Participant 3: back in$/),
      expect.stringMatching(/^\[00:00:\d\d\] a participant who opted out \(message not recorded\)$/),
      '',
    ]);
    const items = filesUnder(path.join(server.dataDir, 'recordings')).flatMap((f): Array<[string, Buffer]> => [
      [f, fs.readFileSync(f)],
      [`path ${f}`, Buffer.from(f)],
    ]);
    expect(scan(['Canary-R1', 'Canary-R2', 'Canary-R3', 'Recorded'], items)).toEqual([]);
    for (const f of filesUnder(path.join(server.dataDir, 'recordings'))) expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    // No media flowed: the result is still a playable file of the right length.
    // At rest, every file is sealed: no WebM (EBML) header, no chat text.
    for (const f of filesUnder(path.join(server.dataDir, 'recordings')).filter((f) => !f.endsWith('.json'))) {
      const bytes = fs.readFileSync(f);
      expect(bytes.includes(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])), f).toBe(false);
      expect(bytes.includes(Buffer.from('Participant')), f).toBe(false);
    }
    const { stdout } = await run('ffprobe', [
      '-v',
      'error',
      '-show_entries',
      'format=duration:stream=width,height',
      '-of',
      'csv=p=0',
      await decrypted(server, r!.id, 'recording.webm'),
    ]);
    expect(stdout).toContain('1280,720');
    expect(Math.abs(Number(stdout.trim().split('\n').pop()) - r!.durationSeconds!)).toBeLessThan(1);
  });

  it('operators list, show, download and delete with npx aula recording', async () => {
    const [r] = server.recordings.store.list();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aula-rec-'));
    // Independent commands side by side: each `npx aula` starts a Node process.
    const [list, shown, got, chat, missing] = await Promise.all([
      aulaCli(server, 'recording', 'list', '--json'),
      aulaCli(server, 'recording', 'show', r!.id),
      aulaCli(server, 'recording', 'download', r!.id, '--out', path.join(dir, 'class.webm')),
      aulaCli(server, 'recording', 'download', r!.id, '--transcript', '--out', path.join(dir, 'chat.txt')),
      aulaCli(server, 'recording', 'show', randomId()),
    ]);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).recordings).toEqual([expect.objectContaining({ id: r!.id, state: 'ready', participants: 4, chatMessages: 5 })]);
    expect(shown.stdout).toContain(`${r!.id}  ready`);
    expect(got.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'class.webm'))).toEqual(fs.readFileSync(await decrypted(server, r!.id, 'recording.webm')));
    expect(chat.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'chat.txt'), 'utf8')).toContain('Participant 2: hi Participant 1');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('aula: no such recording\n');
    const noToken = await fetch(`${server.adminUrl}/api/admin/recordings`);
    expect(noToken.status).toBe(401);

    // Both downloads are on record, with the admin token's fingerprint and nothing about participants.
    const downloads = server.audit.all().filter((e) => e.type === 'recording.downloaded' && e.recordingId === r!.id);
    expect(downloads.map((e) => e.reason).sort()).toEqual(['transcript', 'video']);
    for (const e of downloads) expect(e.operator).toMatch(/^admin token sha256:[0-9a-f]{16}$/);
    expect(JSON.stringify(server.audit.all())).not.toContain(server.adminToken);

    expect((await aulaCli(server, 'recording', 'delete', r!.id)).code).toBe(0);
    expect(server.audit.all().at(-1)).toMatchObject({ type: 'recording.deleted', recordingId: r!.id, operator: downloads[0]!.operator });
    expect(server.recordings.store.list()).toEqual([]);
    expect(fs.existsSync(path.join(server.dataDir, 'recordings', r!.id))).toBe(false);
  }, 180_000);

  it('names in chat: parts, transliterations, earlier names after a rename, people in the lobby', async () => {
    const lobbyRoom = await server.rooms.create({ title: 'With lobby', recording: true, lobby: true });
    const mod = await client(lobbyRoom, 'moderator', 'Oberstudienrätin Wagner');
    const pupil = await client(lobbyRoom, 'moderator', 'Kevin Müller'); // moderators skip the lobby
    const waiting = await TestClient.connect(server.url);
    clients.push(waiting);
    expect((await waiting.enter(lobbyRoom.id, await tokenFor(server, lobbyRoom, 'participant'), 'Lotte Lobbyhuber')).data.status).toBe('waiting');
    expect((await mod.request('startRecording')).ok).toBe(true);
    await waitFor(() => server.recordings.get(lobbyRoom)?.started, 30_000, 'capture began');
    expect((await pupil.request('setDisplayName', { displayName: 'KM' })).ok).toBe(true);
    await pupil.request('sendChat', { text: 'Frau Wagner, ich habe eine Frage, Kevin hier' });
    await mod.request('sendChat', { text: 'Mueller und Muller und Kevins Frage; Lobbyhuber wartet' });
    const r = server.recordings.get(lobbyRoom)!;
    await waitFor(() => r.sidecar.chatMessages === 2, 30_000, 'both messages in the transcript');
    expect((await mod.request('stopRecording')).ok).toBe(true);
    const transcript = server.recordings.store.transcript(r.id);
    expect(transcript).toContain('Participant 2: Frau Participant 1, ich habe eine Frage, Participant 2 hier');
    expect(transcript).toContain("Participant 1: Participant 2 und Participant 2 und Participant 2's Frage; Participant wartet");
    for (const word of ['Wagner', 'Kevin', 'Müller', 'Mueller', 'Lobbyhuber']) expect(transcript).not.toContain(word);
    await server.recordings.composer.idle();
    server.recordings.store.delete(r.id);
    await Promise.all([mod.close(), pupil.close(), waiting.close()]);
  }, 120_000);

  it('a recording stopped during its countdown leaves nothing behind', async () => {
    const mod = await client(room, 'moderator', 'Mod');
    const before = server.recordings.store.list().length;
    expect((await mod.request('startRecording')).ok).toBe(true);
    expect((await mod.request('stopRecording')).ok).toBe(true);
    expect(server.recordings.store.list()).toHaveLength(before);
    await mod.close();
  });

  it('retention deletes recordings older than recording.retentionDays', async () => {
    const r = server.recordings.store.create(room.id, new Date(Date.now() - 31 * 86_400_000));
    const fresh = server.recordings.store.create(room.id);
    expect(server.retention.runOnce().recordings).toBe(1);
    expect(server.recordings.store.get(r.id)).toBeUndefined();
    expect(server.audit.all().at(-1)).toMatchObject({ type: 'recording.purged', recordingId: r.id, operator: 'retention' });
    expect(server.recordings.store.get(fresh.id)).toBeDefined();
    server.recordings.store.delete(fresh.id);
  });

  it('a recording cut off by a crash is composed from its partial tracks at the next start', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aula-test-data-'));
    const first = await startTestServer({ recording: { countdownSeconds: 0 } }, { dataDir });
    const r = first.recordings.store.create('room');
    // A recording running at shutdown (SIGTERM's path) is stopped cleanly, not cut off.
    const live = await first.rooms.create({ title: 'Live', recording: true });
    const mod = await TestClient.connect(first.url);
    expect((await mod.enter(live.id, await first.signer.issue({ room: live.id, role: 'moderator', gen: live.linkGeneration }, 600), 'M')).ok).toBe(true);
    expect((await mod.request('startRecording')).ok).toBe(true);
    const stoppedByClose = first.recordings.get(live)!.id;
    await first.close();
    await mod.close();
    expect(first.recordings.store.get(stoppedByClose)).toMatchObject({ state: 'processing', stoppedAt: expect.any(String) });
    expect(first.recordings.store.get(stoppedByClose)!.interrupted).toBeUndefined();
    // A track as a capture leaves it when killed: written cluster by cluster, never finished.
    const file = `${randomId()}.webm`;
    const out = path.join(first.recordings.store.tracksDir(r.id), file);
    const writer = first.recordings.store.writer(r.id, `tracks/${file}`);
    const ffmpeg = spawn(
      'ffmpeg',
      [
        '-v',
        'error',
        '-re',
        '-f',
        'lavfi',
        '-i',
        'testsrc=s=320x180:r=15',
        '-c:v',
        'libvpx',
        '-deadline',
        'realtime',
        '-cpu-used',
        '8',
        '-flush_packets',
        '1',
        '-cluster_time_limit',
        '1000',
        '-f',
        'webm',
        'pipe:1',
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    ffmpeg.stdout.on('data', (d: Buffer) => writer.write(d));
    await waitFor(() => fs.existsSync(out) && fs.statSync(out).size > 20_000, 30_000, 'a few clusters');
    ffmpeg.kill('SIGKILL');
    await new Promise((resolve) => ffmpeg.once('close', resolve));
    writer.close();
    first.recordings.store.save({ ...r, tracks: [{ file, kind: 'video', source: 'camera', participant: 'Participant 1', startMs: 0 }] });

    const second = await startTestServer({ recording: { countdownSeconds: 0 } }, { dataDir });
    try {
      await second.recordings.composer.idle();
      const after = second.recordings.store.get(r.id)!;
      expect(after).toMatchObject({ state: 'ready', interrupted: true });
      expect(second.recordings.store.get(stoppedByClose)).toMatchObject({ state: 'ready' });
      const { stdout } = await run('ffprobe', [
        '-v',
        'error',
        '-count_frames',
        '-select_streams',
        'v:0',
        '-show_entries',
        'stream=nb_read_frames',
        '-of',
        'csv=p=0',
        await decrypted(second, r.id, 'recording.webm'),
      ]);
      expect(Number(stdout)).toBeGreaterThan(0);
    } finally {
      await second.close();
    }
  }, 90_000);
});
