// Ledger: what the attendance ledger costs the signalling path. Two figures,
// each measured with the ledger off and on in the same run (alternating
// rounds, so the shared machine's drift hits both alike):
//  - churn: `clients` loops of hello → join → leave, as fast as the server
//    answers, spread over `rooms` rooms; joins+leaves per second, on ÷ off;
//    and the messages the server sent the churning clients per join or
//    leave (answers and the others' peerJoined/peerLeft): a join answered
//    only once durable keeps its person in the room longer in this loop, so
//    the others are told more (the ledger's cost shows up there too);
//  - paced: joins started at `rate` per second (each followed by its leave);
//    the server's event-loop delay meanwhile (perf_hooks monitorEventLoopDelay
//    in the server process), p99.
// Every join and leave is answered only once it is on disk (ledger on), so
// the loops measure durable throughput.
import path from 'node:path';
import { Host } from '../lib/ipc.js';
import { BenchClient } from '../lib/signalling.js';

export interface LedgerOptions {
  clients: number;
  rooms: number;
  seconds: number;
  /** Joins per second in the paced part. */
  rate: number;
  rounds: number;
}

interface Round {
  ledger: boolean;
  churnPerSecond: number;
  /** Messages the churning clients received per join or leave. */
  messagesPerOp: number;
  paced: { joinsPerSecond: number; loopDelayMs: { p50: number; p99: number; max: number; samples: number } };
  batches: number;
  events: number;
}

export interface LedgerResult {
  options: LedgerOptions;
  rounds: Round[];
}

type Room = { roomId: string; token: string };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One join and its leave on client `i`. A socket that happens to be between a
 * leave and its next hello when the server's hello deadline
 * (signalling.helloTimeoutSeconds after connecting) checks it is closed: then
 * the client connects again and the iteration does not count.
 */
async function once(url: string, clients: BenchClient[], room: Room, i: number, gone = { received: 0 }): Promise<boolean> {
  try {
    await clients[i]!.enter(room.roomId, room.token, `Bench ${i}`);
    await clients[i]!.request('leave', {});
    return true;
  } catch (err) {
    if ((err as Error).message !== 'connection closed') throw err;
    gone.received += clients[i]!.received;
    clients[i] = await BenchClient.connect(url);
    return false;
  }
}

async function round(ledger: boolean, o: LedgerOptions, log: (s: string) => void): Promise<Round> {
  const host = Host.start(path.join(import.meta.dirname, '../lib/aula-host.ts'));
  const clients: BenchClient[] = [];
  try {
    const { url } = await host.call<{ url: string }>('start', { media: { workers: 1 }, ledger: { enabled: ledger } });
    const rooms: Room[] = [];
    for (let r = 0; r < o.rooms; r++) rooms.push(await host.call('createRoom', { title: `Ledger ${r}`, maxParticipants: 1000 }));
    for (let i = 0; i < o.clients; i++) clients.push(await BenchClient.connect(url));

    // Churn: every client loops as fast as it is answered.
    let done = 0;
    const gone = { received: 0 }; // what replaced clients had received
    const received = () => clients.reduce((n, c) => n + c.received, gone.received);
    const before = received();
    const until = performance.now() + o.seconds * 1000;
    const t0 = performance.now();
    await Promise.all(
      clients.map(async (_, i) => {
        while (performance.now() < until) if (await once(url, clients, rooms[i % rooms.length]!, i, gone)) done++;
      }),
    );
    const churnPerSecond = (2 * done) / ((performance.now() - t0) / 1000);
    const messagesPerOp = (received() - before) / Math.max(1, 2 * done);

    // Paced: `rate` joins per second, each on an idle client; the server's loop delay meanwhile.
    const idle = [...clients.keys()];
    let started = 0;
    const inFlight: Promise<void>[] = [];
    await host.call('loopDelay', { action: 'start' });
    const p0 = performance.now();
    const end = p0 + o.seconds * 1000;
    for (let k = 0; performance.now() < end; k++) {
      const due = p0 + (k * 1000) / o.rate;
      if (due > performance.now()) await sleep(due - performance.now());
      const i = idle.shift();
      if (i === undefined) continue; // every client busy: the server is behind; counted by the achieved rate
      started++;
      inFlight.push(
        once(url, clients, rooms[i % rooms.length]!, i)
          .then(() => undefined)
          .finally(() => idle.push(i)),
      );
    }
    await Promise.all(inFlight);
    const joinsPerSecond = started / ((performance.now() - p0) / 1000);
    const loopDelayMs = await host.call<Round['paced']['loopDelayMs']>('loopDelay', { action: 'stop' });
    const stats = await host.call<{ batches: number; events: number }>('ledgerStats');
    const r: Round = { ledger, churnPerSecond, messagesPerOp, paced: { joinsPerSecond, loopDelayMs }, ...stats };
    log(
      `  ledger ${ledger ? 'on ' : 'off'}: ${churnPerSecond.toFixed(0)} joins+leaves/s, ${messagesPerOp.toFixed(2)} messages each; at ${joinsPerSecond.toFixed(0)} joins/s loop delay p99 ${loopDelayMs.p99.toFixed(1)} ms; ${stats.events} events in ${stats.batches} batches`,
    );
    return r;
  } finally {
    for (const c of clients) c.close();
    await host.stop();
  }
}

export async function runLedger(o: LedgerOptions, log: (s: string) => void = () => undefined): Promise<LedgerResult> {
  const rounds: Round[] = [];
  for (let r = 0; r < o.rounds; r++) {
    rounds.push(await round(false, o, log));
    rounds.push(await round(true, o, log));
  }
  return { options: o, rounds };
}
