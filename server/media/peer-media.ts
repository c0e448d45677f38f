// The mediasoup objects one participant owns: its transports, producers and
// consumers (the port's PeerMediaPort). Look-ups only find objects of this
// participant, so a client can never touch another participant's producer by
// guessing its id.
import type { types } from 'mediasoup';
import type { MediaKind } from '../../shared/protocol.js';
import { AulaError } from '../errors.js';
import type { Placement } from './placement.js';
import type { ConsumerAppData, Direction, MediaProducer, PeerMediaPort, ProducerAppData } from './port.js';
import { refusable } from './refusal.js';

export type { ConsumerAppData, ProducerAppData } from './port.js';

export interface TransportListen {
  listenIp: string;
  /** Cap on what one participant may send in, bits per second. */
  maxIncomingBitrate?: number;
  announcedAddress?: string;
  rtcMinPort: number;
  rtcMaxPort: number;
}

type TransportAppData = { direction: Direction };

export class PeerMedia implements PeerMediaPort {
  readonly transports = new Map<string, types.WebRtcTransport<TransportAppData>>();
  readonly producers = new Map<string, types.Producer<ProducerAppData>>();
  readonly consumers = new Map<string, types.Consumer<ConsumerAppData>>();
  private closed = false;
  /** Directions whose transport is being made: two concurrent requests must not both get one. */
  private readonly creating = new Set<'send' | 'recv'>();
  /** Where the receive transport is: the room's router or, in a full room, another worker's. */
  private recvRouter?: types.Router;

  constructor(
    /** The room's (or group's) home router. */
    private readonly router: types.Router,
    private readonly listen: TransportListen,
    private readonly placement: Placement,
  ) {}

  async createTransport(direction: Direction): Promise<types.WebRtcTransport<TransportAppData>> {
    this.assertOpen();
    // One of each: every transport holds media ports, which are shared by all rooms.
    if (this.creating.has(direction) || [...this.transports.values()].some((t) => t.appData.direction === direction)) {
      throw new AulaError('invalid_params', `a ${direction} transport exists already`);
    }
    this.creating.add(direction);
    try {
      return await this.newTransport(direction);
    } finally {
      this.creating.delete(direction);
    }
  }

  private async newTransport(direction: Direction): Promise<types.WebRtcTransport<TransportAppData>> {
    // A receive transport may go to another worker when the room's is full (placement.ts).
    const router = direction === 'recv' ? await this.placement.recvRouter(this.router) : this.router;
    const { listenIp, announcedAddress, rtcMinPort, rtcMaxPort } = this.listen;
    const portRange = { min: rtcMinPort, max: rtcMaxPort };
    // With a WebRtcServer all transports of a worker share one UDP and one TCP port.
    const webRtcServer = this.placement.webRtcServerOf(router);
    const listen = webRtcServer
      ? { webRtcServer, enableUdp: true, enableTcp: true }
      : {
          listenInfos: [
            { protocol: 'udp' as const, ip: listenIp, announcedAddress, portRange },
            { protocol: 'tcp' as const, ip: listenIp, announcedAddress, portRange },
          ],
        };
    const transport = await router.createWebRtcTransport<TransportAppData>({
      ...listen,
      preferUdp: true,
      // Room for a screen share plus a few camera layers from the start; the
      // bandwidth estimator adjusts from there.
      initialAvailableOutgoingBitrate: 2_000_000,
      appData: { direction },
    });
    // Held at once, so that close() during the awaits below closes it too
    // (the stateful fuzzer found transports left behind by a leave that came
    // while the bitrate was being set).
    this.transports.set(transport.id, transport);
    transport.observer.once('close', () => this.transports.delete(transport.id));
    if (!this.closed && direction === 'send' && this.listen.maxIncomingBitrate) {
      await transport.setMaxIncomingBitrate(this.listen.maxIncomingBitrate).catch((err: unknown) => {
        if (!transport.closed) throw err;
      });
    }
    if (this.closed || transport.closed) {
      transport.close();
      throw new AulaError('not_found', 'participant left');
    }
    if (direction === 'recv') this.recvRouter = router;
    return transport;
  }

