// The media side of a joined session: mediasoup-client device, one send and
// one receive transport, producers for microphone, camera and screen, a
// consumer for every other participant's producer, and what the receiver
// wants of each video (layer, paused, audio only). No UI code here.
import { Device } from 'mediasoup-client';
import type { types } from 'mediasoup-client';
import type { JoinedData, MediaSource, NotificationData, PeerInfo, ProducerInfo, Method, Params } from '../../shared/protocol.js';
import { transportDiagnostics } from './diagnostics.js';
import { type Level, levelOf, QualitySampler } from './quality.js';
import { resumeSession } from './resume.js';
import type { Signalling } from './signalling.js';

/**
 * What the media side reports. Everything else the server says (people, chat,
 * hands, polls, ...) goes to the store through room-controller.ts.
 */
export interface ConferenceEvents {
  track(peerId: string, source: MediaSource, track: MediaStreamTrack | null): void;
  micState(peerId: string, on: boolean): void;
  /** A moderator muted our microphone or stopped our camera (already done locally). */
  moderated(source: MediaSource, allowUnmute: boolean): void;
  /** Our own screen share ended (stopped here, or by the browser's "Stop sharing"). */
  screenStopped(): void;
  /** The signalling connection dropped ('reconnecting') or was resumed ('connected'). */
  connection(state: 'reconnecting' | 'connected'): void;
  /** `carried`: after 'moved', the tracks still on, for the same person joining again on the room's new node. */
  ended(reason: EndReason, detail?: string, carried?: CarriedTracks): void;
  /** We are now in this breakout group (undefined: the main room), media reconnected. */
  moved(group: string | undefined, name: string | undefined): void;
}

/** 'moved': the room moved to another node (several nodes); `detail` is the rejoin ticket and the page joins again by itself. */
export type EndReason = 'left' | 'closed' | 'ended' | 'disconnected' | 'denied' | 'removed' | 'moved';

/** The microphone (if on) and camera a moved room's participant takes along; a screen share is not (it needs a new click). */
export interface CarriedTracks {
  mic?: MediaStreamTrack;
  camera?: MediaStreamTrack;
}

// Three VP8 layers for cameras; each receiver gets the one that fits its tile.
const CAMERA_LAYERS: RTCRtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
];
// Screens carry text: full resolution, few frames.
const SCREEN_ENCODING: RTCRtpEncodingParameters[] = [{ maxBitrate: 1_500_000, maxFramerate: 15 }];

/**
 * The simulcast layer for a tile of this width (CSS pixels): the smallest of
 * 240, 480 and 960 pixels wide (from a 960×540 camera) that fills it.
 */
export const layerFor = (width: number): number => {
  const px = width * (globalThis.devicePixelRatio || 1);
  return px <= 260 ? 0 : px <= 520 ? 1 : 2;
};

/**
 * `work` on `transport`, or an error once the transport closes: work caught
 * by a closing RTCPeerConnection never settles on its own.
 */
function untilClosed<T>(transport: types.Transport, work: Promise<T>): Promise<T> {
  if (transport.closed) return Promise.reject(new Error('transport closed'));
  let onClose!: () => void;
  const closed = new Promise<never>((_, reject) => {
    onClose = () => reject(new Error('transport closed'));
    transport.observer.once('close', onClose);
  });
  return Promise.race([work, closed]).finally(() => transport.observer.off('close', onClose));
}

interface RemoteConsumer {
  consumer: types.Consumer;
  peerId: string;
  source: MediaSource;
}

export class Conference {
  readonly device = new Device();
  self!: PeerInfo;
  private ice: Pick<JoinedData, 'iceServers' | 'iceTransportPolicy'> = { iceServers: [], iceTransportPolicy: 'all' };
  private sendTransport?: types.Transport;
  private recvTransport?: types.Transport;
  private readonly producers = new Map<MediaSource, types.Producer>();
  /** Tracks whose producer is being set up. */
  private readonly publishing = new Map<MediaSource, MediaStreamTrack>();
  private readonly consumers = new Map<string, RemoteConsumer>(); // by consumer id
  private ended = false;
  private resumeInfo?: JoinedData['resume'];
  /** Several nodes: lets us back in without the lobby if the room moves to another node. */
  private rejoinTicket?: string;
  private reconnecting = false;
  // Producers announced before the receive transport exists wait for it.
  private markRecvReady!: () => void;
  private recvReady = new Promise<void>((resolve) => (this.markRecvReady = resolve));
  /** Moves between breakout groups, one after the other. */
  private moves: Promise<void> = Promise.resolve();

