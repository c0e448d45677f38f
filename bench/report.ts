// Turns the scenario results into the five figures, each with its target,
// and prints them as one table.
import type { FanoutResult } from './scenarios/fanout.js';
import type { KneeResult } from './scenarios/knee.js';
import type { JoinResult } from './scenarios/p3-join.js';
import type { LedgerResult } from './scenarios/ledger.js';
import type { SignallingResult } from './scenarios/p4-signalling.js';
import { round } from './lib/stats.js';
import { clusterFigures, type NodesResult, type RelayJoinResult } from './scenarios/cluster.js';

export interface Figure {
  id: 'P1' | 'P2' | 'P3' | 'P4' | 'Scaling' | 'Ledger' | 'Nodes' | 'Relay';
  name: string;
  result: string;
  target: string;
  /** null: not measured in this run. */
  met: boolean | null;
  cores: number;
  values: Record<string, number>;
  note: string;
}

export interface BenchReport {
  machine: { cores: number; cpuModel: string; memoryGB: number; node: string; mediasoup: string; loadAverageAtStart: number[]; loadAverageAtEnd: number[] };
  startedAt: string;
  durationSeconds: number;
  options: Record<string, unknown>;
  figures: Figure[];
  raw: {
    bare?: FanoutResult[];
    aula1?: FanoutResult[];
    aulaAll?: FanoutResult;
    knee?: KneeResult[];
    join?: JoinResult;
    signalling?: SignallingResult;
    ledger?: LedgerResult;
    /** Several nodes (bench/scenarios/cluster.ts). */
    nodes?: NodesResult;
    relayJoin?: RelayJoinResult;
  };
}

/** Loss at the server: sequence gaps the sink saw, less the sink sockets' own drops. */
const serverLoss = (r: FanoutResult) =>
  r.streamsMissing > 0 ? 1 : r.packetsExpected > 0 ? Math.max(0, 1 - (r.packetsReceived + (r.generatorDrops ?? 0)) / r.packetsExpected) : 1;
const endToEndLoss = (r: FanoutResult) => (r.streamsMissing > 0 ? 1 : r.packetsExpected > 0 ? 1 - r.packetsReceived / r.packetsExpected : 1);
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
/** Server CPU (worker + its Node process) per forwarded stream (consumer), in cores. */
const perStream = (r: FanoutResult) => (r.cpu.mediasoupWorkers + r.cpu.serverProcess) / r.consumers;
/** Listeners the setup serves before its busiest worker reaches 100 % of a core. */
const capacity = (r: FanoutResult) => r.listeners / Math.max(...r.perWorker.map((w) => w.cores));
const generatorNote = (rs: FanoutResult[]) =>
  `generator ${mean(rs.map((r) => r.cpu.generator)).toFixed(2)} + ffmpeg ${mean(rs.map((r) => r.cpu.ffmpeg)).toFixed(2)} cores, measured apart`;

