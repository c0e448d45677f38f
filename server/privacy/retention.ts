// One scheduler for every retention limit: each store registers a purge
// function; the scheduler runs them at start-up and then periodically, and
// logs what was deleted as counts.
import type { Logger } from '../log.js';

export type Purger = (now: Date) => number;

export class RetentionScheduler {
  private readonly purgers = new Map<string, Purger>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly log: Logger) {}

  register(name: string, purge: Purger): void {
    this.purgers.set(name, purge);
  }

  /** Run every purge once; returns deleted counts by store. */
  runOnce(now = new Date()): Record<string, number> {
    const deleted: Record<string, number> = {};
    for (const [name, purge] of this.purgers) {
      try {
        deleted[name] = purge(now);
      } catch (err) {
        this.log.error({ store: name, err: (err as Error).message }, 'retention purge failed');
      }
    }
    this.log.info({ deleted }, 'retention purge');
    return deleted;
  }

  start(intervalMs = 3_600_000): void {
    this.runOnce();
    this.timer = setInterval(() => this.runOnce(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
