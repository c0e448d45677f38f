// The aula server in its own process for the bench: startServer() as
// main.ts runs it, plus bench-only hooks that use the in-process server
// objects (no new protocol): a joined bench participant may publish ffmpeg's
// RTP through PlainTransports, and cheap listeners consume over SRTP
// PlainTransports placed by aula's own worker placement.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { types } from 'mediasoup';
import { type ConfigInput, loadConfig } from '../../server/config/config.js';
import { observeSpeaker } from '../../server/features/active-speaker.js';
import { createLogger } from '../../server/log.js';
import { mediasoupMedia, type ProducerAppData } from '../../server/media/peer-media.js';
import { mediasoupRouter } from '../../server/media/sfu-router.js';
import type { Room } from '../../server/rooms/room.js';
import { type RunningServer, startServer } from '../../server/server.js';
import { serve } from './ipc.js';
import { plainListener, plainProducer, producerPackets, type Suite } from './plain-media.js';

let server: RunningServer | undefined;
let loopMonitor: ReturnType<typeof monitorEventLoopDelay> | undefined; // ELDHistogram in @types/node 24
let dataDir = '';
const benchProducers: types.Producer[] = [];

const running = (): RunningServer => {
  if (!server) throw new Error('server not started');
  return server;
};
const roomOf = (id: string): Room => {
  const room = running().rooms.get(id);
  if (!room) throw new Error('no such room');
  return room;
};
const participantOf = (room: Room, peerId: string) => {
  const p = room.participants.get(peerId);
  if (!p) throw new Error('no such participant (join over signalling first)');
  return p;
};