  constructor(
    private readonly signalling: Signalling,
    private readonly roomId: string,
    private readonly events: ConferenceEvents,
  ) {}

  /**
   * Join the room. Resolves once inside: at once, or after a moderator admits
   * us from the lobby (`onWaiting` is called meanwhile). A denial ends the
   * conference with reason 'denied'.
   */
  async join(displayName: string, routerRtpCapabilities: types.RtpCapabilities, onWaiting: () => void, recordingOptOut = false): Promise<JoinedData> {
    await this.device.load({ routerRtpCapabilities });
    this.listen();
    const admitted = new Promise<JoinedData>((resolve) => this.signalling.on('admitted', resolve));
    const result = await this.signalling.request('join', {
      displayName,
      rtpCapabilities: this.device.rtpCapabilities,
      ...(recordingOptOut ? { recordingOptOut } : {}),
    });
    let joined: JoinedData;
    if (result.status === 'waiting') {
      onWaiting();
      joined = await admitted;
    } else {
      joined = result;
    }
    this.self = joined.self;
    this.resumeInfo = joined.resume;
    this.rejoinTicket = joined.rejoin;
    this.ice = { iceServers: joined.iceServers, iceTransportPolicy: joined.iceTransportPolicy };
    this.recvTransport = await this.createTransport('recv');
    this.markRecvReady();
    if (this.device.canProduce('audio') || this.device.canProduce('video')) {
      this.sendTransport = await this.createTransport('send');
    }
    for (const p of joined.producers) void this.consume(p).catch(() => undefined);
    return joined;
  }

  async request<M extends Method>(method: M, params: Params<M>) {
    return this.signalling.request(method, params);
  }

  async publish(source: MediaSource, track: MediaStreamTrack): Promise<void> {
    await this.moves; // not while moving to another breakout group
    return this.publishNow(source, track);
  }

  private async publishNow(source: MediaSource, track: MediaStreamTrack): Promise<void> {
    const transport = this.sendTransport;
    if (!transport) return;
    if (source === 'screen') track.contentHint = 'detail';
    // If a move closes the transport meanwhile, the move sends this track again.
    this.publishing.set(source, track);
    try {
      const producer = await untilClosed(
        transport,
        transport.produce({
          track,
          // The track outlives its producer when we move to a breakout group.
          stopTracks: false,
          appData: { source },
          ...(source === 'camera' ? { encodings: CAMERA_LAYERS, codecOptions: { videoGoogleStartBitrate: 1000 } } : {}),
          ...(source === 'screen' ? { encodings: SCREEN_ENCODING } : {}),
        }),
      );
      this.producers.set(source, producer);
      if (source === 'screen') track.addEventListener('ended', () => void this.stopScreen(), { once: true });
    } finally {
      if (this.publishing.get(source) === track) this.publishing.delete(source);
    }
  }

  async stopScreen(): Promise<void> {
    const producer = this.producers.get('screen');
    if (!producer) return;
    this.producers.delete('screen');
    producer.track?.stop();
    producer.close();
    this.events.screenStopped();
    await this.signalling.request('closeProducer', { producerId: producer.id }).catch(() => undefined);
  }

  /** Tell the server which layer a remote video needs (by its tile's width), or none when off-screen. */
  setVisibility(peerId: string, source: MediaSource, width: number, visible: boolean): void {
    for (const { consumer, peerId: p, source: s } of this.consumers.values()) {
      if (p !== peerId || s !== source || consumer.kind !== 'video') continue;
      consumer.appData.view = { width, visible };
      this.sendPreference(consumer);
    }
  }

  /** "Audio only": receive no video at all (a weak connection), or everything again. */
  setAudioOnly(on: boolean): void {
    this.audioOnly = on;
    for (const { consumer } of this.consumers.values()) if (consumer.kind === 'video') this.sendPreference(consumer);
  }

  private audioOnly = false;

