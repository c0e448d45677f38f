// The media port: everything rooms, features and recording ask of the media
// layer, in aula's own words. Only server/media/ talks to mediasoup; the real
// implementation (sfu-router.ts) hands out mediasoup's objects where they fit
// these shapes, and tests/helpers/fake-media.ts fakes them for fast unit tests
// of room logic without a worker.
//
// The RTP/DTLS/ICE *data* types are mediasoup's (they are the wire format the
// browser's mediasoup-client speaks), re-exported here so nobody else imports
// mediasoup for them.
import type { types } from 'mediasoup';
import type { MediaKind, MediaSource } from '../../shared/protocol.js';

export type RtpCapabilities = types.RtpCapabilities;
export type RtpParameters = types.RtpParameters;
export type DtlsParameters = types.DtlsParameters;
export type IceParameters = types.IceParameters;
export type IceCandidate = types.IceCandidate;

/** Who a producer belongs to and what it carries; consumers carry the same. */
export interface ProducerAppData {
  [key: string]: unknown;
  peerId: string;
  source: MediaSource;
}
export type ConsumerAppData = ProducerAppData;

/** Something that closes (by itself, too: its transport or worker went) and says so. */
export interface Closable {
  readonly closed: boolean;
  readonly observer: { once(event: 'close', listener: () => void): unknown };
  close(): void;
}

export interface MediaProducer extends Closable {
  readonly id: string;
  readonly kind: MediaKind;
  readonly paused: boolean;
  readonly appData: ProducerAppData;
  pause(): Promise<void>;
  resume(): Promise<void>;
}

export interface MediaConsumer extends Closable {
  readonly id: string;
  readonly producerId: string;
  readonly kind: MediaKind;
  /** 'simulcast' when the producer sends layers. */
  readonly type: string;
  readonly rtpParameters: RtpParameters;
  readonly paused: boolean;
  readonly producerPaused: boolean;
  readonly appData: ConsumerAppData;
  pause(): Promise<void>;
  resume(): Promise<void>;
  setPreferredLayers(layers: { spatialLayer: number; temporalLayer?: number }): Promise<void>;
}

export type Direction = 'send' | 'recv';

export interface MediaTransport extends Closable {
  readonly id: string;
  readonly appData: { direction?: Direction };
  readonly iceParameters: IceParameters;
  readonly iceCandidates: IceCandidate[];
  readonly dtlsParameters: DtlsParameters;
  connect(params: { dtlsParameters: DtlsParameters }): Promise<void>;
  getStats(): Promise<Array<{ recvBitrate: number; sendBitrate: number }>>;
}

/**
 * One participant's transports, producers and consumers on one router.
 * Look-ups find only this participant's objects, so a client can never touch
 * another participant's producer by guessing its id.
 */
export interface PeerMediaPort {
  readonly transports: ReadonlyMap<string, MediaTransport>;
  readonly producers: ReadonlyMap<string, MediaProducer>;
  readonly consumers: ReadonlyMap<string, MediaConsumer>;
  createTransport(direction: Direction): Promise<MediaTransport>;
  transport(id: string): MediaTransport;
  producer(id: string): MediaProducer;
  consumer(id: string): MediaConsumer;
  produce(transportId: string, kind: MediaKind, rtpParameters: RtpParameters, appData: ProducerAppData): Promise<MediaProducer>;
  consume(producer: MediaProducer, rtpCapabilities: RtpCapabilities): Promise<MediaConsumer>;
  /** Close everything; closing a transport closes its producers and consumers. */
  close(): void;
}

/** Tells which of the audio producers added is the dominant speaker. */
export interface SpeakerObserver {
  readonly closed: boolean;
  addProducer(producerId: string): Promise<void>;
  close(): void;
}

/** A plain RTP copy of one producer sent to a local port (a recording's ffmpeg). */
export interface RtpTap {
  readonly kind: MediaKind;
  /** What is sent: the one media codec, no RTX, no header extensions. */
  readonly rtpParameters: RtpParameters;
  readonly closed: boolean;
  /** Called once the tap ends (the producer closed, or close()). */
  onClose(listener: () => void): void;
  resume(): Promise<void>;
  requestKeyFrame(): Promise<void>;
  close(): void;
}

/** A room's (or a breakout group's) media: one router and what hangs off it. */
export interface MediaRouter {
  readonly id: string;
  readonly closed: boolean;
  readonly rtpCapabilities: RtpCapabilities;
  /** A new participant's media on this router. */
  peer(): PeerMediaPort;
  /** Every producer made on this router from now on (the recorder); returns how to stop listening. */
  onProducer(listener: (producer: MediaProducer) => void): () => void;
  /** An active-speaker observer; `onDominant` gets the speaking producer's owner. */
  createSpeakerObserver(intervalMs: number, onDominant: (peerId: string) => void): Promise<SpeakerObserver>;
  /** Copy `producer` as plain RTP to 127.0.0.1 (`port` RTP, `port + 1` RTCP); starts paused. */
  tap(producer: MediaProducer, port: number, options?: { spatialLayer?: number }): Promise<RtpTap>;
  close(): void;
}

/** What the rooms get from the media layer: routers on the least busy worker. */
export interface MediaPort {
  /** A router for a room or a breakout group, on the least busy worker. */
  createRouter(): Promise<MediaRouter>;
  /** After a worker died and was replaced: rooms whose router closed need a new one. */
  onWorkerReplaced(listener: () => void): void;
}
