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

  constructor(private readonly log: Logger) {}

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
        try {
          await layer[step]?.();
        } catch (err) {
          this.log.error({ layer: name, step, err: (err as Error).message }, 'shutdown step failed');
        }
      }
    }
  }
}
