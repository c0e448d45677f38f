// P2's knee: the largest listener count at which one worker still forwards
// with < 1 % loss, measured by stepping the fan-out up (200, 300, …), for aula
// and for the bare mediasoup harness in the same run, per SRTP suite. A target
// stops stepping at its first lossy step; a step that runs out of its time
// bound (a saturated worker) counts as lossy and is reported as such.
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

export async function runKnee(o: KneeOptions, log: (s: string) => void = () => undefined): Promise<KneeResult> {
  const steps: KneeStep[] = [];
  const knee = { aula: 0, bare: 0 };
  const done = { aula: false, bare: false };
  const counts = kneeCounts(o.from, o.step, o.max);
  for (const listeners of counts) {
    // Alternate the targets at each count, so that the shared machine's drift hits both alike.
    for (const target of ['aula', 'bare'] as const) {
      if (done[target]) continue;
      log(`P2 knee (${o.suite}): ${target}, ${listeners} listeners`);
      let step: KneeStep;
      try {
        const result = await runFanout({ ...o, target, listeners, workers: 1 }, log);
        step = { listeners, target, loss: serverLossOf(result), result, failed: inconclusive(result) };
      } catch (err) {
        if (!(err instanceof BenchTimeout)) throw err;
        step = { listeners, target, loss: 1, failed: err.message };
        log(`    ${err.message}`);
      }
      steps.push(step);
      log(`    loss at the server ${(step.loss * 100).toFixed(2)} %${step.failed ? `; ${step.failed}` : ''}`);
      if (step.loss < KNEE_LOSS && !step.failed) knee[target] = listeners;
      else done[target] = true;
    }
    if (done.aula && done.bare) break;
  }
  return { suite: o.suite, steps, knee, open: { aula: !done.aula, bare: !done.bare } };
}
