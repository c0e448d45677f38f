// One captured track: a mediasoup PlainTransport sends the producer's RTP to
// an ffmpeg on 127.0.0.1, which copies it (no transcoding) into a WebM on its
// stdout, cluster by cluster; aula seals it into the track's file as it comes
// (sealed-file.ts), so the file plays up to the moment ffmpeg or the server
// died, and no plaintext media touches the disk. The SDP ffmpeg reads comes through its stdin; its session name is "-",
// and ffmpeg writes no input metadata (-map_metadata -1).
import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import type { types } from 'mediasoup';
import type { Logger } from '../log.js';
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

function sdp(consumer: types.Consumer, port: number): string {
  const codec = consumer.rtpParameters.codecs[0]!;
  const pt = codec.payloadType;
  const [, name] = codec.mimeType.split('/');
  const channels = codec.channels && codec.channels > 1 ? `/${codec.channels}` : '';
  return [
    'v=0',
    'o=- 0 0 IN IP4 127.0.0.1',
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=${consumer.kind} ${port} RTP/AVP ${pt}`,
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
    private readonly transport: types.PlainTransport,
    readonly consumer: types.Consumer,
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

  static async start(router: types.Router, producer: types.Producer, o: CaptureOptions): Promise<TrackCapture> {
    const port = await freePortPair();
    const transport = await router.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
      rtcpMux: false,
      comedia: false,
      appData: { recording: true },
    });
    try {
      await transport.connect({ ip: '127.0.0.1', port, rtcpPort: port + 1 });
      // Only the media codec: no RTX or header extensions that ffmpeg would not understand.
      const rtpCapabilities = {
        codecs: router.rtpCapabilities.codecs!.filter((c) => c.kind === producer.kind && !c.mimeType.endsWith('/rtx')),
        headerExtensions: [],
      };
      const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities, paused: true });
      // A camera's middle simulcast layer is plenty for a tile of the composed video.
      if (consumer.type === 'simulcast' && producer.appData.source === 'camera') await consumer.setPreferredLayers({ spatialLayer: 1 });
      const args = [
        '-hide_banner', '-loglevel', 'error', '-nostats',
        '-protocol_whitelist', 'pipe,udp,rtp',
        // ffmpeg writes nothing until it has probed the stream: short for audio
        // (the SDP says all), long enough for video to see a keyframe's size.
        '-analyzeduration', producer.kind === 'audio' ? '500000' : '4000000', '-probesize', '5000000',
        '-f', 'sdp', '-i', 'pipe:0',
        '-map', '0', '-c', 'copy',
        '-map_metadata', '-1', '-metadata', 'title=-',
        // Small clusters, flushed as written: a crash loses at most about a second.
        '-flush_packets', '1', '-cluster_time_limit', '1000', '-cluster_size_limit', '1000000',
        '-f', 'webm', 'pipe:1',
      ];
      const child = spawn(o.ffmpeg, args, { stdio: ['pipe', 'pipe', 'ignore'] });
      child.stdout.on('data', (d: Buffer) => o.writer.write(d));
      child.stdout.once('close', () => o.writer.close());
      child.on('error', (err) => o.log.error({ err: err.message }, 'recording: cannot run ffmpeg'));
      child.stdin.on('error', () => undefined);
      child.stdin.end(sdp(consumer, port));
      const capture = new TrackCapture(transport, consumer, child, o.log);
      consumer.observer.once('close', () => void capture.stop());
      // ffmpeg needs a moment to open its sockets; media sent earlier is lost,
      // so resume then and ask for a keyframe (and a few more while it probes).
      setTimeout(() => {
        if (transport.closed) return;
        void consumer.resume().catch(() => undefined);
        if (consumer.kind === 'video') capture.scheduleKeyframes();
      }, 400);
      return capture;
    } catch (err) {
      transport.close();
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
    const ask = () => void this.consumer.requestKeyFrame().catch(() => undefined);
    ask();
    for (const ms of [1000, 2500, 5000]) setTimeout(() => !this.consumer.closed && ask(), ms).unref();
    // Periodic keyframes keep a partial file decodable from more places.
    this.keyframes = setInterval(ask, 10_000);
    this.keyframes.unref();
  }

  private close(): void {
    clearInterval(this.keyframes);
    if (!this.transport.closed) this.transport.close();
  }
}
