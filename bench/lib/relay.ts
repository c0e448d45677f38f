// Counts what ffmpeg offers: ffmpeg sends to these sockets, which forward
// every datagram to the worker's producer ports unchanged. With the count of
// RTP packets offered in the window, the sink's count becomes a delivery ratio.
// Sequence gaps alone cannot show a starved worker: one that forwards a short
// burst now and then delivers gap-free runs while most of the media is lost.
import dgram from 'node:dgram';
import type { RtpOutput } from './media-source.js';

export class OfferRelay {
  private counting = false;
  private rtp = 0;

  private constructor(
    private readonly sockets: dgram.Socket[],
    /** Where ffmpeg sends instead: the same outputs with the relay's ports. */
    readonly outputs: RtpOutput[],
  ) {}

  static async open(targets: RtpOutput[]): Promise<OfferRelay> {
    const sockets: dgram.Socket[] = [];
    const outputs: RtpOutput[] = [];
    const bind = async (forwardTo: number, isRtp: boolean, relay: () => OfferRelay) => {
      const s = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
      sockets.push(s);
      s.on('message', (m) => {
        if (isRtp && relay().counting) relay().rtp++;
        s.send(m, forwardTo, '127.0.0.1');
      });
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.bind(0, '127.0.0.1', () => resolve());
      });
      return s.address().port;
    };
    // eslint-disable-next-line prefer-const -- assigned below, after the sockets that read it through get() exist
    let self: OfferRelay | undefined;
    const get = () => self!;
    for (const t of targets) {
      const port = await bind(t.port, true, get);
      const rtcpPort = await bind(t.rtcpPort, false, get);
      outputs.push({ ...t, port, rtcpPort });
    }
    self = new OfferRelay(sockets, outputs);
    return self;
  }

  /** Start counting offered RTP packets afresh (the measurement window). */
  startWindow(): void {
    this.rtp = 0;
    this.counting = true;
  }

  /** RTP packets ffmpeg offered since startWindow (all outputs together). */
  offered(): number {
    return this.rtp;
  }

  close(): void {
    for (const s of this.sockets) s.close();
  }
}