  private sendPreference(consumer: types.Consumer): void {
    const v = (consumer.appData.view as { width: number; visible: boolean } | undefined) ?? { width: 0, visible: true };
    const visible = v.visible && !this.audioOnly;
    const wanted = `${visible ? layerFor(v.width) : 'off'}`;
    if (consumer.appData.wanted === wanted) return;
    consumer.appData.wanted = wanted;
    void this.signalling
      .request('setConsumerPreferences', { consumerId: consumer.id, spatialLayer: visible ? layerFor(v.width) : 0, paused: !visible })
      .catch(() => undefined);
  }

  /** A different camera or microphone: the same producer carries the new track. */
  async replaceTrack(source: 'mic' | 'camera', track: MediaStreamTrack): Promise<boolean> {
    const producer = this.producers.get(source);
    if (!producer) return false;
    const old = producer.track;
    await producer.replaceTrack({ track });
    if (old && old !== track) old.stop();
    return true;
  }

  /** The track a producer sends now (the self view shows it). */
  trackOf(source: MediaSource): MediaStreamTrack | null {
    return this.producers.get(source)?.track ?? null;
  }

  micPaused(): boolean {
    return this.producers.get('mic')?.paused ?? true;
  }

  async setMicMuted(muted: boolean): Promise<void> {
    const producer = this.producers.get('mic');
    if (!producer) return;
    if (muted) {
      producer.pause();
      await this.signalling.request('pauseProducer', { producerId: producer.id });
    } else {
      // Server first: a moderator may have locked the microphone.
      await this.signalling.request('resumeProducer', { producerId: producer.id });
      producer.resume();
    }
  }

  /** Stop the camera: close its producer so the camera light goes off. */
  async stopCamera(): Promise<void> {
    const producer = this.producers.get('camera');
    if (!producer) return;
    this.producers.delete('camera');
    producer.track?.stop();
    producer.close();
    await this.signalling.request('closeProducer', { producerId: producer.id });
  }

  hasProducer(source: MediaSource): boolean {
    return this.producers.has(source);
  }

  async leave(): Promise<void> {
    if (this.ended) return;
    try {
      await this.signalling.request('leave', {});
    } finally {
      this.end('left');
    }
  }

  /** Per-consumer receive statistics, for diagnostics and tests. */
  async stats(): Promise<Array<{ peerId: string; source: MediaSource; kind: string; packetsReceived: number; framesDecoded: number }>> {
    const out = [];
    for (const { consumer, peerId, source } of this.consumers.values()) {
      let packetsReceived = 0;
      let framesDecoded = 0;
      (await consumer.getStats()).forEach((s: { type: string; packetsReceived?: number; framesDecoded?: number }) => {
        if (s.type !== 'inbound-rtp') return;
        packetsReceived += s.packetsReceived ?? 0;
        framesDecoded += s.framesDecoded ?? 0;
      });
      out.push({ peerId, source, kind: consumer.kind, packetsReceived, framesDecoded });
    }
    return out;
  }

  private readonly sampler = new QualitySampler();

  /**
   * Connection quality now: our own (round-trip time and the loss of what we
   * receive) and each sender's (the loss on their consumers).
   */
  async quality(): Promise<{ self: Level; peers: Map<string, Level> }> {
    const perPeer = new Map<string, number[]>();
    for (const { consumer, peerId } of this.consumers.values()) {
      const loss = await this.sampler.consumerLoss(consumer).catch(() => undefined);
      if (loss === undefined) continue;
      perPeer.set(peerId, [...(perPeer.get(peerId) ?? []), loss]);
    }
    const peers = new Map<string, Level>();
    for (const [peerId, losses] of perPeer) peers.set(peerId, levelOf(Math.max(...losses), undefined));
    const rtt = (await this.sampler.rtt(this.sendTransport).catch(() => undefined)) ?? (await this.sampler.rtt(this.recvTransport).catch(() => undefined));
    const all = [...perPeer.values()].flat();
    const self = levelOf(all.length ? Math.max(...all) : rtt === undefined ? undefined : 0, rtt);
    return { self, peers };
  }

  /** Connection state, candidate types (no addresses) and media statistics, for a problem report. */
  diagnostics(): ReturnType<typeof transportDiagnostics> {
    return transportDiagnostics(this.sendTransport, this.recvTransport);
  }

  /**
   * Into another breakout group (or back): the server closed our media on the
   * old router; make new transports on the new one, send the same tracks
   * again (no new permission prompt), consume what is there.
   */
  private moveTo(data: NotificationData<'movedToGroup'>): void {
    this.restartMedia(data.producers, () => this.events.moved(data.group, data.name));
  }