export function buildFigures(report: BenchReport): Figure[] {
  const { raw } = report;
  const cores = report.machine.cores;
  const figures: Figure[] = [];
  if (raw.bare?.length && raw.aula1?.length) {
    const aula = mean(raw.aula1.map(perStream));
    const bare = mean(raw.bare.map(perStream));
    const workerOnly = mean(raw.aula1.map((r) => r.cpu.mediasoupWorkers / r.consumers)) / mean(raw.bare.map((r) => r.cpu.mediasoupWorkers / r.consumers));
    const ratio = aula / bare;
    figures.push({
      id: 'P1',
      name: 'overhead vs bare mediasoup',
      result: `${ratio.toFixed(3)}× (${(aula * 1e6).toFixed(0)} vs ${(bare * 1e6).toFixed(0)} µs CPU/s per stream)`,
      target: '≤ 1.05×',
      met: ratio <= 1.05,
      cores,
      values: { ratio: round(ratio, 3), workerOnlyRatio: round(workerOnly, 3), aulaCoresPerStream: aula, bareCoresPerStream: bare, rounds: raw.aula1.length },
      note: `worker-only ratio ${workerOnly.toFixed(3)}; ${raw.aula1[0]!.consumers} streams; ${generatorNote(raw.aula1)}`,
    });
  }
  if (raw.knee?.length) {
    figures.push(kneeFigure(raw.knee, cores));
  }
  if (raw.join) {
    const j = raw.join;
    figures.push({
      id: 'P3',
      name: `Chromium join into a room of ${j.roomSize}`,
      result: `p50 ${j.openToFrameMs.p50.toFixed(0)} ms, p95 ${j.openToFrameMs.p95.toFixed(0)} ms (${j.joins} joins${j.failed ? `, ${j.failed} failed` : ''})`,
      target: 'p50 < 300 ms, p95 < 600 ms',
      met: j.failed === 0 && j.openToFrameMs.p50 < 300 && j.openToFrameMs.p95 < 600,
      cores,
      values: {
        p50: round(j.openToFrameMs.p50, 0),
        p95: round(j.openToFrameMs.p95, 0),
        clickP50: round(j.clickToFrameMs.p50, 0),
        clickP95: round(j.clickToFrameMs.p95, 0),
        joins: j.joins,
        failed: j.failed,
      },
      note: `page open → first decoded frame; from the Join click: p50 ${j.clickToFrameMs.p50.toFixed(0)}, p95 ${j.clickToFrameMs.p95.toFixed(0)} ms; Chromium runs on the same cores`,
    });
  }
  if (raw.signalling) {
    const s = raw.signalling;
    figures.push({
      id: 'P4',
      name: `${s.participants} signalling participants, ${s.rooms} rooms`,
      result: `chat to ${s.bigRoom}: p50 ${s.chatFanoutMs.p50.toFixed(1)} ms, p95 ${s.chatFanoutMs.p95.toFixed(1)} ms; RSS ${s.serverRssMB.after.toFixed(0)} MB`,
      target: 'p95 < 50 ms, RSS < 300 MB',
      met: s.missing === 0 && s.chatFanoutMs.p95 < 50 && s.serverRssMB.after < 300,
      cores,
      values: {
        p50: round(s.chatFanoutMs.p50, 1),
        p95: round(s.chatFanoutMs.p95, 1),
        rssMB: round(s.serverRssMB.after, 0),
        rssBeforeMB: round(s.serverRssMB.before, 0),
        missing: s.missing,
      },
      note: `RSS of the server process (${s.serverRssMB.before.toFixed(0)} MB before the participants; workers ${s.serverRssMB.workersMB.toFixed(0)} MB more); ${s.deliveries} deliveries; joins took ${s.joinSeconds.toFixed(1)} s; generator ${s.cpuCores.generator.toFixed(2)} cores`,
    });
  }
  if (raw.aula1?.length && raw.aulaAll) {
    const one = mean(raw.aula1.map(capacity));
    const all = capacity(raw.aulaAll);
    const ratio = all / one;
    figures.push({
      id: 'Scaling',
      name: `1 worker vs ${raw.aulaAll.workers} workers, one room`,
      result: `${ratio.toFixed(2)}× (${one.toFixed(0)} → ${all.toFixed(0)} listeners projected)`,
      target: `≥ 1.8× on 2 cores`,
      met: ratio >= 1.8,
      cores,
      values: {
        ratio: round(ratio, 2),
        capacityOneWorker: round(one, 0),
        capacityAllWorkers: round(all, 0),
        workers: raw.aulaAll.workers,
        lossAll: serverLoss(raw.aulaAll),
        endToEndLossAll: endToEndLoss(raw.aulaAll),
      },
      note: `busiest worker decides; consumers per worker ${raw.aulaAll.perWorker.map((w) => w.consumers).join('/')} (pipe consumers included); loss at the server ${pct(serverLoss(raw.aulaAll))}, end to end ${pct(endToEndLoss(raw.aulaAll))}`,
    });
  }
  if (raw.ledger?.rounds.length) {
    const on = raw.ledger.rounds.filter((r) => r.ledger);
    const off = raw.ledger.rounds.filter((r) => !r.ledger);
    const ratio = mean(on.map((r) => r.churnPerSecond)) / mean(off.map((r) => r.churnPerSecond));
    const p99 = Math.max(...on.map((r) => r.paced.loopDelayMs.p99));
    const p99Off = Math.max(...off.map((r) => r.paced.loopDelayMs.p99));
    const rate = Math.min(...on.map((r) => r.paced.joinsPerSecond));
    const perBatch =
      on.reduce((s, r) => s + r.events, 0) /
      Math.max(
        1,
        on.reduce((s, r) => s + r.batches, 0),
      );
    figures.push({
      id: 'Ledger',
      name: 'attendance ledger on the signalling path',
      result: `churn ${ratio.toFixed(2)}× with the ledger (${mean(on.map((r) => r.churnPerSecond)).toFixed(0)} vs ${mean(off.map((r) => r.churnPerSecond)).toFixed(0)} joins+leaves/s); loop delay p99 ${p99.toFixed(1)} ms at ${rate.toFixed(0)} joins/s`,
      target: '≥ 0.8×, p99 < 20 ms at 50 joins/s',
      met: raw.ledger.options.rate >= 50 && ratio >= 0.8 && p99 < 20 && rate >= 0.95 * raw.ledger.options.rate,
      cores,
      values: {
        ratio: round(ratio, 2),
        p99Ms: round(p99, 1),
        p99OffMs: round(p99Off, 1),
        joinsPerSecond: round(rate, 1),
        eventsPerBatch: round(perBatch, 1),
        messagesPerOpOn: round(mean(on.map((r) => r.messagesPerOp ?? 0)), 2),
        messagesPerOpOff: round(mean(off.map((r) => r.messagesPerOp ?? 0)), 2),
        rounds: on.length,
      },
      note: `${raw.ledger.options.clients} clients looping hello/join/leave over ${raw.ledger.options.rooms} rooms; loop delay measured in the server process (ledger off: p99 ${p99Off.toFixed(1)} ms); ${perBatch.toFixed(1)} events per fsync'd batch; messages to the churning clients per join or leave ${mean(on.map((r) => r.messagesPerOp ?? 0)).toFixed(2)} on, ${mean(off.map((r) => r.messagesPerOp ?? 0)).toFixed(2)} off`,
    });
  }
  figures.push(...clusterFigures(raw, cores));
  return figures;
}

