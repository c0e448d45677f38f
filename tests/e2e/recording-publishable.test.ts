// Issue 21's session in real Chromium: teacher "Oberstudienrätin Wagner",
// pupil "Kevin Müller", and a third person who joins while the recording
// runs and chooses "Leave me out of the recording" on the join page. Each
// browser's camera is a picture made here with ffmpeg (a y4m file): blue for
// the teacher, orange for the pupil, magenta for the one who opted out, so
// the composed video's decoded pixels say whose camera is in it.
// Checked: the notice with its countdown; the transcript holds neither name;
// the download is 1280×720; before the screen share the cameras cover most
// of the frame; no track and no magenta pixel of the opted-out camera; the
// files at rest have no plaintext media header; the audit log has the download.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '../../server/rooms/room.js';
import type { RunningServer } from '../../server/server.js';
import { joinThroughUi, launchChromium, switchDevicesOn } from '../helpers/browser.js';
import { filesUnder } from '../helpers/canary.js';
import { aulaCli } from '../helpers/cli.js';
import { linkPath, startTestServer, waitFor } from '../helpers/server.js';

const run = promisify(execFile);
const TEACHER = 'Oberstudienrätin Wagner';
const PUPIL = 'Kevin Müller';
const SHY = 'Lotte Zurückhaltend';
const COLOURS = { teacher: [0x30, 0x70, 0xff], pupil: [0xff, 0x90, 0x20], shy: [0xff, 0x00, 0xff] } as const;

let server: RunningServer;
const browsers: Browser[] = [];
let room: Room;
let teacher: Page;
let pupil: Page;
let shy: Page;
let guestLink: string;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aula-rec21-'));

/** A looping fake camera picture of one colour (with a little noise, so VP8 has something to code). */
async function y4m(name: string, [r, g, b]: readonly number[]): Promise<string> {
  const file = path.join(tmp, `${name}.y4m`);
  const hex = [r, g, b].map((c) => c!.toString(16).padStart(2, '0')).join('');
  await run('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    `color=c=0x${hex}:s=320x180:r=15`,
    '-vf',
    'noise=alls=4:allf=t',
    '-frames:v',
    '15',
    '-pix_fmt',
    'yuv420p',
    '-f',
    'yuv4mpegpipe',
    '-y',
    file,
  ]);
  return file;
}

/** Decoded RGB frames of a file (scaled to w×h) at `fps`, or one frame at `at` seconds. */
async function frames(file: string, o: { w: number; h: number; fps?: number; at?: number }): Promise<Buffer[]> {
  const args = ['-v', 'error', ...(o.at !== undefined ? ['-ss', o.at.toFixed(2)] : []), '-i', file];
  args.push(
    ...(o.at !== undefined ? ['-frames:v', '1'] : []),
    '-vf',
    `${o.fps ? `fps=${o.fps},` : ''}scale=${o.w}:${o.h}:flags=neighbor`,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-',
  );
  const { stdout } = await run('ffmpeg', args, { encoding: 'buffer', maxBuffer: 512 * 1024 * 1024 });
  const size = o.w * o.h * 3;
  return Array.from({ length: Math.floor(stdout.length / size) }, (_, i) => stdout.subarray(i * size, (i + 1) * size));
}

/** Share of a frame's pixels that are near a colour (per channel within `tol`). */
function share(frame: Buffer, [r, g, b]: readonly number[], tol = 48): number {
  let n = 0;
  for (let i = 0; i < frame.length; i += 3) {
    if (Math.abs(frame[i]! - r!) < tol && Math.abs(frame[i + 1]! - g!) < tol && Math.abs(frame[i + 2]! - b!) < tol) n++;
  }
  return n / (frame.length / 3);
}

