// Where the cheap listeners' media goes: a few UDP sockets in the generator
// that count RTP packets per stream (SRTP keeps the RTP header in the clear,
// so nothing is decrypted). Loss comes from each stream's sequence numbers,
// as an RTP receiver computes it, so it needs no clock alignment with the server.
import dgram from 'node:dgram';
import fs from 'node:fs';
import { AUDIO_PT, VIDEO_PT } from './media-source.js';

const MEDIA_PT = new Set([AUDIO_PT, VIDEO_PT]);

interface Stream {
  first: number;
  /** Highest extended sequence number (wraps counted). */
  highest: number;
  received: number;
}

export class UdpSink {
  packets = 0;
  private streams = new Map<number, Stream>();

  private constructor(private readonly sockets: dgram.Socket[]) {
    for (const s of sockets) s.on('message', (m) => this.take(m));
  }

  static async open(count = 4): Promise<UdpSink> {
    const sockets = await Promise.all(
      Array.from({ length: count }, () => {
        const s = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024 });
        return new Promise<dgram.Socket>((resolve, reject) => {
          s.once('error', reject);
          s.bind(0, '127.0.0.1', () => resolve(s));
        });
      }),
    );
    return new UdpSink(sockets);
  }

  get ports(): number[] {
    return this.sockets.map((s) => s.address().port);
  }

  /** Start counting afresh (the measurement window). */
  startWindow(): void {
    this.streams = new Map();
  }

  /** Since startWindow: streams seen, packets received, packets the sequence numbers say were sent. */
  window(): { streams: number; received: number; expected: number } {
    let received = 0;
    let expected = 0;
    for (const s of this.streams.values()) {
      received += s.received;
      expected += s.highest - s.first + 1;
    }
    return { streams: this.streams.size, received, expected };
  }

  /** Since startWindow: each stream's loss by its sequence numbers (SSRC → 0…1). */
  lossByStream(): Map<number, number> {
    const out = new Map<number, number>();
    for (const [ssrc, s] of this.streams) out.set(ssrc, Math.max(0, 1 - s.received / (s.highest - s.first + 1)));
    return out;
  }

  /**
   * Datagrams the kernel dropped on the sink's sockets (full receive buffer:
   * the generator did not read fast enough). These left the server intact,
   * so they are the generator's loss, not aula's. From /proc/net/udp.
   */
  kernelDrops(): number {
    const ports = new Set(this.ports.map((p) => p.toString(16).toUpperCase().padStart(4, '0')));
    let drops = 0;
    try {
      for (const line of fs.readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/);
        const local = cols[1];
        if (local?.startsWith('0100007F:') && ports.has(local.slice(9))) drops += Number(cols[cols.length - 1]);
      }
    } catch {
      // not Linux: no figure
    }
    return drops;
  }

  close(): void {
    for (const s of this.sockets) s.close();
  }

  private take(m: Buffer): void {
    // Media RTP only: RTCP or probation padding would hide lost media packets.
    if (m.length < 12 || !MEDIA_PT.has(m[1]! & 0x7f)) return;
    this.packets++;
    const seq = m.readUInt16BE(2);
    const ssrc = m.readUInt32BE(8);
    const s = this.streams.get(ssrc);
    if (!s) {
      this.streams.set(ssrc, { first: seq, highest: seq, received: 1 });
      return;
    }
    s.received++;
    // Extend the 16-bit sequence number: the nearest candidate to the highest seen.
    const cycle = s.highest - (s.highest & 0xffff);
    let ext = cycle + seq;
    if (ext < s.highest - 0x8000) ext += 0x10000;
    else if (ext > s.highest + 0x8000) ext -= 0x10000;
    if (ext > s.highest) s.highest = ext;
    if (ext < s.first) s.first = ext; // reordered across the window start
  }
}
