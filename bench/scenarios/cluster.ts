// Several nodes on Redis (a redis-server of its own on a loopback port, files
// in a temp dir), each node one aula process with one mediasoup worker.
//
// Nodes: rooms served by 3 nodes ÷ by 1. Rooms are added `step` at a time,
// each one publisher (video + audio from ffmpeg) and `listeners` listeners on
// SRTP PlainTransports, half of them connected through a node that relays
// their signalling; after each step every stream is measured. A room is served
// while all its streams arrive with < 1 % loss; the capacity is the largest
// count of rooms served before one was not. Rooms are placed by aula's own
// least-loaded placement, so with three nodes they spread over three workers.
//
// Relay: Join click → first decoded frame in Chromium, through a node that
// relays the socket to the room's node ÷ straight to the room's node,
// alternating, in one room with a Chromium teacher.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { joinThroughUi, launchChromium } from '../../tests/helpers/browser.js';
import { admin, freePort, nodeConfig, nodeSpec, sharedSecrets, spawnNode, TestRedis } from '../../tests/helpers/cluster.js';
import { Host } from '../lib/ipc.js';
import { sendRtp, stop, testClip, type RtpOutput } from '../lib/media-source.js';
import { BenchClient } from '../lib/signalling.js';
import { UdpSink } from '../lib/sink.js';
import { quantile } from '../lib/stats.js';
import { timeOneJoin } from './p3-join.js';
import { waitFor } from '../../tests/helpers/server.js';
import type { Figure } from '../report.js';

