// A tiny request/response channel between the bench (parent) and a host
// process (the aula server or the bare mediasoup harness), so that each
// side's CPU and memory are measured apart.
import { fork, type ChildProcess } from 'node:child_process';

const CALL_TIMEOUT_MS = Number(process.env.AULA_BENCH_CALL_TIMEOUT_MS ?? 120_000);

type Handlers = Record<string, (args: any) => unknown>;

/** In the host: answer the parent's requests. */
export function serve(handlers: Handlers): void {
  const answer = async (msg: { id: number; cmd: string; args: unknown }) => {
    try {
      const handler = handlers[msg.cmd];
      if (!handler) throw new Error(`unknown command ${msg.cmd}`);
      process.send!({ id: msg.id, ok: true, result: await handler(msg.args) });
    } catch (err) {
      process.send!({ id: msg.id, ok: false, error: (err as Error).stack ?? String(err) });
    }
  };
  process.on('message', (msg: { id: number; cmd: string; args: unknown }) => void answer(msg));
  process.on('disconnect', () => process.exit(0));
}

/** In the bench: a host process started from a TypeScript module. */
export class Host {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();

  private constructor(readonly child: ChildProcess) {
    child.on('message', (msg: { id: number; ok: boolean; result?: unknown; error?: string }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(msg.error));
    });
    child.on('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`host exited (${code})`));
      this.pending.clear();
    });
  }

  static start(modulePath: string): Host {
    const child = fork(modulePath, [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '4' },
    });
    return new Host(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  call<T = any>(cmd: string, args: unknown = {}, timeoutMs = CALL_TIMEOUT_MS): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (this.child.exitCode !== null || this.child.signalCode) return reject(new Error(`host has exited; cannot ${cmd}`));
      // A host that never answers (a starved or stuck worker) fails the run instead of hanging it.
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`host did not answer ${cmd} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.child.send({ id, cmd, args });
    });
  }

  /**
   * Ask the host to stop; after `graceMs` without an answer or exit, kill it
   * and the given worker processes (a saturated worker may never answer).
   */
  async stop(workerPids: number[] = [], graceMs = 15_000): Promise<void> {
    if (this.child.exitCode === null && !this.child.signalCode) {
      const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
      await this.call('stop', {}, graceMs).catch(() => undefined);
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    for (const pid of workerPids) {
      try {
        process.kill(pid, 'SIGKILL'); // gone already: throws ESRCH
      } catch {
        /* already exited */
      }
    }
  }
}
