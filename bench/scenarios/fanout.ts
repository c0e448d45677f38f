// One publisher (ffmpeg VP8 + Opus over RTP) → N listeners, either in aula
// (signalling participants whose media rides SRTP PlainTransports placed by
// aula) or in the bare mediasoup harness. Measures CPU per process group and
// packet loss at the generator's UDP sink. Used by P1, P2 and Scaling.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { measureCpu } from '../lib/cpu.js';
import { Host } from '../lib/ipc.js';
import { sendRtp, stop, testClip, type RtpOutput } from '../lib/media-source.js';
import { BenchClient, joinMany } from '../lib/signalling.js';
import { UdpSink } from '../lib/sink.js';
import { OfferRelay } from '../lib/relay.js';
import type { Suite } from '../lib/plain-media.js';

const LIB = path.join(import.meta.dirname, '../lib');

export interface FanoutOptions {
  target: 'aula' | 'bare';
  listeners: number;
  workers: number;
  /** media.consumersPerWorker for aula (placement threshold). */
  consumersPerWorker?: number;
  warmSeconds: number;
  seconds: number;
  videoKbps: number;
  /** The listeners' SRTP suite (default AES_CM_128_HMAC_SHA1_80). */
  suite?: Suite;
}

export interface FanoutResult {
  target: 'aula' | 'bare';
  workers: number;
  listeners: number;
  consumers: number;
  windowSeconds: number;
  /** CPU in cores (1 = one core busy) per group over the window. */
  cpu: { mediasoupWorkers: number; serverProcess: number; generator: number; ffmpeg: number };
  perWorker: Array<{ cores: number; consumers: number }>;
  /** At the sink over the window: the larger of the sequence-number span and what ffmpeg offered × listeners. */
  packetsExpected: number;
  /** RTP packets ffmpeg offered in the window, times the listener count (what a perfect server delivers). */
  packetsOffered: number;
  packetsReceived: number;
  /** What the teacher's producers received over the window. */
  producerPackets: number;
  /** Packets the kernel dropped at the generator's sink sockets (the generator's limit, not aula's). */
  generatorDrops: number;
  /** Of the loss, what the worker found missing on the way in (ffmpeg → worker); null: the worker did not answer in time. */
  inLoss: number | null;
  /** Loss at the sink (end to end, generator included) and without the sink's own socket drops. */
  serverLoss: number;
  /** Listener streams that sent nothing at all in the window. */
  streamsMissing: number;
  loss: number;
  setupSeconds: number;
  suite: Suite;
}

/** A fan-out step that ran out of its time bound (a saturated worker answers late or never). */
export class BenchTimeout extends Error {}

/** Time bounds, so that a run always ends: setup grows with the listener count. */
export const bounds = (listeners: number) => ({ setupSeconds: 120 + listeners, flowSeconds: 60, statsSeconds: 30, stopSeconds: 30 });

