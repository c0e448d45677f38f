// The media port (port.ts) on mediasoup: one router of a room or breakout
// group, with what its participants' media needs passed in by constructor
// (the placement for receive transports on other workers, the listen
// addresses) instead of riding along in mediasoup's appData.
import type { types } from 'mediasoup';
import type { MediaPort, MediaProducer, MediaRouter, PeerMediaPort, ProducerAppData, RtpTap, SpeakerObserver } from './port.js';
import { PeerMedia, type TransportListen } from './peer-media.js';
import type { Placement } from './placement.js';
import { openRtpTap } from './rtp-tap.js';

export class SfuRouter implements MediaRouter {
  private readonly producerListeners = new Set<(producer: MediaProducer) => void>();

  constructor(
    /** The mediasoup router; for server/media and tests that inspect the worker (dump, worker pid). */
    readonly raw: types.Router,
    private readonly placement: Placement,
    private readonly listen: TransportListen,
  ) {
    // Every producer on this router, from the first transport on: recording follows them.
    raw.observer.on('newtransport', (transport) => {
      if (transport.appData.recording) return; // our own taps
      transport.observer.on('newproducer', (producer) => {
        for (const l of this.producerListeners) l(producer as types.Producer<ProducerAppData>);
      });
    });
  }

  get id(): string {
    return this.raw.id;
  }

  get closed(): boolean {
    return this.raw.closed;
  }

  get rtpCapabilities(): types.RtpCapabilities {
    return this.raw.rtpCapabilities;
  }

  peer(): PeerMediaPort {
    return new PeerMedia(this.raw, this.listen, this.placement);
  }

  onProducer(listener: (producer: MediaProducer) => void): () => void {
    this.producerListeners.add(listener);
    return () => this.producerListeners.delete(listener);
  }

  async createSpeakerObserver(intervalMs: number, onDominant: (peerId: string) => void): Promise<SpeakerObserver> {
    const observer = await this.raw.createActiveSpeakerObserver({ interval: intervalMs });
    observer.on('dominantspeaker', ({ producer }) => onDominant((producer.appData as ProducerAppData).peerId));
    return {
      get closed() {
        return observer.closed;
      },
      addProducer: (producerId) => observer.addProducer({ producerId }),
      close: () => observer.close(),
    };
  }

  tap(producer: MediaProducer, port: number, options: { spatialLayer?: number } = {}): Promise<RtpTap> {
    return openRtpTap(this.raw, producer, port, options);
  }

  close(): void {
    this.raw.close();
  }
}

/** The media port for the rooms: routers on the worker the placement picks. */
export function sfuMediaPort(placement: Placement, listen: TransportListen): MediaPort {
  return {
    createRouter: async () => new SfuRouter(await placement.createRouter(), placement, listen),
    onWorkerReplaced: (listener) => placement.onWorkerReplaced(listener),
  };
}

/** The mediasoup router under a port's router: for server/media and for tests and the bench that inspect the worker. */
export function mediasoupRouter(router: MediaRouter): types.Router {
  if (!(router instanceof SfuRouter)) throw new Error('not a mediasoup router');
  return router.raw;
}
