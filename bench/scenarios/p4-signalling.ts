// P4: many signalling-only participants (real protocol, no media) spread over
// rooms; one big room's chat fan-out latency (send → every other member's
// chatMessage, same clock) and the server's memory.
import path from 'node:path';
import { cpuSeconds, rssBytes } from '../lib/cpu.js';
import { Host } from '../lib/ipc.js';
import { type BenchClient, joinMany } from '../lib/signalling.js';
import { quantile } from '../lib/stats.js';

export interface SignallingOptions {
  participants: number;
  rooms: number;
  bigRoom: number;
  messages: number;
}

export interface SignallingResult {
  participants: number;
  rooms: number;
  bigRoom: number;
  messages: number;
  deliveries: number;
  missing: number;
  chatFanoutMs: { p50: number; p95: number; max: number };
  joinSeconds: number;
  serverRssMB: { before: number; after: number; workersMB: number };
  cpuCores: { server: number; generator: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MB = 1024 * 1024;

export async function runSignalling(o: SignallingOptions, log: (s: string) => void = () => undefined): Promise<SignallingResult> {
  const host = Host.start(path.join(import.meta.dirname, '../lib/aula-host.ts'));
  let clients: BenchClient[] = [];
  try {
    const started = await host.call<{ url: string; workers: number[] }>('start', { media: { workers: 1 } });
    const rooms: Array<{ roomId: string; token: string }> = [];
    for (let r = 0; r < o.rooms; r++) rooms.push(await host.call('createRoom', { title: `Room ${r}`, maxParticipants: 1000 }));
    await sleep(500);
    const rssBefore = rssBytes(host.pid);
    // Room 0 gets bigRoom people; the rest are dealt round-robin over the other rooms.
    const roomOf = (i: number) => (i < o.bigRoom || o.rooms === 1 ? 0 : 1 + ((i - o.bigRoom) % (o.rooms - 1)));
    const t0 = performance.now();
    clients = await joinMany(started.url, o.participants, (i) => rooms[roomOf(i)]!, 20);
    const joinSeconds = (performance.now() - t0) / 1000;
    log(`  ${o.participants} participants joined ${o.rooms} rooms in ${joinSeconds.toFixed(1)} s; ${o.messages} chat messages to the room of ${o.bigRoom}`);

    const big = clients.filter((_, i) => roomOf(i) === 0);
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    for (const c of big) {
      c.on('chatMessage', (m: { text: string; peerId: string }) => {
        const at = sentAt.get(m.text);
        if (at !== undefined && m.peerId !== c.peerId) latencies.push(performance.now() - at);
      });
    }
    const senders = big.slice(0, Math.min(10, big.length));
    const cpu0 = { server: cpuSeconds(host.pid), generator: process.cpuUsage() };
    const c0 = performance.now();
    for (let m = 0; m < o.messages; m++) {
      const text = `bench message ${m}`;
      sentAt.set(text, performance.now());
      // Ten senders in turn: each stays within the chat limit of one message a second.
      void senders[m % senders.length]!.request('sendChat', { text }).catch((err) => log(`    chat ${m}: ${err.message}`));
      await sleep(100);
    }
    const expected = o.messages * (big.length - 1);
    const deadline = performance.now() + 10_000;
    while (latencies.length < expected && performance.now() < deadline) await sleep(50);
    const wall = (performance.now() - c0) / 1000;
    const gen = process.cpuUsage(cpu0.generator);
    const info = await host.call<{ rss: number; workers: Array<{ pid: number }> }>('info');
    return {
      participants: clients.length,
      rooms: o.rooms,
      bigRoom: big.length,
      messages: o.messages,
      deliveries: latencies.length,
      missing: expected - latencies.length,
      chatFanoutMs: { p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95), max: quantile(latencies, 1) },
      joinSeconds,
      serverRssMB: {
        before: rssBefore / MB,
        after: info.rss / MB,
        workersMB: info.workers.reduce((s, w) => s + rssBytes(w.pid), 0) / MB,
      },
      cpuCores: { server: (cpuSeconds(host.pid) - cpu0.server) / wall, generator: (gen.user + gen.system) / 1e6 / wall },
    };
  } finally {
    for (const c of clients) c?.close();
    await host.stop();
  }
}