serve({
  async start(overrides: ConfigInput & { serverKey?: string }) {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aula-bench-data-'));
    // Several nodes: all sign and check links with one key.
    if (overrides.serverKey) fs.writeFileSync(path.join(dataDir, 'server-key.json'), overrides.serverKey, { mode: 0o600 });
    delete overrides.serverKey;
    const config = loadConfig({
      env: {},
      overrides: {
        ...overrides,
        http: { port: 0, host: '127.0.0.1' },
        metrics: { enabled: false },
        admin: { ...overrides.admin, port: 0 },
        rooms: { demoRoom: false, max: 10_000 },
        data: { dir: dataDir },
        log: { level: 'silent' },
        // The bench connects hundreds of participants from one address, quickly.
        signalling: { messagesPerSecond: 10_000, messageBurst: 10_000, connectionsPerAddress: 10_000, unjoinedConnections: 10_000, joinsPerMinute: 1_000_000 },
      },
    });
    server = await startServer(config, createLogger('silent'));
    const serverKey = fs.readFileSync(path.join(dataDir, 'server-key.json'), 'utf8');
    return { url: server.url, pid: process.pid, workers: server.pool.workers.map((w) => w.pid), serverKey };
  },

  async createRoom({ title, maxParticipants }: { title: string; maxParticipants: number }) {
    const s = running();
    const room = await s.createRoom({ title, maxParticipants });
    const token = await s.signer.issue({ room: room.id, role: 'participant', gen: room.linkGeneration }, 3600);
    const moderator = await s.signer.issue({ room: room.id, role: 'moderator', gen: room.linkGeneration }, 3600);
    return { roomId: room.id, token, moderator, workerPid: s.placement.workerOf(room.router)?.pid };
  },

  /** A joined participant publishes: one PlainTransport per kind, fed by ffmpeg. */
  async publish({ roomId, peerId, kinds }: { roomId: string; peerId: string; kinds: Array<'audio' | 'video'> }) {
    const room = roomOf(roomId);
    const participant = participantOf(room, peerId);
    const media = mediasoupMedia(participant.media);
    const outputs = [];
    for (const kind of kinds) {
      const source = kind === 'video' ? 'camera' : 'mic';
      const appData: ProducerAppData = { peerId, source };
      const { transport, producer, port, rtcpPort, ssrc } = await plainProducer(mediasoupRouter(room.router), kind, appData);
      // Registered like a WebRTC producer: leaving closes it, and others are told.
      media.transports.set(transport.id, transport as never);
      transport.observer.once('close', () => media.transports.delete(transport.id));
      const p = producer as types.Producer<ProducerAppData>;
      media.producers.set(p.id, p);
      p.observer.once('close', () => {
        media.producers.delete(p.id);
        room.broadcast('producerClosed', { producerId: p.id, peerId }, participant);
      });
      void observeSpeaker(room, p).catch(() => undefined);
      room.broadcast('producerAdded', { producerId: p.id, peerId, kind, source, paused: p.paused }, participant);
      benchProducers.push(p);
      p.observer.once('close', () => benchProducers.splice(benchProducers.indexOf(p), 1));
      outputs.push({ kind, port, rtcpPort, ssrc });
    }
    return outputs;
  },

  /** Joined participants each receive every producer of the room on an SRTP PlainTransport. */
  async listen({ roomId, peerIds, sinkPorts, suite }: { roomId: string; peerIds: string[]; sinkPorts: number[]; suite?: Suite }) {
    const s = running();
    const room = roomOf(roomId);
    let consumers = 0;
    const ssrcs: number[] = [];
    for (const [i, peerId] of peerIds.entries()) {
      const participant = participantOf(room, peerId);
      const media = mediasoupMedia(participant.media);
      const producers = [...room.participants.values()].filter((p) => p !== participant).flatMap((p) => [...mediasoupMedia(p.media).producers.values()]);
      const home = mediasoupRouter(room.router);
      const router = await s.placement.recvRouter(home);
      for (const p of producers) await s.placement.reach(home, p, router);
      const { transport, consumers: cs } = await plainListener(
        router,
        producers,
        sinkPorts[i % sinkPorts.length]!,
        (p) => ({
          peerId: (p.appData as ProducerAppData).peerId,
          source: (p.appData as ProducerAppData).source,
        }),
        suite,
      );
      media.transports.set(transport.id, transport as never);
      transport.observer.once('close', () => media.transports.delete(transport.id));
      for (const c of cs) media.consumers.set(c.id, c as never);
      for (const c of cs) ssrcs.push(c.rtpParameters.encodings?.[0]?.ssrc ?? 0);
      consumers += cs.length;
    }
    return { consumers, ssrcs };
  },

  /** Several nodes: does this node host the room? */
  owns({ roomId }: { roomId: string }) {
    const s = running();
    return { owns: s.cluster ? s.cluster.homes.owned.has(roomId) : Boolean(s.rooms.get(roomId)) };
  },

  /** Several nodes: the live nodes this node sees in Redis, and whether it has the room's definition. */
  async clusterState({ roomId }: { roomId?: string }) {
    const s = running();
    const alive = s.cluster ? (await s.cluster.listNodes()).filter((n) => n.alive).length : 1;
    return { alive, knows: roomId ? Boolean(s.rooms.get(roomId)) : false };
  },

  async producerPackets() {
    return producerPackets(benchProducers);
  },

  /** The server's event-loop delay (perf_hooks), from `start` to `stop`: p50/p99/max in ms. */
  loopDelay({ action }: { action: 'start' | 'stop' }) {
    if (action === 'start') {
      loopMonitor?.disable();
      loopMonitor = monitorEventLoopDelay({ resolution: 5 });
      loopMonitor.enable();
      return {};
    }
    const h = loopMonitor!;
    h.disable();
    const ms = (ns: number) => ns / 1e6;
    return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), samples: h.count };
  },

  /** Ledger batches written and events in them (group commit at work). */
  ledgerStats() {
    return running().ledger?.stats ?? { batches: 0, events: 0 };
  },

  info() {
    const s = running();
    return {
      pid: process.pid,
      rss: process.memoryUsage().rss,
      workers: s.pool.workers.map((w) => ({ pid: w.pid, consumers: s.placement.consumersOn(w) })),
    };
  },

  async stop() {
    await server?.close();
    server = undefined;
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    setTimeout(() => process.exit(0), 50);
    return {};
  },
});