  /**
   * New transports on the router we are now on (another breakout group, or a
   * new router after the server's media worker died), the same tracks sent
   * again (a muted microphone stays muted), then `producers` consumed.
   */
  private restartMedia(producers: ProducerInfo[], done: () => void): void {
    // Consumes from now on wait for this move's receive transport, in a fresh
    // queue: a consume caught on the old transport when it closes never
    // settles (a closed RTCPeerConnection leaves its promises pending).
    let ready!: () => void;
    this.recvReady = new Promise<void>((resolve) => (ready = resolve));
    this.consumeQueue = Promise.resolve();
    this.moves = this.moves
      .then(async () => {
        if (this.ended) return;
        // Collected here, not when notified: a move still sending its tracks
        // again must finish before the next one takes them along.
        for (const id of [...this.consumers.keys()]) this.dropConsumer(id);
        const tracks = [
          ...[...this.producers].map(([source, p]) => ({ source, track: p.track, paused: p.paused })),
          ...[...this.publishing].map(([source, track]) => ({ source, track, paused: false })),
        ];
        this.publishing.clear();
        for (const p of this.producers.values()) p.close();
        this.producers.clear();
        this.sendTransport?.close();
        this.recvTransport?.close();
        this.sendTransport = this.recvTransport = undefined;
        try {
          this.recvTransport = await this.createTransport('recv');
          if (this.device.canProduce('audio') || this.device.canProduce('video')) this.sendTransport = await this.createTransport('send');
        } finally {
          ready();
        }
        for (const p of producers) void this.consume(p).catch(() => undefined);
        for (const { source, track, paused } of tracks) {
          if (!track || track.readyState !== 'live') continue;
          try {
            await this.publishNow(source, track);
            if (paused && source === 'mic') await this.setMicMuted(true);
          } catch {
            // e.g. the microphone is locked by a moderator: the rest still works
            if (source === 'screen') this.events.screenStopped();
          }
        }
        done();
      })
      .catch(() => undefined);
  }

