// npm run bench: runs the figures (P1 overhead, P2 fan-out, P3 join time,
// P4 signalling scale, Scaling, Ledger), prints one table and writes JSON to
// bench/results/. Every count and duration is a flag; see bench/README.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { version as mediasoupVersion } from 'mediasoup';
import { buildFigures, printTable, type BenchReport } from './report.js';
import { SUITES, type Suite } from './lib/plain-media.js';
import { runFanout, type FanoutOptions, type FanoutResult } from './scenarios/fanout.js';
import { runKnee } from './scenarios/knee.js';
import { runJoin } from './scenarios/p3-join.js';
import { runLedger } from './scenarios/ledger.js';
import { runSignalling } from './scenarios/p4-signalling.js';
import { runNodes, runRelayJoin } from './scenarios/cluster.js';

const ALL = ['p1', 'p2', 'p3', 'p4', 'scaling', 'ledger', 'nodes', 'relay'] as const;
type Figure = (typeof ALL)[number];

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: ALL.join(',') },
    smoke: { type: 'boolean', default: false },
    listeners: { type: 'string' },
    seconds: { type: 'string' },
    warm: { type: 'string' },
    rounds: { type: 'string' },
    'video-kbps': { type: 'string' },
    joins: { type: 'string' },
    'room-size': { type: 'string' },
    participants: { type: 'string' },
    rooms: { type: 'string' },
    'big-room': { type: 'string' },
    messages: { type: 'string' },
    workers: { type: 'string' },
    suites: { type: 'string' },
    'knee-from': { type: 'string' },
    'knee-step': { type: 'string' },
    'knee-max': { type: 'string' },
    'knee-confirm': { type: 'string' },
    'node-step': { type: 'string' },
    'node-max-rooms': { type: 'string' },
    'node-listeners': { type: 'string' },
    'relay-joins': { type: 'string' },
    'ledger-clients': { type: 'string' },
    'ledger-rate': { type: 'string' },
    out: { type: 'string' },
    quiet: { type: 'boolean', default: false },
  },
});

