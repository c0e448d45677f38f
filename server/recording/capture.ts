// One captured track: the media layer's RTP tap (media/rtp-tap.ts) sends the
// producer's RTP to an ffmpeg on 127.0.0.1, which copies it (no transcoding) into a WebM on its
// stdout, cluster by cluster; aula seals it into the track's file as it comes
// (sealed-file.ts), so the file plays up to the moment ffmpeg or the server
// died, and no plaintext media touches the disk. The SDP ffmpeg reads comes through its stdin; its session name is "-",
// and ffmpeg writes no input metadata (-map_metadata -1).
import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import type { Logger } from '../log.js';
import type { MediaProducer, MediaRouter, RtpTap } from '../media/port.js';
import type { SealedWriter } from './sealed-file.js';

/** Two adjacent free UDP ports on loopback (RTP and RTCP), found by binding and releasing them. */
async function freePortPair(): Promise<number> {
  const bind = (port: number) =>
    new Promise<dgram.Socket | undefined>((resolve) => {
      const s = dgram.createSocket('udp4');
      s.once('error', () => {
        s.close();
        resolve(undefined);
      });
      s.bind(port, '127.0.0.1', () => resolve(s));
    });
  for (let i = 0; i < 20; i++) {
    const a = await bind(0);
    if (!a) continue;
    const port = a.address().port;
    const b = port < 65535 ? await bind(port + 1) : undefined;
    a.close();
    b?.close();
    if (b) return port;
  }
  throw new Error('no free UDP port pair for recording');
}

function sdp(tap: RtpTap, port: number): string {
  const codec = tap.rtpParameters.codecs[0]!;
  const pt = codec.payloadType;
  const [, name] = codec.mimeType.split('/');
  const channels = codec.channels && codec.channels > 1 ? `/${codec.channels}` : '';
  return [
    'v=0',
    'o=- 0 0 IN IP4 127.0.0.1',
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=${tap.kind} ${port} RTP/AVP ${pt}`,
    `a=rtcp:${port + 1}`,
    `a=rtpmap:${pt} ${name}${'/'}${codec.clockRate}${channels}`,
    'a=recvonly',
    '',
  ].join('\r\n');
}

export interface CaptureOptions {
  ffmpeg: string;
  /** Where the WebM goes (sealed); closed when ffmpeg ends. */
  writer: SealedWriter;
  log: Logger;
}

export class TrackCapture {
  private keyframes?: NodeJS.Timeout;
  private exited: Promise<void>;
  private stopping = false;
  private stopped?: Promise<void>;

  private constructor(
    /** The RTP copy ffmpeg receives; it ends when the producer closes. */
    readonly tap: RtpTap,
    readonly process: ChildProcess,
    log: Logger,
  ) {
    // 'close': ffmpeg ended and its stdout is drained into the sealed file.
    this.exited = new Promise((resolve) => process.once('close', () => resolve()));
    process.once('exit', (code, signal) => {
      if (!this.stopping) log.warn({ code, signal }, 'recording: a capture process ended early; its file stays playable up to there');
      this.close();
    });
  }

  static async start(router: MediaRouter, producer: MediaProducer, o: CaptureOptions): Promise<TrackCapture> {
    const port = await freePortPair();
    // A camera's middle simulcast layer is plenty for a tile of the composed video.
    const tap = await router.tap(producer, port, producer.appData.source === 'camera' ? { spatialLayer: 1 } : {});
    try {
      const args = [
        '-hide_banner',
        '-loglevel',
        'error',
        '-nostats',
        '-protocol_whitelist',
        'pipe,udp,rtp',
        // ffmpeg writes nothing until it has probed the stream: short for audio
        // (the SDP says all), long enough for video to see a keyframe's size.
        '-analyzeduration',
        producer.kind === 'audio' ? '500000' : '4000000',
        '-probesize',
        '5000000',
        '-f',
        'sdp',
        '-i',
        'pipe:0',
        '-map',
        '0',
        '-c',
        'copy',
        '-map_metadata',
        '-1',
        '-metadata',
        'title=-',
        // Small clusters, flushed as written: a crash loses at most about a second.
        '-flush_packets',
        '1',
        '-cluster_time_limit',
        '1000',
        '-cluster_size_limit',
        '1000000',
        '-f',
        'webm',
        'pipe:1',
      ];
      const child = spawn(o.ffmpeg, args, { stdio: ['pipe', 'pipe', 'ignore'] });
      child.stdout.on('data', (d: Buffer) => o.writer.write(d));
      child.stdout.once('close', () => o.writer.close());
      child.on('error', (err) => o.log.error({ err: err.message }, 'recording: cannot run ffmpeg'));
      child.stdin.on('error', () => undefined);
      child.stdin.end(sdp(tap, port));
      const capture = new TrackCapture(tap, child, o.log);
      tap.onClose(() => void capture.stop());
      // ffmpeg needs a moment to open its sockets; media sent earlier is lost,
      // so resume then and ask for a keyframe (and a few more while it probes).
      setTimeout(() => {
        if (tap.closed) return;
        void tap.resume().catch(() => undefined);
        if (tap.kind === 'video') capture.scheduleKeyframes();
      }, 400);
      return capture;
    } catch (err) {
      tap.close();
      throw err;
    }
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  /** Stop sending, let ffmpeg finish its file (SIGINT), kill it if it hangs. */
  stop(): Promise<void> {
    this.stopped ??= this.finish();
    return this.stopped;
  }

  // SIGINT while media still flows: ffmpeg only notices it between packets.
  // If nothing flows (the producer closed), a second SIGINT makes it exit at
  // once (the clusters written so far stay playable); SIGKILL if all else fails.
  private async finish(): Promise<void> {
    this.stopping = true;
    clearInterval(this.keyframes);
    if (this.running) {
      this.process.kill('SIGINT');
      const again = setTimeout(() => this.process.kill('SIGINT'), 2000);
      const kill = setTimeout(() => this.process.kill('SIGKILL'), 5000);
      await this.exited;
      clearTimeout(again);
      clearTimeout(kill);
    }
    this.close();
  }

  private scheduleKeyframes(): void {
    const ask = () => void this.tap.requestKeyFrame().catch(() => undefined);
    ask();
    for (const ms of [1000, 2500, 5000]) setTimeout(() => !this.tap.closed && ask(), ms).unref();
    // Periodic keyframes keep a partial file decodable from more places.
    this.keyframes = setInterval(ask, 10_000);
    this.keyframes.unref();
  }

  private close(): void {
    clearInterval(this.keyframes);
    this.tap.close();
  }
}