beforeAll(async () => {
  // A short countdown keeps the test short; the notice is shown all the same.
  server = await startTestServer({ recording: { countdownSeconds: 3 } });
  room = await server.rooms.create({ title: 'Physik 9b', recording: true });
  const links = await server.links(room);
  const camera = async (who: keyof typeof COLOURS) => {
    const b = await launchChromium([`--use-file-for-fake-video-capture=${await y4m(who, COLOURS[who])}`]);
    browsers.push(b);
    return b;
  };
  const [tb, pb, sb] = await Promise.all([camera('teacher'), camera('pupil'), camera('shy')]);
  teacher = await joinThroughUi(tb, `${server.url}${linkPath(links.moderator)}`, TEACHER);
  pupil = await joinThroughUi(pb, `${server.url}${linkPath(links.guest)}`, PUPIL);
  // The third joins later, through the join page; this is its page for now.
  shy = await (await sb.newContext({ locale: 'en-US' })).newPage();
  for (const page of [teacher, pupil, shy]) page.setDefaultTimeout(60_000);
  guestLink = `${server.url}${linkPath(links.guest)}`;
}, 240_000);

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await server?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('a recording a school can publish (issue 21)', () => {
  it('names in every form replaced, a full frame, and a participant who stayed out', async () => {
    await teacher.getByRole('button', { name: 'Start recording' }).click();
    // Everyone is told, with the countdown, and has the way out, before capture starts
    // (the live region keeps the announcement; the status line moves on when capture begins).
    await pupil.locator('[aria-live="polite"][role="log"]').filter({ hasText: 'A recording starts in 3 seconds' }).waitFor();
    await pupil.getByRole('button', { name: 'Leave me out of the recording' }).waitFor();
    await pupil.screenshot({ path: path.join(os.tmpdir(), 'aula-recording-countdown.png') });
    await pupil.getByRole('status').filter({ hasText: 'this meeting is being recorded' }).waitFor();
    const recording = server.recordings.get(room)!;
    expect(recording.started).toBe(true);

    // Joining while it runs: the choice on the join page.
    await shy.goto(guestLink);
    await shy.getByText('A recording is running now').waitFor();
    await shy.getByLabel('Leave me out of the recording').check();
    await shy.getByLabel('Display name').fill(SHY);
    await switchDevicesOn(shy); // a camera that is on, yet must not be recorded
    await shy.getByRole('button', { name: 'Join' }).click();
    await shy.getByRole('button', { name: 'Include me' }).waitFor();
    await shy.getByText('You are left out of the recording').waitFor();
    // Everyone's view of that person's tile says so.
    await teacher.locator('li.tile', { hasText: SHY }).locator('.not-recorded', { hasText: 'Not recorded' }).waitFor();
    await teacher.screenshot({ path: path.join(os.tmpdir(), 'aula-recording-opt-out.png') });
    await shy.screenshot({ path: path.join(os.tmpdir(), 'aula-recording-left-out.png') });

    await pupil.getByLabel('Message').fill('Frau Wagner, ich habe eine Frage, Kevin hier');
    await pupil.getByRole('button', { name: 'Send', exact: true }).click();
    await shy.getByLabel('Message').fill('Zurückhaltend sagt etwas Geheimes');
    await shy.getByRole('button', { name: 'Send', exact: true }).click();
    await teacher.locator('.chat-text', { hasText: 'Geheimes' }).waitFor();

    // Cameras alone for a while (both captured and running), then the screen.
    await waitFor(() => recording.sidecar.tracks.filter((t) => t.source === 'camera').length >= 2, 60_000, 'both cameras captured');
    const since = Date.now();
    await waitFor(() => Date.now() - since >= 4000, 60_000, 'cameras recorded a few seconds');
    await teacher.getByRole('button', { name: 'Share screen' }).click();
    await teacher.getByRole('button', { name: 'Stop sharing' }).waitFor();
    await waitFor(() => recording.sidecar.tracks.some((t) => t.source === 'screen'), 60_000, 'screen captured');
    const shared = Date.now();
    await waitFor(() => Date.now() - shared >= 3000, 60_000, 'screen recorded a few seconds');
    await teacher.getByRole('button', { name: 'Stop recording' }).click();
    await waitFor(() => server.recordings.store.get(recording.id)?.state !== 'recording', 60_000, 'captures to finish');
    await server.recordings.composer.idle();
    const sidecar = server.recordings.store.get(recording.id)!;
    expect(sidecar.state).toBe('ready');
    console.log(`recording: ${sidecar.durationSeconds} s, ${sidecar.tracks.length} tracks, composed in ${sidecar.composeCpuSeconds} CPU s`);

    // The opted-out person has a pseudonym (their name is replaced) but no track.
    const shyPeerId = await shy.evaluate(() => (window as unknown as { aula: { self: string } }).aula.self);
    expect(server.rooms.get(room.id)!.participants.get(shyPeerId)!.recordingOptOut).toBe(true);
    const byWho = new Set(sidecar.tracks.map((t) => t.participant));
    expect(byWho).toEqual(new Set(['Participant 1', 'Participant 2']));
    expect(sidecar.participants).toBe(3);

    // Downloaded as an operator would; both downloads are on record.
    const video = path.join(tmp, 'recording.webm');
    const chat = path.join(tmp, 'transcript.txt');
    expect((await aulaCli(server, 'recording', 'download', recording.id, '--out', video)).code).toBe(0);
    expect((await aulaCli(server, 'recording', 'download', recording.id, '--transcript', '--out', chat)).code).toBe(0);
    const audited = server.audit.all().filter((e) => e.type === 'recording.downloaded' && e.recordingId === recording.id);
    expect(audited.map((e) => e.reason).sort()).toEqual(['transcript', 'video']);

    const transcript = fs.readFileSync(chat, 'utf8');
    console.log(`transcript:\n${transcript}`);
    expect(transcript).toContain('Participant 2: Frau Participant 1, ich habe eine Frage, Participant 2 hier');
    expect(transcript).toMatch(/\] a participant who opted out \(message not recorded\)\n/);
    for (const word of ['Wagner', 'Kevin', 'Müller', 'Oberstudienrätin', 'Zurückhaltend', 'Geheimes']) expect(transcript).not.toContain(word);

    const probe = JSON.parse((await run('ffprobe', ['-v', 'error', '-of', 'json', '-show_streams', video])).stdout);
    const v = probe.streams.find((s: { codec_type: string }) => s.codec_type === 'video');
    expect([v.width, v.height]).toEqual([1280, 720]);

    // A frame in the middle of the cameras-only stretch: they cover most of the picture.
    const cameras = sidecar.tracks.filter((t) => t.source === 'camera');
    const screen = sidecar.tracks.find((t) => t.source === 'screen')!;
    const camerasFrom = Math.max(...cameras.map((t) => t.startMs));
    expect(screen.startMs - camerasFrom).toBeGreaterThan(2000);
    const at = (camerasFrom + screen.startMs) / 2 / 1000;
    const [before] = await frames(video, { w: 320, h: 180, at });
    const blue = share(before!, COLOURS.teacher);
    const orange = share(before!, COLOURS.pupil);
    console.log(`frame at ${at.toFixed(1)} s: teacher's camera ${(blue * 100).toFixed(1)} %, pupil's ${(orange * 100).toFixed(1)} % of the picture`);
    expect(blue).toBeGreaterThan(0.25);
    expect(orange).toBeGreaterThan(0.25);
    expect(blue + orange).toBeGreaterThan(0.7);
    // During the share, the screen is the largest thing in the frame and the cameras a strip.
    const [during] = await frames(video, { w: 320, h: 180, at: (screen.startMs + 2000) / 1000 });
    expect(share(during!, COLOURS.teacher) + share(during!, COLOURS.pupil)).toBeLessThan(0.25);

    // No decoded trace of the opted-out camera, anywhere in the video; the detector itself sees it in its source.
    const all = await frames(video, { w: 160, h: 90, fps: 2 });
    expect(all.length).toBeGreaterThan(5);
    const magenta = Math.max(...all.map((f) => share(f, COLOURS.shy)));
    const [own] = await frames(path.join(tmp, 'shy.y4m'), { w: 160, h: 90, at: 0 });
    console.log(
      `opted-out camera: at most ${(magenta * 100).toFixed(2)} % of any of ${all.length} frames (its own picture: ${(share(own!, COLOURS.shy) * 100).toFixed(0)} %)`,
    );
    expect(share(own!, COLOURS.shy)).toBeGreaterThan(0.9);
    expect(magenta).toBeLessThan(0.002);

    // At rest: sealed. No WebM/EBML header and no transcript text in any file.
    const files = filesUnder(path.join(server.dataDir, 'recordings', recording.id)).filter((f) => !f.endsWith('.json'));
    expect(files.map((f) => path.basename(f)).sort()).toEqual(['recording.webm', 'transcript.txt']);
    for (const f of files) {
      const bytes = fs.readFileSync(f);
      expect(bytes.includes(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])), f).toBe(false);
      expect(bytes.includes(Buffer.from('webm')), f).toBe(false);
      expect(bytes.includes(Buffer.from('Participant')), f).toBe(false);
    }
  }, 480_000);
});
