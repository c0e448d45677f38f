// P2's knee: the largest listener count at which one worker still forwards
// with < 1 % loss, measured by stepping the fan-out up (200, 300, …), for aula
// and for the bare mediasoup harness in the same run, per SRTP suite. A target
// stops stepping at its first lossy step; a step that runs out of its time
// bound (a saturated worker) counts as lossy and is reported as such.
//
// Near the limit one 10 s window on a shared 2-core machine is decided by
// whatever else ran in it (loss is not monotonic in N), so a lossy window is
// measured again (`confirm` more windows) and the step's loss is the median:
// the knee is where loss persists, not where it first flickered. Every
// window's loss is kept in the step.
import type { Suite } from '../lib/plain-media.js';
import { BenchTimeout, runFanout, type FanoutOptions, type FanoutResult } from './fanout.js';

export const KNEE_LOSS = 0.01;

export interface KneeStep {
  listeners: number;
  target: 'aula' | 'bare';
  /** Loss at the server (the generator's own sink drops excluded); 1 when the step timed out. */
  loss: number;
  /** Why the step does not count: it ran out of its time bound, or the generator could not keep up. */
  failed?: string;
  result?: FanoutResult;
  /** The loss of each window measured at this step, in order (more than one: a lossy window was confirmed). */
  windows: number[];
}

export interface KneeResult {
  suite: Suite;
  steps: KneeStep[];
  /** Largest passing step per target; 0: not even the first step passed. */
  knee: { aula: number; bare: number };
  /** True when the largest step tried still passed: the knee lies above it. */
  open: { aula: boolean; bare: boolean };
}

export interface KneeOptions extends Omit<FanoutOptions, 'target' | 'listeners' | 'workers' | 'suite'> {
  from: number;
  step: number;
  max: number;
  suite: Suite;
  /** Further windows measured when a step's window is lossy; the step takes the median (default 0). */
  confirm?: number;
}

/** Loss at the server: sequence gaps the sink saw, less the sink sockets' own drops. */
export const serverLossOf = (r: FanoutResult): number => r.serverLoss;

/**
 * A step whose generator dropped ≥ 1 % of the packets at its own sink sockets
 * says nothing about the server (on a busy machine the generator may be the
 * slowest part): it does not count as passing.
 */
export function inconclusive(r: FanoutResult): string | undefined {
  const share = r.packetsExpected > 0 ? r.generatorDrops / r.packetsExpected : 0;
  return share >= KNEE_LOSS ? `inconclusive: the generator dropped ${(share * 100).toFixed(1)} % at its own sockets` : undefined;
}

export function kneeCounts(from: number, step: number, max: number): number[] {
  const counts: number[] = [];
  for (let n = from; n <= max; n += Math.max(1, step)) counts.push(n);
  if (counts.length === 0) counts.push(max);
  return counts;
}

type Measure = (o: FanoutOptions, log: (s: string) => void) => Promise<FanoutResult>;
type Window = Omit<KneeStep, 'listeners' | 'target' | 'windows'>;

const lossy = (w: Window) => w.loss >= KNEE_LOSS || w.failed !== undefined;

/** `measure`: the fan-out (a stand-in in the unit test of the confirmation). */
export async function runKnee(o: KneeOptions, log: (s: string) => void = () => undefined, measure: Measure = runFanout): Promise<KneeResult> {
  const steps: KneeStep[] = [];
  const knee = { aula: 0, bare: 0 };
  const done = { aula: false, bare: false };
  const counts = kneeCounts(o.from, o.step, o.max);
  const confirm = o.confirm ?? 0;
  const window = async (target: 'aula' | 'bare', listeners: number): Promise<Window> => {
    try {
      const result = await measure({ ...o, target, listeners, workers: 1 }, log);
      return { loss: serverLossOf(result), result, failed: inconclusive(result) };
    } catch (err) {
      if (!(err instanceof BenchTimeout)) throw err;
      log(`    ${err.message}`);
      return { loss: 1, failed: err.message };
    }
  };
  for (const listeners of counts) {
    // Alternate the targets at each count, so that the shared machine's drift hits both alike.
    for (const target of ['aula', 'bare'] as const) {
      if (done[target]) continue;
      log(`P2 knee (${o.suite}): ${target}, ${listeners} listeners`);
      const windows: Window[] = [await window(target, listeners)];
      log(`    loss at the server ${(windows[0]!.loss * 100).toFixed(2)} %${windows[0]!.failed ? `; ${windows[0]!.failed}` : ''}`);
      // A lossy window is measured again until most windows agree, or `confirm` more were taken.
      const majority = Math.floor((confirm + 1) / 2) + 1;
      const count = (bad: boolean) => windows.filter((w) => lossy(w) === bad).length;
      while (count(true) > 0 && windows.length <= confirm && count(true) < majority && count(false) < majority) {
        log(`    confirming: window ${windows.length + 1} of up to ${confirm + 1}`);
        const w = await window(target, listeners);
        log(`    loss at the server ${(w.loss * 100).toFixed(2)} %${w.failed ? `; ${w.failed}` : ''}`);
        windows.push(w);
      }
      // The median window (of two, the worse); a failed window ranks above every loss.
      const rank = (w: Window) => (w.failed !== undefined ? 2 : 0) + w.loss;
      const median = [...windows].sort((a, b) => rank(a) - rank(b))[Math.floor(windows.length / 2)]!;
      const step: KneeStep = { listeners, target, ...median, windows: windows.map((w) => w.loss) };
      steps.push(step);
      if (!lossy(step)) knee[target] = listeners;
      else done[target] = true;
    }
    if (done.aula && done.bare) break;
  }
  return { suite: o.suite, steps, knee, open: { aula: !done.aula, bare: !done.bare } };
}
