// Real encoded media for the load generator: a short VP8 + Opus clip made
// once by ffmpeg from its test sources, then looped as RTP (-re, codec copy,
// so sending costs almost no CPU) to aula's PlainTransports.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const FFMPEG = process.env.AULA_FFMPEG ?? 'ffmpeg';
export const VIDEO_PT = 101;
export const AUDIO_PT = 100;

export interface ClipOptions {
  videoKbps: number;
  /** Frames between keyframes; ffmpeg cannot answer a keyframe request, so keep it short. */
  gop: number;
}

/** Make (or reuse) the test clip: 10 s of 640x360 30 fps VP8 at ~videoKbps plus 48 kHz stereo Opus. */
export function testClip({ videoKbps, gop }: ClipOptions): string {
  const file = path.join(os.tmpdir(), `aula-bench-clip-${videoKbps}k-g${gop}.webm`);
  if (fs.existsSync(file) && fs.statSync(file).size > 0) return file;
  const tmp = `${file}.${process.pid}.tmp.webm`;
  const r = spawnSync(
    FFMPEG,
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=640x360:rate=30',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:sample_rate=48000',
      '-t',
      '10',
      '-c:v',
      'libvpx',
      '-b:v',
      `${videoKbps}k`,
      '-minrate',
      `${videoKbps}k`,
      '-maxrate',
      `${videoKbps}k`,
      '-bufsize',
      `${videoKbps}k`,
      '-g',
      String(gop),
      '-deadline',
      'realtime',
      '-cpu-used',
      '8',
      '-c:a',
      'libopus',
      '-b:a',
      '48k',
      '-ac',
      '2',
      '-ar',
      '48000',
      tmp,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  if (r.status !== 0) throw new Error(`ffmpeg could not make the test clip: ${r.stderr?.toString().slice(0, 500)}`);
  fs.renameSync(tmp, file);
  return file;
}

export interface RtpOutput {
  kind: 'audio' | 'video';
  port: number;
  rtcpPort: number;
  ssrc: number;
}

/** Loop the clip to every output as RTP until stopped. One ffmpeg process for all outputs. */
export function sendRtp(clip: string, outputs: RtpOutput[]): ChildProcess {
  const args = ['-hide_banner', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', clip];
  for (const o of outputs) {
    args.push('-map', o.kind === 'video' ? '0:v:0' : '0:a:0', '-c', 'copy');
    args.push('-f', 'rtp', '-ssrc', String(o.ssrc), '-payload_type', String(o.kind === 'video' ? VIDEO_PT : AUDIO_PT));
    args.push('-pkt_size', '1200', `rtp://127.0.0.1:${o.port}?rtcpport=${o.rtcpPort}`);
  }
  const child = spawn(FFMPEG, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err = (err + d).slice(-2000)));
  child.on('exit', (code, signal) => {
    if (code && code !== 255 && signal !== 'SIGTERM' && signal !== 'SIGKILL') process.stderr.write(`bench: ffmpeg sender exited ${code}: ${err}\n`);
  });
  return child;
}

/** SIGTERM, and SIGKILL if ffmpeg has not exited 3 s later: stopping never hangs. */
export function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