// Flags win over AULA_BENCH_* environment variables, which win over the defaults (smoke: tiny counts).
const num = (flag: string, full: number, smoke: number): number => {
  const raw = (values as Record<string, unknown>)[flag] ?? process.env[`AULA_BENCH_${flag.toUpperCase().replace(/-/g, '_')}`];
  const n = raw === undefined ? (values.smoke ? smoke : full) : Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${flag} must be a number`);
  return n;
};

const only = new Set(values.only.split(',').map((s) => s.trim().toLowerCase()) as Figure[]);
for (const f of only) if (!ALL.includes(f)) throw new Error(`--only: unknown figure ${f} (one of ${ALL.join(', ')})`);
const cores = os.cpus().length;
const log = (s: string) => {
  if (!values.quiet) process.stderr.write(`${s}\n`);
};

const given = (flag: string) =>
  (values as Record<string, unknown>)[flag] !== undefined || process.env[`AULA_BENCH_${flag.toUpperCase().replace(/-/g, '_')}`] !== undefined;
const suites = (values.suites ?? process.env.AULA_BENCH_SUITES ?? SUITES.join(',')).split(',').map((x) => x.trim()) as Suite[];
for (const x of suites) if (!SUITES.includes(x)) throw new Error(`--suites: unknown SRTP suite ${x} (one of ${SUITES.join(', ')})`);

const opts = {
  listeners: num('listeners', 200, 4),
  seconds: num('seconds', 10, 2),
  warm: num('warm', 3, 1),
  rounds: num('rounds', 2, 1),
  videoKbps: num('video-kbps', 600, 600),
  joins: num('joins', 20, 2),
  roomSize: num('room-size', 10, 3),
  participants: num('participants', 1000, 30),
  rooms: num('rooms', 20, 3),
  bigRoom: num('big-room', 200, 10),
  messages: num('messages', 40, 3),
  workers: num('workers', cores, Math.min(cores, 2)),
  suites,
  kneeFrom: num('knee-from', 200, 2),
  kneeStep: num('knee-step', 100, 2),
  // P2 steps up to --knee-max; a given --listeners is the top of the sweep too.
  kneeMax: given('knee-max') ? num('knee-max', 800, 4) : given('listeners') ? num('listeners', 200, 4) : values.smoke ? 4 : 800,
  // A lossy window is measured again this many times at most; the step takes the median.
  kneeConfirm: num('knee-confirm', 2, 0),
  nodeStep: num('node-step', 2, 1),
  nodeMaxRooms: num('node-max-rooms', 30, 2),
  nodeListeners: num('node-listeners', 20, 2),
  relayJoins: num('relay-joins', 10, 1),
  ledgerClients: num('ledger-clients', 50, 3),
  ledgerRate: num('ledger-rate', 50, 5),
};

export async function main(): Promise<BenchReport> {
  const started = new Date();
  const load = os.loadavg();
  const fan = (target: 'aula' | 'bare', workers: number, consumersPerWorker?: number): Promise<FanoutResult> => {
    const o: FanoutOptions = {
      target,
      workers,
      listeners: opts.listeners,
      consumersPerWorker,
      warmSeconds: opts.warm,
      seconds: opts.seconds,
      videoKbps: opts.videoKbps,
      suite: opts.suites[0],
    };
    return runFanout(o, log);
  };
  const raw: BenchReport['raw'] = {};
  if (only.has('p1') || only.has('scaling')) {
    raw.bare = [];
    raw.aula1 = [];
    // Alternating rounds, so that the shared machine's drift hits both alike.
    for (let r = 0; r < opts.rounds; r++) {
      if (only.has('p1')) {
        log(`fan-out round ${r + 1}/${opts.rounds}: bare mediasoup`);
        raw.bare.push(await fan('bare', 1));
      }
      log(`fan-out round ${r + 1}/${opts.rounds}: aula, 1 worker`);
      raw.aula1.push(await fan('aula', 1));
    }
  }
  if (only.has('p2')) {
    raw.knee = [];
    for (const suite of opts.suites) {
      log(`P2: knee, ${opts.kneeFrom} to ${opts.kneeMax} listeners in steps of ${opts.kneeStep}, ${suite}`);
      raw.knee.push(
        await runKnee(
          {
            from: opts.kneeFrom,
            step: opts.kneeStep,
            max: opts.kneeMax,
            confirm: opts.kneeConfirm,
            suite,
            warmSeconds: opts.warm,
            seconds: opts.seconds,
            videoKbps: opts.videoKbps,
          },
          log,
        ),
      );
    }
  }
  if (only.has('scaling')) {
    // Spread the one room evenly: each worker takes its share of consumers, then the next.
    const perWorker = Math.ceil((opts.listeners * 2) / opts.workers);
    log(`scaling: aula, ${opts.workers} workers, one room spread with consumersPerWorker=${perWorker}`);
    raw.aulaAll = await fan('aula', opts.workers, perWorker);
  }
  if (only.has('p3')) {
    log(`P3: ${opts.joins} Chromium joins into a room of ${opts.roomSize}`);
    raw.join = await runJoin({ joins: opts.joins, roomSize: opts.roomSize }, log);
  }
  if (only.has('p4')) {
    log(`P4: ${opts.participants} signalling participants in ${opts.rooms} rooms`);
    raw.signalling = await runSignalling({ participants: opts.participants, rooms: opts.rooms, bigRoom: opts.bigRoom, messages: opts.messages }, log);
  }
  if (only.has('nodes')) {
    raw.nodes = await runNodes(
      { step: opts.nodeStep, maxRooms: opts.nodeMaxRooms, listeners: opts.nodeListeners, warmSeconds: opts.warm, seconds: opts.seconds },
      log,
    );
  }
  if (only.has('relay')) {
    log(`Relay: ${opts.relayJoins} Chromium joins straight to the room's node and as many through another node`);
    raw.relayJoin = await runRelayJoin({ joins: opts.relayJoins }, log);
  }
  if (only.has('ledger')) {
    log(`Ledger: ${opts.ledgerClients} clients churning, then ${opts.ledgerRate} joins/s; ledger off and on`);
    raw.ledger = await runLedger(
      {
        clients: opts.ledgerClients,
        rooms: Math.max(1, Math.ceil(opts.ledgerClients / 10)),
        seconds: opts.seconds,
        rate: opts.ledgerRate,
        rounds: opts.rounds,
      },
      log,
    );
  }
  const report: BenchReport = {
    machine: {
      cores,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGB: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
      node: process.version,
      mediasoup: mediasoupVersion,
      loadAverageAtStart: load.map((x) => Number(x.toFixed(2))),
      loadAverageAtEnd: os.loadavg().map((x) => Number(x.toFixed(2))),
    },
    startedAt: started.toISOString(),
    durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
    options: { ...opts, smoke: values.smoke, only: [...only] },
    figures: [],
    raw,
  };
  report.figures = buildFigures(report);
  const out = values.out ?? path.join(import.meta.dirname, 'results', `bench-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(printTable(report));
  process.stdout.write(`\nJSON: ${path.relative(process.cwd(), out)}\n`);
  return report;
}

await main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench failed: ${(err as Error).stack}\n`);
    process.exit(1);
  },
);
