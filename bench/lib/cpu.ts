// CPU time of processes from /proc/<pid>/stat (utime + stime), so the
// server, its mediasoup workers, the generator and ffmpeg are counted apart.
import fs from 'node:fs';

const TICKS = 100; // USER_HZ on Linux

export function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS; // fields 14 and 15 of proc(5)
  } catch {
    return 0;
  }
}

export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** This process's own CPU seconds (the generator). */
export const selfCpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

export interface CpuWindow {
  seconds: number;
  /** CPU seconds per wall second (1 = one core busy), per named group. */
  cores: Record<string, number>;
}

/** Measure named groups of pids over a wall-clock window. `self` counts this process. */
export async function measureCpu(groups: Record<string, number[] | 'self'>, windowMs: number): Promise<CpuWindow> {
  const read = () =>
    Object.fromEntries(Object.entries(groups).map(([k, pids]) => [k, pids === 'self' ? selfCpuSeconds() : pids.reduce((s, p) => s + cpuSeconds(p), 0)]));
  const t0 = performance.now();
  const before = read();
  await new Promise((r) => setTimeout(r, windowMs));
  const after = read();
  const seconds = (performance.now() - t0) / 1000;
  const cores = Object.fromEntries(Object.keys(groups).map((k) => [k, (after[k]! - before[k]!) / seconds]));
  return { seconds, cores };
}