  private async createTransport(direction: 'send' | 'recv'): Promise<types.Transport> {
    const params = await this.signalling.request('createTransport', { direction });
    // ICE servers only from the server's configuration (its TURN, if any): no
    // public STUN default, which would be a request to a third party.
    const options = {
      ...(params as unknown as types.TransportOptions),
      iceServers: this.ice.iceServers,
      iceTransportPolicy: this.ice.iceTransportPolicy,
    };
    const transport = direction === 'send' ? this.device.createSendTransport(options) : this.device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, done, fail) => {
      this.signalling.request('connectTransport', { transportId: transport.id, dtlsParameters: dtlsParameters }).then(() => done(), fail);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, done, fail) => {
        this.signalling
          .request('produce', {
            transportId: transport.id,
            kind,
            source: appData.source as MediaSource,
            rtpParameters: rtpParameters,
          })
          .then(({ producerId }) => done({ id: producerId }), fail);
      });
    }
    return transport;
  }

  // One consume at a time: the server answers a connection's requests in order
  // anyway, and a room of 50 must not put 100 requests in flight at once.
  private consumeQueue: Promise<void> = Promise.resolve();

  private consume(info: ProducerInfo): Promise<void> {
    const next = this.consumeQueue.then(() => this.consumeNow(info));
    this.consumeQueue = next.catch(() => undefined);
    return next;
  }

  private async consumeNow(info: ProducerInfo): Promise<void> {
    await this.recvReady;
    const transport = this.recvTransport;
    if (!transport || this.ended) return;
    for (const c of this.consumers.values()) if (c.consumer.producerId === info.producerId) return;
    const params = await this.signalling.request('consume', { producerId: info.producerId });
    // A move to another breakout group meanwhile: that consumer belongs to the old router.
    if (transport !== this.recvTransport) return;
    const consumer = await untilClosed(
      transport,
      transport.consume({
        id: params.consumerId,
        producerId: params.producerId,
        kind: params.kind,
        rtpParameters: params.rtpParameters as unknown as types.RtpParameters,
      }),
    );
    this.consumers.set(consumer.id, { consumer, peerId: params.peerId, source: params.source });
    // Resume first: showing the track may report the tile off-screen, and that pause must win.
    try {
      await this.signalling.request('resumeConsumer', { consumerId: consumer.id });
    } catch (err) {
      // Closed on the server meanwhile (its producer stopped, or we moved): no stale tile.
      this.consumers.delete(consumer.id);
      consumer.close();
      throw err;
    }
    this.events.track(params.peerId, params.source, consumer.track);
    if (params.source === 'mic') this.events.micState(params.peerId, !params.producerPaused);
  }

  private dropConsumer(consumerId: string): void {
    const entry = this.consumers.get(consumerId);
    if (!entry) return;
    this.consumers.delete(consumerId);
    this.sampler.forget(consumerId);
    entry.consumer.close();
    this.events.track(entry.peerId, entry.source, null);
  }

  private listen(): void {
    const s = this.signalling;
    s.on('denied', () => this.end('denied'));
    s.on('removed', ({ reason }) => this.end('removed', reason));
    s.on('roomClosed', ({ code }) => {
      if (code === 'room_moved' && this.rejoinTicket) return this.end('moved', this.rejoinTicket);
      this.end(code === 'meeting_ended' ? 'ended' : 'closed');
    });
    s.on('moderated', ({ source, allowUnmute }) => {
      const producer = this.producers.get(source);
      if (source === 'mic') producer?.pause();
      if (source === 'camera' && producer) {
        // The server closed it already; let go of the camera here too.
        this.producers.delete('camera');
        producer.track?.stop();
        producer.close();
      }
      this.events.moderated(source, allowUnmute);
    });
    s.on('peerLeft', ({ peerId }) => {
      for (const [id, c] of this.consumers) if (c.peerId === peerId) this.dropConsumer(id);
    });
    s.on('producerAdded', (info) => void this.consume(info).catch(() => undefined));
    // The media worker failed: the others' producers follow as producerAdded.
    s.on('mediaReset', () => this.restartMedia([], () => undefined));
    s.on('consumerClosed', ({ consumerId }) => this.dropConsumer(consumerId));
    s.on('producerClosed', ({ producerId }) => {
      for (const [id, c] of this.consumers) if (c.consumer.producerId === producerId) this.dropConsumer(id);
    });
    s.on('producerPaused', ({ producerId, peerId }) => this.onProducerState(producerId, peerId, false));
    s.on('producerResumed', ({ producerId, peerId }) => this.onProducerState(producerId, peerId, true));
    s.on('movedToGroup', (data) => this.moveTo(data));
    s.onClose((code) => void this.onConnectionLost(code));
  }

  /**
   * 1006: the connection vanished (network, proxy), not closed by either side.
   * Media keeps flowing meanwhile; a new connection takes the participation
   * over with the resume token, or, once the grace period is over, we have left.
   */
  private async onConnectionLost(code: number): Promise<void> {
    const resume = this.resumeInfo;
    if (this.ended || this.reconnecting) return;
    if (code !== 1006 || !resume || resume.graceSeconds === 0) return this.end('disconnected');
    this.reconnecting = true;
    try {
      this.events.connection('reconnecting');
      const resumed = await resumeSession(this.signalling, this.roomId, resume, () => this.ended);
      // Several nodes: the room runs on another node now, which never knew this participation.
      if (resumed === 'moved' && this.rejoinTicket) return this.end('moved', this.rejoinTicket);
      if (resumed === true) return this.events.connection('connected');
    } finally {
      this.reconnecting = false;
    }
    this.end('disconnected');
  }

  private onProducerState(producerId: string, peerId: string, on: boolean): void {
    for (const c of this.consumers.values()) {
      if (c.consumer.producerId === producerId && c.source === 'mic') this.events.micState(peerId, on);
    }
  }

  private end(reason: EndReason, detail?: string): void {
    if (this.ended) return;
    this.ended = true;
    const carried: CarriedTracks = {};
    if (reason === 'moved') {
      const mic = this.producers.get('mic');
      if (mic?.track && !mic.paused) carried.mic = mic.track;
      const camera = this.producers.get('camera')?.track;
      if (camera) carried.camera = camera;
    }
    for (const p of this.producers.values()) {
      if (p.track !== carried.mic && p.track !== carried.camera) p.track?.stop();
      p.close();
    }
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.signalling.close();
    this.events.ended(reason, detail, reason === 'moved' ? carried : undefined);
  }
}
