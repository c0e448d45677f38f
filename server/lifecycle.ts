// The layers of a running server and how they stop. Each layer is made by a
// factory (access, media, privacy, rooms, recording, http, signalling, in
// that order: each may use those before it) and stops in two passes, newest
// layer first: `drain` ends its work while everything else still runs (the
// recordings finish their files, the meetings end and people are told, the
// ledger is on disk), then `close` lets go of sockets, ports, workers and the
// data directory's lock.
import type { Logger } from './log.js';

export interface Layer {
  drain?(): Promise<void> | void;
  close?(): Promise<void> | void;
}

export class Lifecycle {
  private readonly layers: Array<{ name: string; layer: Layer }> = [];
  private closing?: Promise<void>;

  /**
   * @param stepMs bound on one layer's drain or close: a step that hangs (a
   *   socket that never ends, a disk that stalls) is logged and passed, so
   *   SIGTERM always ends the process — a supervisor would SIGKILL it
   *   otherwise, and in cluster mode its rooms would wait for the heartbeat
   *   to expire instead of moving at once.
   */
  constructor(
    private readonly log: Logger,
    private readonly stepMs = 15_000,
  ) {}

  /** Register a layer that has started; returns it for the caller to use. */
  add<T extends Layer>(name: string, layer: T): T {
    this.layers.push({ name, layer });
    return layer;
  }

  /** Drain every layer, newest first, then close every layer, newest first. A failing step is logged; the rest still run. */
  close(): Promise<void> {
    this.closing ??= this.run();
    return this.closing;
  }

  private async run(): Promise<void> {
    const newestFirst = [...this.layers].reverse();
    for (const step of ['drain', 'close'] as const) {
      for (const { name, layer } of newestFirst) {
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`not done after ${this.stepMs / 1000} s`)), this.stepMs);
        });
        try {
          await Promise.race([Promise.resolve().then(() => layer[step]?.()), timedOut]);
        } catch (err) {
          this.log.error({ layer: name, step, err: (err as Error).message }, 'shutdown step failed');
        } finally {
          clearTimeout(timer);
        }
      }
    }
  }
}
