// The media side of a joined session: mediasoup-client device, one send and
// one receive transport, producers for microphone and camera, a consumer for
// every other participant's producer. UI code listens to its events.
import { Device } from 'mediasoup-client';
import type { types } from 'mediasoup-client';
import type { JoinedData, LobbyEntry, MediaSource, PeerInfo, Permission, ProducerInfo } from '../../shared/protocol.js';
import type { Params } from '../../shared/protocol.js';
import type { ProblemReport, StreamSummary } from '../../shared/problem-report.js';
import type { Signalling } from './signalling.js';

export interface ConferenceEvents {
  peerJoined(peer: PeerInfo): void;
  peerUpdated(peer: PeerInfo): void;
  selfUpdated(self: PeerInfo, permissions: Permission[]): void;
  lobbyChanged(entries: LobbyEntry[]): void;
  roomLocked(locked: boolean): void;
  peerLeft(peerId: string): void;
  track(peerId: string, source: MediaSource, track: MediaStreamTrack | null): void;
  micState(peerId: string, on: boolean): void;
  ended(reason: EndReason): void;
}

export type EndReason = 'left' | 'closed' | 'disconnected' | 'denied';

interface RemoteConsumer {
  consumer: types.Consumer;
  peerId: string;
  source: MediaSource;
}

export class Conference {
  readonly device = new Device();
  self!: PeerInfo;
  private sendTransport?: types.Transport;
  private recvTransport?: types.Transport;
  private readonly producers = new Map<MediaSource, types.Producer>();
  private readonly consumers = new Map<string, RemoteConsumer>(); // by consumer id
  private ended = false;
  // Producers announced before the receive transport exists wait for it.
  private markRecvReady!: () => void;
  private readonly recvReady = new Promise<void>((resolve) => (this.markRecvReady = resolve));

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
  async join(displayName: string, routerRtpCapabilities: types.RtpCapabilities, onWaiting: () => void): Promise<JoinedData> {
    await this.device.load({ routerRtpCapabilities });
    this.listen();
    const admitted = new Promise<JoinedData>((resolve) => this.signalling.on('admitted', resolve));
    const result = await this.signalling.request('join', {
      displayName,
      rtpCapabilities: this.device.rtpCapabilities as never,
    });
    let joined: JoinedData;
    if (result.status === 'waiting') {
      onWaiting();
      joined = await admitted;
    } else {
      joined = result;
    }
    this.self = joined.self;
    this.recvTransport = await this.createTransport('recv');
    this.markRecvReady();
    if (this.device.canProduce('audio') || this.device.canProduce('video')) {
      this.sendTransport = await this.createTransport('send');
    }
    for (const p of joined.producers) void this.consume(p).catch(() => undefined);
    return joined;
  }

  async request<M extends 'setDisplayName' | 'admit' | 'deny' | 'setRole' | 'lockRoom'>(
    method: M,
    params: Params<M>,
  ) {
    return this.signalling.request(method, params);
  }

  async publish(source: MediaSource, track: MediaStreamTrack): Promise<void> {
    if (!this.sendTransport) return;
    const producer = await this.sendTransport.produce({
      track,
      appData: { source },
      // Screen-sized camera frames are wasteful in a class grid; simulcast comes later.
      ...(source === 'camera' ? { encodings: [{ maxBitrate: 600_000 }] } : {}),
    });
    this.producers.set(source, producer);
  }

