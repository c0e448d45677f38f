// A fake of the media port (server/media/port.ts): routers, transports,
// producers and consumers as plain objects in memory, so that room and
// feature logic (lobby, moderation, breakout groups, worker recovery) runs in
// fast unit tests without a mediasoup worker. It keeps the port's promises
// that the room logic relies on — closing a transport closes its producers
// and consumers, closing a router closes everything on it, each object says
// when it closed — and nothing of RTP: no packets, no codecs, no ICE.
// Real media is exercised by the integration and e2e tests.
import { randomUUID } from 'node:crypto';
import type { MediaKind } from '../../shared/protocol.js';
import { AulaError } from '../../server/errors.js';
import type {
  ConsumerAppData,
  Direction,
  DtlsParameters,
  MediaConsumer,
  MediaPort,
  MediaProducer,
  MediaRouter,
  MediaTransport,
  PeerMediaPort,
  ProducerAppData,
  RtpCapabilities,
  RtpParameters,
  RtpTap,
  SpeakerObserver,
} from '../../server/media/port.js';

class Closes {
  closed = false;
  private readonly listeners: Array<() => void> = [];
  readonly observer = {
    once: (_event: 'close', listener: () => void) => void this.listeners.push(listener),
  };

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const l of this.listeners.splice(0)) l();
  }
}

export class FakeProducer extends Closes implements MediaProducer {
  readonly id = randomUUID();
  paused = false;

  constructor(
    readonly kind: MediaKind,
    readonly appData: ProducerAppData,
  ) {
    super();
  }

  async pause(): Promise<void> {
    if (this.closed) throw new Error('Producer closed');
    this.paused = true;
  }

  async resume(): Promise<void> {
    if (this.closed) throw new Error('Producer closed');
    this.paused = false;
  }
}

export class FakeConsumer extends Closes implements MediaConsumer {
  readonly id = randomUUID();
  readonly producerId: string;
  readonly kind: MediaKind;
  readonly type = 'simple';
  readonly rtpParameters: RtpParameters = { codecs: [] };
  readonly appData: ConsumerAppData;
  paused = true;

  constructor(readonly producer: FakeProducer) {
    super();
    this.producerId = producer.id;
    this.kind = producer.kind;
    this.appData = { peerId: producer.appData.peerId, source: producer.appData.source };
    producer.observer.once('close', () => this.close());
  }

  get producerPaused(): boolean {
    return this.producer.paused;
  }

  async pause(): Promise<void> {
    this.paused = true;
  }

  async resume(): Promise<void> {
    this.paused = false;
  }

  async setPreferredLayers(): Promise<void> {}
}

export class FakeTransport extends Closes implements MediaTransport {
  readonly id = randomUUID();
  readonly appData: { direction: Direction };
  readonly iceParameters = { usernameFragment: 'fake', password: 'fake' };
  readonly iceCandidates = [];
  readonly dtlsParameters: DtlsParameters = { fingerprints: [] };
  connected = false;
  /** What closes with this transport. */
  readonly children = new Set<Closes>();

  constructor(direction: Direction) {
    super();
    this.appData = { direction };
  }

  async connect(): Promise<void> {
    if (this.connected) throw new Error('connect() already called');
    this.connected = true;
  }

  async getStats() {
    return [{ recvBitrate: 0, sendBitrate: 0 }];
  }

  override close(): void {
    if (this.closed) return;
    for (const c of this.children) c.close();
    super.close();
  }
}

/** One participant's media on a fake router: the same ownership rules as server/media/peer-media.ts. */
export class FakePeerMedia implements PeerMediaPort {
  readonly transports = new Map<string, FakeTransport>();
  readonly producers = new Map<string, FakeProducer>();
  readonly consumers = new Map<string, FakeConsumer>();

  constructor(readonly router: FakeRouter) {}

  async createTransport(direction: Direction): Promise<FakeTransport> {
    if ([...this.transports.values()].some((t) => t.appData.direction === direction)) {
      throw new AulaError('invalid_params', `a ${direction} transport exists already`);
    }
    const t = new FakeTransport(direction);
    this.transports.set(t.id, t);
    t.observer.once('close', () => this.transports.delete(t.id));
    return t;
  }

  transport(id: string): FakeTransport {
    const t = this.transports.get(id);
    if (!t) throw new AulaError('not_found', 'no such transport');
    return t;
  }

  producer(id: string): FakeProducer {
    const p = this.producers.get(id);
    if (!p) throw new AulaError('not_found', 'no such producer');
    return p;
  }

