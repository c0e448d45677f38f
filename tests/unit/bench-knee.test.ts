// P2's knee sweep (bench/scenarios/knee.ts) with a stand-in for the fan-out:
// a lossy window is confirmed by more windows and the step takes their
// median, so one noisy window does not end the sweep, and loss that persists
// does. The real fan-out runs in tests/integration/bench-smoke.test.ts.
import { describe, expect, it } from 'vitest';
import type { FanoutOptions, FanoutResult } from '../../bench/scenarios/fanout.js';
import { BenchTimeout } from '../../bench/scenarios/fanout.js';
import { runKnee } from '../../bench/scenarios/knee.js';

/** A measure that answers each (target, listeners) with the next loss in its script; 'timeout' throws BenchTimeout. */
function scripted(script: Record<string, Array<number | 'timeout'>>) {
  const calls: string[] = [];
  const measure = (o: FanoutOptions): Promise<FanoutResult> => {
    const key = `${o.target} ${o.listeners}`;
    calls.push(key);
    const next = script[key]?.shift() ?? 0;
    if (next === 'timeout') return Promise.reject(new BenchTimeout('stats not answered in time'));
    const expected = 100_000;
    return Promise.resolve({ serverLoss: next, packetsExpected: expected, generatorDrops: 0 } as FanoutResult);
  };
  return { measure, calls };
}

const options = { from: 100, step: 100, max: 400, suite: 'AEAD_AES_256_GCM' as const, warmSeconds: 0, seconds: 1, videoKbps: 600 };

describe('P2 knee sweep', () => {
  it('without confirmation, stops a target at its first lossy window', async () => {
    const { measure } = scripted({ 'aula 200': [0.02] });
    const k = await runKnee({ ...options, confirm: 0 }, undefined, measure);
    expect(k.knee).toEqual({ aula: 100, bare: 400 });
    expect(k.open).toEqual({ aula: false, bare: true });
  });

  it('a lossy window outvoted by two clean ones passes, with every window kept', async () => {
    const { measure, calls } = scripted({ 'aula 200': [0.012, 0, 0.001] });
    const k = await runKnee({ ...options, confirm: 2 }, undefined, measure);
    expect(k.knee.aula).toBe(400);
    const step = k.steps.find((s) => s.target === 'aula' && s.listeners === 200)!;
    expect(step.windows).toEqual([0.012, 0, 0.001]);
    expect(step.loss).toBe(0.001); // the median
    expect(calls.filter((c) => c === 'aula 200')).toHaveLength(3);
  });

  it('loss that persists ends the sweep after two windows (the majority of three)', async () => {
    const { measure, calls } = scripted({ 'aula 300': [0.05, 0.03] });
    const k = await runKnee({ ...options, confirm: 2 }, undefined, measure);
    expect(k.knee.aula).toBe(200);
    expect(calls.filter((c) => c === 'aula 300')).toHaveLength(2);
    expect(calls).not.toContain('aula 400');
    expect(k.steps.find((s) => s.target === 'aula' && s.listeners === 300)!.loss).toBe(0.05); // of two, the worse
  });

  it('two lossy windows of three fail the step; a timed-out window counts as lossy', async () => {
    const { measure } = scripted({ 'bare 200': [0.02, 0, 'timeout'] });
    const k = await runKnee({ ...options, confirm: 2 }, undefined, measure);
    expect(k.knee.bare).toBe(100);
    const step = k.steps.find((s) => s.target === 'bare' && s.listeners === 200)!;
    expect(step.windows).toEqual([0.02, 0, 1]);
    expect(step.loss).toBe(0.02);
  });

  it('clean windows are not measured again', async () => {
    const { measure, calls } = scripted({});
    await runKnee({ ...options, confirm: 2 }, undefined, measure);
    expect(calls).toEqual(['aula 100', 'bare 100', 'aula 200', 'bare 200', 'aula 300', 'bare 300', 'aula 400', 'bare 400']);
  });
});