const kneeText = (k: KneeResult, t: 'aula' | 'bare') => `${k.open[t] ? '≥ ' : ''}${k.knee[t]}`;

/** P2 from the knee sweeps: the first suite decides; the others are in the note. */
function kneeFigure(knees: KneeResult[], cores: number): Figure {
  const k = knees[0]!;
  const ratio = k.knee.bare > 0 ? k.knee.aula / k.knee.bare : 0;
  // The CPU projection beside it, from aula's largest passing step (else its first).
  const aulaSteps = k.steps.filter((s) => s.target === 'aula' && s.result);
  const at = aulaSteps.filter((s) => s.listeners === k.knee.aula)[0] ?? aulaSteps[0];
  const workerCores = at?.result ? at.result.cpu.mediasoupWorkers : 0;
  const perCore = at && workerCores > 0 ? at.listeners / workerCores : 0;
  const steps = (x: KneeResult) =>
    x.steps
      .map(
        (s) =>
          `${s.target} ${s.listeners}: ${s.result ? `${(s.loss * 100).toFixed(2)} %` : 'timed out'}${s.result && s.failed ? ' (generator-limited)' : ''}` +
          (s.windows && s.windows.length > 1 ? ` (median of ${s.windows.map((w) => (w * 100).toFixed(2)).join(', ')} %)` : ''),
      )
      .join(', ');
  const others = knees.slice(1).map((x) => `${x.suite}: knee aula ${kneeText(x, 'aula')}, bare ${kneeText(x, 'bare')} (${steps(x)})`);
  return {
    id: 'P2',
    name: 'classroom fan-out knee, 1 → N, 1 worker',
    result: `knee ${kneeText(k, 'aula')} listeners (bare mediasoup ${kneeText(k, 'bare')}, ${ratio.toFixed(2)}×), ${k.suite}; ${perCore.toFixed(0)}/core projected`,
    target: '≥ 600 listeners at < 1 % loss',
    met: k.knee.aula >= 600,
    cores,
    values: {
      kneeAula: k.knee.aula,
      kneeBare: k.knee.bare,
      ratio: round(ratio, 2),
      listenersPerCore: round(perCore, 0),
      workerCoresAtKnee: round(workerCores, 3),
      ...Object.fromEntries(
        knees.slice(1).flatMap((x) => [
          [`kneeAula_${x.suite}`, x.knee.aula],
          [`kneeBare_${x.suite}`, x.knee.bare],
        ]),
      ),
    },
    note: [
      `${k.suite} loss at the server per step: ${steps(k)}`,
      ...others,
      at?.result ? `worker at ${(workerCores * 100).toFixed(0)} % of a core at ${at.listeners}; ${generatorNote([at.result])}` : 'no step measured',
    ].join('; '),
  };
}

export function printTable(report: BenchReport): string {
  const m = report.machine;
  const rows = [['figure', 'result', 'target', 'met'], ...report.figures.map((f) => [f.id, f.result, f.target, f.met === null ? '–' : f.met ? 'yes' : 'NO'])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const out = [
    `aula bench — ${m.cores} cores (${m.cpuModel}), ${m.memoryGB} GB, node ${m.node}, mediasoup ${m.mediasoup}`,
    `load average at start ${m.loadAverageAtStart.join(' ')}, at end ${m.loadAverageAtEnd.join(' ')}; ${report.durationSeconds} s`,
    '',
    line(rows[0]!),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.slice(1).map(line),
    '',
    ...report.figures.map((f) => `${f.id}: ${f.note}`),
  ];
  return `${out.join('\n')}\n`;
}