export interface NodesOptions {
  step: number;
  maxRooms: number;
  listeners: number;
  warmSeconds: number;
  seconds: number;
}
export interface NodesRun {
  nodes: number;
  /** Rooms served with every stream under 1 % loss, at the largest step that held. */
  roomsServed: number;
  /** Per step: rooms and how many of them were served. */
  steps: Array<{ rooms: number; served: number; worstLoss: number }>;
}
export interface NodesResult {
  one: NodesRun;
  three: NodesRun;
  listeners: number;
  ratio: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HOST = path.join(import.meta.dirname, '../lib/aula-host.ts');

async function servedBy(nodeCount: number, o: NodesOptions, log: (s: string) => void): Promise<NodesRun> {
  const redis = await TestRedis.start();
  const secrets = sharedSecrets();
  const hosts: Host[] = [];
  const urls: string[] = [];
  const clients: BenchClient[] = [];
  const ffmpegs: ChildProcess[] = [];
  const sink = await UdpSink.open(4);
  const clip = testClip({ videoKbps: 600, gop: 30 });
  const steps: NodesRun['steps'] = [];
  const rooms: Array<{ ssrcs: number[] }> = [];
  let serverKey: string | undefined;
  try {
    for (let i = 0; i < nodeCount; i++) {
      const host = Host.start(HOST);
      hosts.push(host);
      const id = `n${i + 1}`;
      const cluster = nodeConfig({ id, port: 0, adminPort: 0, internalPort: await freePort(), dataDir: '' }, redis.url, secrets).cluster;
      const started = await host.call<{ url: string; serverKey: string }>('start', {
        media: { workers: 1 },
        admin: { token: secrets.adminToken },
        ledger: { masterKey: secrets.masterKey },
        cluster: { ...cluster, publicUrl: undefined, heartbeatMs: 500, nodeTtlMs: 5000 },
        ...(serverKey ? { serverKey } : {}),
      });
      serverKey ??= started.serverKey;
      urls.push(started.url);
    }
    const state = (h: Host, roomId?: string) => h.call<{ alive: number; knows: boolean }>('clusterState', { roomId });
    await waitFor(async () => (await state(hosts[0]!)).alive === nodeCount, 60_000, 'every node registered');
    let served = 0;
    for (let count = o.step; count <= o.maxRooms; count += o.step) {
      for (let r = rooms.length; r < count; r++) {
        const room = await hosts[0]!.call<{ roomId: string; token: string; moderator: string }>('createRoom', {
          title: `Room ${r}`,
          maxParticipants: o.listeners + 1,
        });
        // The definition reaches every node (a hint over pub/sub).
        await waitFor(async () => (await Promise.all(hosts.map((h) => state(h, room.roomId)))).every((x) => x.knows), 30_000, 'room on every node');
        const teacher = await BenchClient.connect(urls[r % nodeCount]!, room.roomId);
        clients.push(teacher);
        await teacher.enter(room.roomId, room.moderator, 'Teacher');
        let owner: Host | undefined;
        for (const h of hosts) if ((await h.call<{ owns: boolean }>('owns', { roomId: room.roomId })).owns) owner = h;
        if (!owner) throw new Error('no node hosts the room');
        const outputs = await owner.call<RtpOutput[]>('publish', { roomId: room.roomId, peerId: teacher.peerId, kinds: ['video', 'audio'] });
        const peerIds: string[] = [];
        for (let l = 0; l < o.listeners; l++) {
          // Half of them through another node (relayed), as a load balancer would spread them.
          const c = await BenchClient.connect(urls[(r + l) % nodeCount]!, room.roomId);
          clients.push(c);
          await c.enter(room.roomId, room.token, `Listener ${l}`);
          peerIds.push(c.peerId);
        }
        const { ssrcs } = await owner.call<{ ssrcs: number[] }>('listen', { roomId: room.roomId, peerIds, sinkPorts: sink.ports });
        rooms.push({ ssrcs });
        ffmpegs.push(sendRtp(clip, outputs));
      }
      await sleep(o.warmSeconds * 1000);
      sink.startWindow();
      await sleep(o.seconds * 1000);
      const loss = sink.lossByStream();
      const perRoom = rooms.map((room) => Math.max(...room.ssrcs.map((s) => loss.get(s) ?? 1)));
      const ok = perRoom.filter((l) => l < 0.01).length;
      steps.push({ rooms: count, served: ok, worstLoss: Math.max(...perRoom) });
      log(`  ${nodeCount} node(s): ${count} rooms, ${ok} served (worst stream loss ${(Math.max(...perRoom) * 100).toFixed(2)} %)`);
      if (ok < count) break;
      served = count;
    }
    return { nodes: nodeCount, roomsServed: served, steps };
  } finally {
    for (const f of ffmpegs) await stop(f);
    for (const c of clients) c.close();
    for (const h of hosts) await h.stop();
    sink.close();
    await redis.kill();
  }
}

export async function runNodes(o: NodesOptions, log: (s: string) => void = () => undefined): Promise<NodesResult> {
  log(`Nodes: rooms of 1 publisher + ${o.listeners} listeners, added ${o.step} at a time up to ${o.maxRooms}`);
  const one = await servedBy(1, o, log);
  const three = await servedBy(3, o, log);
  return { one, three, listeners: o.listeners, ratio: one.roomsServed ? three.roomsServed / one.roomsServed : 0 };
}

export interface RelayJoinResult {
  joins: number;
  failed: number;
  directClickToFrameMs: { p50: number; p95: number };
  relayedClickToFrameMs: { p50: number; p95: number };
  ratio: number;
}

export async function runRelayJoin(o: { joins: number }, log: (s: string) => void = () => undefined): Promise<RelayJoinResult> {
  const redis = await TestRedis.start();
  const secrets = sharedSecrets();
  const procs: ChildProcess[] = [];
  let browser: Browser | undefined;
  try {
    const a = await nodeSpec('a');
    procs.push(await spawnNode(a, nodeConfig(a, redis.url, secrets, { signalling: { connectionsPerAddress: 1000 } })));
    const b = await nodeSpec('b', a.dataDir);
    procs.push(await spawnNode(b, nodeConfig(b, redis.url, secrets, { signalling: { connectionsPerAddress: 1000 } })));
    const baseOf = (id: string) => `http://127.0.0.1:${(id === 'a' ? a : b).port}`;
    const adminOf = (id: string) => `http://127.0.0.1:${(id === 'a' ? a : b).adminPort}`;
    await waitFor(
      async () => (await admin(adminOf('a'), secrets.adminToken, 'GET', '/nodes')).json.nodes.filter((n: { alive: boolean }) => n.alive).length === 2,
      60_000,
      'both nodes registered',
    );
    const created = (await admin(adminOf('a'), secrets.adminToken, 'POST', '/rooms', { title: 'Relay join', maxParticipants: 100 })).json;
    const pathOf = (link: string) => link.slice(link.indexOf('/r/'));
    browser = await launchChromium();
    const teacher = await joinThroughUi(browser, `${baseOf('a')}${pathOf(created.links.moderator)}`, 'Teacher');
    const teacherId: string = await teacher.evaluate(() => (window as any).aula.self);
    const home = (await admin(adminOf('b'), secrets.adminToken, 'GET', `/rooms/${created.room.id}`)).json.room.node as string;
    const other = home === 'a' ? 'b' : 'a';
    log(`  room homed on ${home}; joins alternate straight to ${home} and through ${other}`);
    const direct: number[] = [];
    const relayed: number[] = [];
    let failed = 0;
    for (let i = 0; i < o.joins * 2; i++) {
      const via = i % 2 === 0 ? home : other;
      try {
        const r = await timeOneJoin(browser, `${baseOf(via)}${pathOf(created.links.guest)}`, teacherId, i);
        (via === home ? direct : relayed).push(r.click);
      } catch (err) {
        failed++;
        log(`    join ${i} failed: ${(err as Error).message.split('\n')[0]}`);
      }
      await sleep(300);
    }
    const p50 = (xs: number[]) => quantile(xs, 0.5);
    return {
      joins: direct.length + relayed.length,
      failed,
      directClickToFrameMs: { p50: p50(direct), p95: quantile(direct, 0.95) },
      relayedClickToFrameMs: { p50: p50(relayed), p95: quantile(relayed, 0.95) },
      ratio: p50(direct) ? p50(relayed) / p50(direct) : 0,
    };
  } finally {
    await browser?.close();
    for (const p of procs) p.kill('SIGKILL');
    await redis.kill();
  }
}

/** The two several-nodes figures, when measured. */
export function clusterFigures(raw: { nodes?: NodesResult; relayJoin?: RelayJoinResult }, cores: number): Figure[] {
  const out: Figure[] = [];
  if (raw.nodes) {
    const n = raw.nodes;
    // Three nodes served every step: the ramp ended at --node-max-rooms, not at their limit.
    const capped = n.three.steps.every((s) => s.served === s.rooms);
    // One node served every step too: the ramp found no limit, so there is no ratio to report.
    const noLimit = capped && n.one.steps.every((s) => s.served === s.rooms);
    out.push({
      id: 'Nodes',
      name: `rooms served, 3 nodes vs 1 (1 worker each, ${n.listeners} listeners per room)`,
      result: noLimit
        ? `no limit reached: 1 and 3 nodes served all ${n.one.roomsServed} rooms offered (raise --node-max-rooms)`
        : `${capped ? '≥ ' : ''}${n.ratio.toFixed(2)}× (${n.one.roomsServed} → ${capped ? '≥ ' : ''}${n.three.roomsServed} rooms)`,
      target: `≥ 2.7× (on ${cores} cores three single-worker nodes share ${cores} cores: at most ${Math.min(3, cores)}×)`,
      met: n.ratio >= 2.7,
      cores,
      values: { ratio: Number(n.ratio.toFixed(2)), roomsOneNode: n.one.roomsServed, roomsThreeNodes: n.three.roomsServed },
      note: `${capped ? 'three nodes served every step up to --node-max-rooms (a lower bound); ' : ''}served = every stream of the room under 1 % loss; steps 1 node ${n.one.steps.map((s) => `${s.served}/${s.rooms}`).join(' ')}, 3 nodes ${n.three.steps.map((s) => `${s.served}/${s.rooms}`).join(' ')}; the ffmpeg senders and the sink run on the same cores`,
    });
  }
  if (raw.relayJoin) {
    const j = raw.relayJoin;
    out.push({
      id: 'Relay',
      name: 'Join click → first frame, through a relaying node vs straight',
      result: `${j.ratio.toFixed(2)}× (p50 ${j.relayedClickToFrameMs.p50.toFixed(0)} vs ${j.directClickToFrameMs.p50.toFixed(0)} ms)`,
      target: '≤ 1.2×',
      met: j.failed === 0 && j.ratio <= 1.2,
      cores,
      values: {
        ratio: Number(j.ratio.toFixed(2)),
        relayedP50: Math.round(j.relayedClickToFrameMs.p50),
        directP50: Math.round(j.directClickToFrameMs.p50),
        joins: j.joins,
        failed: j.failed,
      },
      note: `p95 relayed ${j.relayedClickToFrameMs.p95.toFixed(0)} ms, straight ${j.directClickToFrameMs.p95.toFixed(0)} ms; ${j.joins} joins alternating; media goes straight to the room's node either way`,
    });
  }
  return out;
}