  transport(id: string): types.WebRtcTransport<TransportAppData> {
    const t = this.transports.get(id);
    if (!t) throw new AulaError('not_found', 'no such transport');
    return t;
  }

  producer(id: string): types.Producer<ProducerAppData> {
    const p = this.producers.get(id);
    if (!p) throw new AulaError('not_found', 'no such producer');
    return p;
  }

  consumer(id: string): types.Consumer<ConsumerAppData> {
    const c = this.consumers.get(id);
    if (!c) throw new AulaError('not_found', 'no such consumer');
    return c;
  }

  async produce(transportId: string, kind: MediaKind, rtpParameters: types.RtpParameters, appData: ProducerAppData): Promise<types.Producer<ProducerAppData>> {
    const transport = this.transport(transportId);
    if (transport.appData.direction !== 'send') throw new AulaError('invalid_params', 'transport is not a send transport');
    for (const p of this.producers.values()) {
      if (p.appData.source === appData.source) throw new AulaError('invalid_params', `already producing ${appData.source}`);
    }
    // mediasoup accepts two codecs of one type (say VP8 twice, with different
    // payload types), but then nobody can consume the producer: every consumer
    // (and the recording) fails with "duplicated payloadType". The fuzzer found it.
    const types = rtpParameters.codecs.map((c) => String(c.mimeType).toLowerCase()).filter((t) => !t.endsWith('/rtx'));
    if (new Set(types).size !== types.length) throw new AulaError('invalid_params', 'produce: one codec of each type');
    const producer = await refusable('produce', () => transport.produce<ProducerAppData>({ kind, rtpParameters, appData }));
    // The transport closed while mediasoup was creating it (a breakout move,
    // leaving): the worker dropped it with the transport, but mediasoup's
    // object would linger in this process, its listeners included.
    if (producer.closed || transport.closed || this.closed) {
      producer.close();
      throw new AulaError('not_found', 'the transport closed meanwhile');
    }
    this.producers.set(producer.id, producer);
    producer.observer.once('close', () => this.producers.delete(producer.id));
    return producer;
  }

  async consume(producer: MediaProducer, rtpCapabilities: types.RtpCapabilities): Promise<types.Consumer<ConsumerAppData>> {
    const transport = [...this.transports.values()].find((t) => t.appData.direction === 'recv');
    if (!transport) throw new AulaError('not_joined', 'create a recv transport before consuming');
    for (const c of this.consumers.values()) {
      if (c.producerId === producer.id) throw new AulaError('invalid_params', 'already consuming this producer');
    }
    const router = this.recvRouter ?? this.router;
    await this.placement.reach(this.router, producer, router);
    if (producer.closed || this.closed) throw new AulaError('not_found', 'the producer or the transport closed meanwhile');
    if (!router.canConsume({ producerId: producer.id, rtpCapabilities })) {
      throw new AulaError('invalid_params', 'your rtpCapabilities cannot consume this producer');
    }
    // Start paused: the client resumes once its consumer exists, so no
    // keyframe is lost before the browser is ready to decode.
    const consumer = await refusable('consume', () =>
      transport.consume<ConsumerAppData>({
        producerId: producer.id,
        rtpCapabilities,
        paused: true,
        appData: { peerId: producer.appData.peerId, source: producer.appData.source },
      }),
    );
    if (consumer.closed || transport.closed || this.closed) {
      consumer.close(); // as for produce: nothing of it may linger
      throw new AulaError('not_found', 'the producer or the transport closed meanwhile');
    }
    this.consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => this.consumers.delete(consumer.id));
    return consumer;
  }

  /** Close everything; closing a transport closes its producers and consumers. */
  close(): void {
    this.closed = true;
    for (const t of this.transports.values()) t.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new AulaError('not_found', 'participant left');
  }
}

/** The mediasoup objects under a participant's media: for tests and the bench that inspect or extend them. */
export function mediasoupMedia(media: PeerMediaPort): PeerMedia {
  if (!(media instanceof PeerMedia)) throw new Error('not mediasoup media');
  return media;
}
