// P3: real Chromium joins a room that already has participants, through the
// join page as a person would, and we time page open → first remote video
// frame decoded (the teacher's camera). Real WebRTC: ICE, DTLS, SRTP.
// The room: one teacher in Chromium (fake camera and microphone, so keyframe
// requests are answered at once) plus bench participants on signalling, each
// publishing Opus from ffmpeg, so the joiner has a full room to consume.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { joinThroughUi, launchChromium } from '../../tests/helpers/browser.js';
import { cpuSeconds } from '../lib/cpu.js';
import { Host } from '../lib/ipc.js';
import { sendRtp, stop, testClip, type RtpOutput } from '../lib/media-source.js';
import { BenchClient } from '../lib/signalling.js';
import { quantile } from '../lib/stats.js';

export interface JoinOptions {
  joins: number;
  /** Participants already in the room (the Chromium teacher is one of them). */
  roomSize: number;
}

export interface JoinResult {
  joins: number;
  failed: number;
  roomSize: number;
  /** Page open (navigation start) → first decoded frame of the teacher's video, ms. */
  openToFrameMs: { p50: number; p95: number; samples: number[] };
  /** Join button click → first decoded frame, ms (without page load and form filling). */
  clickToFrameMs: { p50: number; p95: number };
  serverCpuCores: number;
  browserAndGeneratorNote: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function timeOneJoin(browser: Browser, link: string, teacherId: string, i: number): Promise<{ open: number; click: number }> {
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page: Page = await context.newPage();
    await page.goto(link);
    await page.getByLabel('Display name').fill(`Joiner ${i}`);
    const clickAt = await page.evaluate(() => Date.now());
    await page.getByRole('button', { name: 'Join' }).click();
    const frame = page.evaluate(async (peer) => {
      for (;;) {
        const aula = (window as any).aula;
        if (aula) {
          const all: Array<{ peerId: string; kind: string; framesDecoded: number }> = await aula.stats();
          if (all.some((c) => c.peerId === peer && c.kind === 'video' && c.framesDecoded > 0)) {
            return { now: performance.now(), at: Date.now() };
          }
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    }, teacherId);
    const timeout = sleep(30_000).then(() => {
      throw new Error('no frame within 30 s');
    });
    const got = await Promise.race([frame, timeout]);
    return { open: got.now, click: got.at - clickAt };
  } finally {
    await context.close();
  }
}

export async function runJoin(o: JoinOptions, log: (s: string) => void = () => undefined): Promise<JoinResult> {
  const host = Host.start(path.join(import.meta.dirname, '../lib/aula-host.ts'));
  const clients: BenchClient[] = [];
  let ffmpeg: ChildProcess | undefined;
  let browser: Browser | undefined;
  try {
    const started = await host.call<{ url: string; workers: number[] }>('start', { media: { workers: 0 } });
    const room = await host.call<{ roomId: string; token: string; moderator: string }>('createRoom', { title: 'Join time', maxParticipants: 100 });
    browser = await launchChromium();
    const link = (t: string) => `${started.url}/r/${room.roomId}#t=${t}`;
    const teacherPage = await joinThroughUi(browser, link(room.moderator), 'Teacher');
    const teacherId: string = await teacherPage.evaluate(() => (window as any).aula.self);
    const outputs: RtpOutput[] = [];
    for (let i = 1; i < o.roomSize; i++) {
      const c = await BenchClient.connect(started.url);
      clients.push(c);
      await c.enter(room.roomId, room.token, `Student ${i}`);
      outputs.push(...(await host.call<RtpOutput[]>('publish', { roomId: room.roomId, peerId: c.peerId, kinds: ['audio'] })));
    }
    if (outputs.length) ffmpeg = sendRtp(testClip({ videoKbps: 600, gop: 30 }), outputs);
    await sleep(2000);
    log(`  room of ${o.roomSize} ready (1 Chromium teacher with camera + mic, ${o.roomSize - 1} bench participants with Opus); ${o.joins} joins`);

    const open: number[] = [];
    const click: number[] = [];
    let failed = 0;
    const serverCpu = () => [host.pid, ...started.workers].reduce((sum, pid) => sum + cpuSeconds(pid), 0);
    const t0 = performance.now();
    const before = serverCpu();
    for (let i = 0; i < o.joins; i++) {
      try {
        const r = await timeOneJoin(browser, link(room.token), teacherId, i);
        open.push(r.open);
        click.push(r.click);
      } catch (err) {
        failed++;
        log(`    join ${i} failed: ${(err as Error).message.split('\n')[0]}`);
      }
      await sleep(300); // let the leave settle, so each join meets the same room
    }
    const after = serverCpu();
    const wall = (performance.now() - t0) / 1000;
    return {
      joins: open.length,
      failed,
      roomSize: o.roomSize,
      openToFrameMs: { p50: quantile(open, 0.5), p95: quantile(open, 0.95), samples: open.map((x) => Math.round(x)) },
      clickToFrameMs: { p50: quantile(click, 0.5), p95: quantile(click, 0.95) },
      serverCpuCores: (after - before) / wall,
      browserAndGeneratorNote: 'Chromium (teacher and joiner) and ffmpeg run on the same machine as the server',
    };
  } finally {
    await browser?.close();
    await stop(ffmpeg);
    for (const c of clients) c.close();
    await host.stop();
  }
}