function within<T>(p: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  p.catch(() => undefined); // the loser of the race may reject later
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new BenchTimeout(`${what} did not finish within ${seconds} s`)), seconds * 1000);
    }),
  ]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runFanout(o: FanoutOptions, log: (s: string) => void = () => undefined): Promise<FanoutResult> {
  const clip = testClip({ videoKbps: o.videoKbps, gop: 30 });
  const t0 = performance.now();
  const lap = (what: string) => log(`    ${what} at ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const host = Host.start(path.join(LIB, o.target === 'aula' ? 'aula-host.ts' : 'bare-host.ts'));
  const sink = await UdpSink.open(4);
  const clients: BenchClient[] = [];
  let ffmpeg: ChildProcess | undefined;
  let relay: OfferRelay | undefined;
  const suite = o.suite ?? 'AES_CM_128_HMAC_SHA1_80';
  const bound = bounds(o.listeners);
  let workerPids: number[] = [];
  try {
    const setup = async (): Promise<RtpOutput[]> => {
      const started = await host.call<{ url: string; workers: number[] }>('start', {
        media: { workers: o.workers, consumersPerWorker: o.consumersPerWorker ?? 500 },
      });
      workerPids = started.workers;
      lap('host started');
      let outputs: RtpOutput[];
      const chunk = 25;
      if (o.target === 'aula') {
        const room = await host.call<{ roomId: string; token: string; moderator: string }>('createRoom', {
          title: 'Fan-out',
          maxParticipants: Math.min(1000, o.listeners + 1),
        });
        const teacher = await BenchClient.connect(started.url);
        clients.push(teacher);
        await teacher.enter(room.roomId, room.moderator, 'Teacher');
        outputs = await host.call('publish', { roomId: room.roomId, peerId: teacher.peerId, kinds: ['video', 'audio'] });
        lap('publishing');
        const listeners = await joinMany(started.url, o.listeners, () => room, 10);
        clients.push(...listeners);
        lap('listeners joined');
        for (let i = 0; i < listeners.length; i += chunk) {
          const peerIds = listeners.slice(i, i + chunk).map((c) => c.peerId);
          await host.call('listen', { roomId: room.roomId, peerIds, sinkPorts: sink.ports, suite });
        }
      } else {
        outputs = await host.call('publish', { kinds: ['video', 'audio'] });
        for (let i = 0; i < o.listeners; i += chunk) {
          await host.call('listen', { count: Math.min(chunk, o.listeners - i), sinkPorts: sink.ports, suite });
        }
      }
      return outputs;
    };
    const outputs = await within(setup(), bound.setupSeconds, `setting up ${o.listeners} listeners`);
    // Media starts once everyone is set up: on a busy machine a worker already
    // forwarding to hundreds answers set-up requests slowly.
    relay = await OfferRelay.open(outputs);
    ffmpeg = sendRtp(clip, relay.outputs);
    const setupSeconds = (performance.now() - t0) / 1000;
    log(`  ${o.target} ×${o.workers} worker(s), ${o.listeners} listeners (${suite}) set up in ${setupSeconds.toFixed(1)} s; measuring ${o.seconds} s`);
    await sleep(o.warmSeconds * 1000);
    // The window starts once every listener stream has arrived (ffmpeg starts
    // slowly on a busy machine), or after flowSeconds: a saturated worker may
    // never deliver some, and the window then counts them as missing.
    const streams = o.listeners * outputs.length;
    const flowEnd = performance.now() + bound.flowSeconds * 1000;
    while (sink.window().streams < streams && performance.now() < flowEnd) await sleep(100);
    lap(`${sink.window().streams}/${streams} streams flowing`);

    // The pids are known since start: a worker saturated by media may answer requests late.
    const workerGroups = Object.fromEntries(workerPids.map((pid, i) => [`w${i}`, [pid]]));
    const prod0 = await host.call<{ packets: number; lost: number }>('producerPackets', {}, bound.statsSeconds * 1000).catch(() => null);
    sink.startWindow();
    relay.startWindow();
    const drops0 = sink.kernelDrops();
    const cpu = await measureCpu({ ...workerGroups, server: [host.pid], generator: 'self', ffmpeg: ffmpeg.pid ? [ffmpeg.pid] : [] }, o.seconds * 1000);
    const seen = sink.window();
    const offered = relay.offered() * o.listeners;
    const generatorDrops = sink.kernelDrops() - drops0;
    lap('window over');
    // Stop the media before asking the worker for stats: an overloaded worker
    // answers its channel only once the flood stops. The in-loss is a ratio, so
    // the few packets after the window barely move it.
    await stop(ffmpeg);
    // Bounded: when the worker does not answer in time, the in-loss is unknown
    // (null) and the sink's figures still stand.
    const prod1 = prod0 ? await host.call<{ packets: number; lost: number }>('producerPackets', {}, bound.statsSeconds * 1000).catch(() => null) : null;
    const info1 = await host
      .call<{ workers: Array<{ pid: number; consumers: number }> }>('info', {}, bound.statsSeconds * 1000)
      .catch(() => ({ workers: workerPids.map((pid) => ({ pid, consumers: o.listeners * outputs.length })) }));
    lap(prod1 ? 'stats read' : 'stats not answered in time');

    // Loss on the way in (ffmpeg → worker, the worker's own count) and end to end (by the sink's sequence numbers).
    const inPackets = prod0 && prod1 ? prod1.packets - prod0.packets : 0;
    const inLoss = prod0 && prod1 ? (inPackets > 0 ? Math.max(0, prod1.lost - prod0.lost) / (inPackets + prod1.lost - prod0.lost) : 0) : null;
    // Of what ffmpeg offered in the window (× listeners), what the sink did not
    // get; or the sequence gaps it saw, whichever is larger.
    const expected = Math.max(seen.expected, offered);
    const outLoss = expected > 0 ? Math.max(0, 1 - seen.received / expected) : 1;
    // What the server lost: the sink's own socket drops left the server intact.
    const serverOutLoss = expected > 0 ? Math.max(0, 1 - (seen.received + generatorDrops) / expected) : 1;
    const streamsMissing = Math.max(0, o.listeners * outputs.length - seen.streams);
    const perWorker = info1.workers.map((w, i) => ({ cores: cpu.cores[`w${i}`]!, consumers: w.consumers }));
    return {
      target: o.target,
      workers: info1.workers.length,
      listeners: o.listeners,
      consumers: perWorker.reduce((s, w) => s + w.consumers, 0),
      windowSeconds: cpu.seconds,
      cpu: {
        mediasoupWorkers: perWorker.reduce((s, w) => s + w.cores, 0),
        serverProcess: cpu.cores.server!,
        generator: cpu.cores.generator!,
        ffmpeg: cpu.cores.ffmpeg!,
      },
      perWorker,
      packetsExpected: expected,
      packetsOffered: offered,
      packetsReceived: seen.received,
      producerPackets: inPackets,
      streamsMissing,
      // A stream that never arrived counts as all lost.
      // mediasoup keeps the producer's sequence gaps in each consumer's
      // numbering, so the sink's count already includes loss on the way in.
      loss: streamsMissing > 0 ? 1 : outLoss,
      inLoss,
      generatorDrops,
      serverLoss: streamsMissing > 0 ? 1 : serverOutLoss,
      setupSeconds,
      suite,
    };
  } finally {
    await stop(ffmpeg);
    lap('media stopped');
    for (const c of clients) c.close();
    await host.stop(workerPids, bound.stopSeconds * 1000);
    lap('host stopped');
    sink.close();
    relay?.close();
  }
}