  consumer(id: string): FakeConsumer {
    const c = this.consumers.get(id);
    if (!c) throw new AulaError('not_found', 'no such consumer');
    return c;
  }

  async produce(transportId: string, kind: MediaKind, _rtp: RtpParameters, appData: ProducerAppData): Promise<FakeProducer> {
    const transport = this.transport(transportId);
    if (transport.appData.direction !== 'send') throw new AulaError('invalid_params', 'transport is not a send transport');
    for (const p of this.producers.values()) {
      if (p.appData.source === appData.source) throw new AulaError('invalid_params', `already producing ${appData.source}`);
    }
    const producer = new FakeProducer(kind, appData);
    transport.children.add(producer);
    this.producers.set(producer.id, producer);
    producer.observer.once('close', () => this.producers.delete(producer.id));
    this.router.produced(producer);
    return producer;
  }

  async consume(producer: MediaProducer, _caps: RtpCapabilities): Promise<FakeConsumer> {
    const transport = [...this.transports.values()].find((t) => t.appData.direction === 'recv');
    if (!transport) throw new AulaError('not_joined', 'create a recv transport before consuming');
    if (!(producer instanceof FakeProducer) || !this.router.has(producer)) throw new AulaError('invalid_params', 'the producer is not on this router');
    const consumer = new FakeConsumer(producer);
    transport.children.add(consumer);
    this.consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => this.consumers.delete(consumer.id));
    return consumer;
  }

  close(): void {
    for (const t of this.transports.values()) t.close();
  }
}

export class FakeRouter implements MediaRouter {
  readonly id = randomUUID();
  closed = false;
  readonly rtpCapabilities: RtpCapabilities = { codecs: [], headerExtensions: [] };
  /** Every participant's media made on this router. */
  readonly peers: FakePeerMedia[] = [];
  private readonly producers = new Set<FakeProducer>();
  private readonly producerListeners = new Set<(p: MediaProducer) => void>();
  private readonly speakers: Array<(peerId: string) => void> = [];
  /** Every producer id an active-speaker observer on this router was asked to watch (also those refused). */
  readonly observed: string[] = [];

  peer(): FakePeerMedia {
    if (this.closed) throw new Error('Router closed');
    const media = new FakePeerMedia(this);
    this.peers.push(media);
    return media;
  }

  has(producer: FakeProducer): boolean {
    return this.producers.has(producer);
  }

  produced(producer: FakeProducer): void {
    this.producers.add(producer);
    producer.observer.once('close', () => this.producers.delete(producer));
    for (const l of this.producerListeners) l(producer);
  }

  onProducer(listener: (producer: MediaProducer) => void): () => void {
    this.producerListeners.add(listener);
    return () => this.producerListeners.delete(listener);
  }

  async createSpeakerObserver(_intervalMs: number, onDominant: (peerId: string) => void): Promise<SpeakerObserver> {
    this.speakers.push(onDominant);
    return Object.assign(new Closes(), {
      addProducer: async (id: string) => {
        this.observed.push(id);
        if (![...this.producers].some((p) => p.id === id)) throw new Error(`Producer with id "${id}" not found`);
      },
    });
  }

  /** Make `peerId` the dominant speaker, as the worker's observer would. */
  speak(peerId: string): void {
    for (const s of this.speakers) s(peerId);
  }

  async tap(): Promise<RtpTap> {
    throw new Error('the fake media port does not record (tests/integration/recording.test.ts does, with a real worker)');
  }

  /** Close the router and everything on it (as a worker death does). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const m of this.peers) m.close();
  }
}

/** The fake port: routers on no worker at all; `killWorker()` plays a worker death. */
export class FakeMediaPort implements MediaPort {
  readonly routers: FakeRouter[] = [];
  private readonly replacedListeners: Array<() => void> = [];
  /** When set, createRouter() fails with it (no worker left). */
  failure?: Error;

  async createRouter(): Promise<FakeRouter> {
    if (this.failure) throw this.failure;
    const router = new FakeRouter();
    this.routers.push(router);
    return router;
  }

  onWorkerReplaced(listener: () => void): void {
    this.replacedListeners.push(listener);
  }

  /** The worker under `routers` died (they close) and was replaced: rooms are told to move. */
  killWorker(routers: FakeRouter[] = this.routers): void {
    for (const r of routers) r.close();
    for (const l of this.replacedListeners) l();
  }

  get open(): FakeRouter[] {
    return this.routers.filter((r) => !r.closed);
  }
}