  async setMicMuted(muted: boolean): Promise<void> {
    const producer = this.producers.get('mic');
    if (!producer) return;
    if (muted) {
      producer.pause();
      await this.signalling.request('pauseProducer', { producerId: producer.id });
    } else {
      producer.resume();
      await this.signalling.request('resumeProducer', { producerId: producer.id });
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

  /** Connection state, candidate types (no addresses) and media statistics, for a problem report. */
  async diagnostics(): Promise<{ connection: NonNullable<ProblemReport['connection']>; stats: StreamSummary[] }> {
    const candidateTypes = new Set<string>();
    const protocols = new Set<string>();
    const sample = async () => {
      const rows = new Map<string, { direction: 'in' | 'out'; kind: 'audio' | 'video'; bytes: number; t: number; s: Record<string, number> }>();
      for (const transport of [this.sendTransport, this.recvTransport]) {
        if (!transport) continue;
        const report = await transport.getStats();
        const byId = new Map<string, Record<string, unknown>>();
        report.forEach((s: Record<string, unknown>) => byId.set(s.id as string, s));
        report.forEach((s: Record<string, unknown>) => {
          if (s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated) {
            for (const id of [s.localCandidateId, s.remoteCandidateId]) {
              const c = byId.get(id as string);
              if (c?.candidateType) candidateTypes.add(c.candidateType as string);
              if (c?.protocol) protocols.add(c.protocol as string);
            }
          }
          if (s.type !== 'inbound-rtp' && s.type !== 'outbound-rtp') return;
          const inbound = s.type === 'inbound-rtp';
          rows.set(s.id as string, {
            direction: inbound ? 'in' : 'out',
            kind: s.kind as 'audio' | 'video',
            bytes: Number(inbound ? s.bytesReceived : s.bytesSent) || 0,
            t: Number(s.timestamp),
            s: s as Record<string, number>,
          });
        });
      }
      return rows;
    };
    const first = await sample();
    await new Promise((r) => setTimeout(r, 1000));
    const second = await sample();
    // Totals per direction and kind: as useful, and the same size in a class of 5 or 50.
    const totals = new Map<string, StreamSummary>();
    for (const [id, b] of second) {
      const a = first.get(id);
      const seconds = a ? (b.t - a.t) / 1000 : 0;
      const key = `${b.direction}:${b.kind}`;
      const row = totals.get(key) ?? { direction: b.direction, kind: b.kind, bitrateKbps: 0, packetsLost: 0 };
      row.bitrateKbps += a && seconds > 0 ? Math.round(((b.bytes - a.bytes) * 8) / seconds / 1000) : 0;
      row.packetsLost += Math.max(0, Number(b.s.packetsLost) || 0);
      if (typeof b.s.jitter === 'number') row.jitterMs = Math.max(row.jitterMs ?? 0, Math.round(b.s.jitter * 1000));
      if (typeof b.s.framesDecoded === 'number') row.framesDecoded = (row.framesDecoded ?? 0) + b.s.framesDecoded;
      if (typeof b.s.framesPerSecond === 'number') row.framesPerSecond = Math.max(row.framesPerSecond ?? 0, b.s.framesPerSecond);
      totals.set(key, row);
    }
    const stats = [...totals.values()];
    const connection: NonNullable<ProblemReport['connection']> = {
      candidateTypes: [...candidateTypes].filter((c): c is 'host' => ['host', 'srflx', 'prflx', 'relay'].includes(c)),
      protocols: [...protocols].filter((p): p is 'udp' => p === 'udp' || p === 'tcp'),
    };
    if (this.sendTransport) connection.send = this.sendTransport.connectionState;
    if (this.recvTransport) connection.recv = this.recvTransport.connectionState;
    return { connection, stats };
  }

  private async createTransport(direction: 'send' | 'recv'): Promise<types.Transport> {
    const params = await this.signalling.request('createTransport', { direction });
    // No ICE servers: mediasoup is ICE-lite and announces its own address; a
    // public STUN default would be a request to a third party.
    const options = { ...(params as unknown as types.TransportOptions), iceServers: [] };
    const transport =
      direction === 'send' ? this.device.createSendTransport(options) : this.device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, done, fail) => {
      this.signalling
        .request('connectTransport', { transportId: transport.id, dtlsParameters: dtlsParameters as never })
        .then(() => done(), fail);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, done, fail) => {
        this.signalling
          .request('produce', {
            transportId: transport.id,
            kind,
            source: appData.source as MediaSource,
            rtpParameters: rtpParameters as never,
          })
          .then(({ producerId }) => done({ id: producerId }), fail);
      });
    }
    return transport;
  }

  private async consume(info: ProducerInfo): Promise<void> {
    await this.recvReady;
    if (!this.recvTransport || this.ended) return;
    for (const c of this.consumers.values()) if (c.consumer.producerId === info.producerId) return;
    const params = await this.signalling.request('consume', { producerId: info.producerId });
    const consumer = await this.recvTransport.consume({
      id: params.consumerId,
      producerId: params.producerId,
      kind: params.kind,
      rtpParameters: params.rtpParameters as unknown as types.RtpParameters,
    });
    this.consumers.set(consumer.id, { consumer, peerId: params.peerId, source: params.source });
    this.events.track(params.peerId, params.source, consumer.track);
    if (params.source === 'mic') this.events.micState(params.peerId, !params.producerPaused);
    await this.signalling.request('resumeConsumer', { consumerId: consumer.id });
  }

  private dropConsumer(consumerId: string): void {
    const entry = this.consumers.get(consumerId);
    if (!entry) return;
    this.consumers.delete(consumerId);
    entry.consumer.close();
    this.events.track(entry.peerId, entry.source, null);
  }

  private listen(): void {
    const s = this.signalling;
    s.on('peerJoined', ({ peer }) => this.events.peerJoined(peer));
    s.on('peerUpdated', ({ peer }) => this.events.peerUpdated(peer));
    s.on('selfUpdated', ({ self, permissions }) => {
      this.self = self;
      this.events.selfUpdated(self, permissions);
    });
    s.on('lobbyChanged', ({ entries }) => this.events.lobbyChanged(entries));
    s.on('roomLocked', ({ locked }) => this.events.roomLocked(locked));
    s.on('denied', () => this.end('denied'));
    s.on('peerLeft', ({ peerId }) => {
      for (const [id, c] of this.consumers) if (c.peerId === peerId) this.dropConsumer(id);
      this.events.peerLeft(peerId);
    });
    s.on('producerAdded', (info) => void this.consume(info).catch(() => undefined));
    s.on('consumerClosed', ({ consumerId }) => this.dropConsumer(consumerId));
    s.on('producerClosed', ({ producerId }) => {
      for (const [id, c] of this.consumers) if (c.consumer.producerId === producerId) this.dropConsumer(id);
    });
    s.on('producerPaused', ({ producerId, peerId }) => this.onProducerState(producerId, peerId, false));
    s.on('producerResumed', ({ producerId, peerId }) => this.onProducerState(producerId, peerId, true));
    s.on('roomClosed', () => this.end('closed'));
    s.onClose(() => this.end('disconnected'));
  }

  private onProducerState(producerId: string, peerId: string, on: boolean): void {
    for (const c of this.consumers.values()) {
      if (c.consumer.producerId === producerId && c.source === 'mic') this.events.micState(peerId, on);
    }
  }

  private end(reason: EndReason): void {
    if (this.ended) return;
    this.ended = true;
    for (const p of this.producers.values()) {
      p.track?.stop();
      p.close();
    }
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.signalling.close();
    this.events.ended(reason);
  }
}
