// Node membership: each node renews `aula:n:{id}:alive` (its boot id, with a
// TTL) and its info in `aula:nodes` every heartbeat. Redis expires the key, so
// liveness is judged by Redis's clock, not the reader's. The loop never stops:
// a beat that fails (Redis down) is counted and the next one tries again.
import { randomBytes } from 'node:crypto';
import type { Logger } from '../log.js';
import { keys } from './keys.js';
import type { Redis } from './redis.js';

export interface NodeLoad {
  rooms: number;
  participants: number;
  /** What the node can carry, in the same unit as `score`. */
  capacity: number;
}

export interface NodeInfo extends NodeLoad {
  id: string;
  boot: string;
  internalUrl: string;
  publicUrl?: string;
  state: 'serving' | 'draining';
  startedAt: string;
  updatedAt: string;
}

export interface NodeStatus extends NodeInfo {
  /** The node's registration has not expired (and is of this boot). */
  alive: boolean;
}

export interface NodeIdentity {
  id: string;
  internalUrl: string;
  publicUrl?: string;
  heartbeatMs: number;
  ttlMs: number;
}

/** Base placement load of a node: rooms it hosts, and people relative to its capacity. */
export const score = (n: NodeLoad) => n.rooms + n.participants / Math.max(1, n.capacity / 100);

export const drainKey = (node: string) => `aula:n:{${node}}:drain`;

export class NodeRegistry {
  /** Random per process start: a node restarted within the TTL does not inherit its old rooms. */
  readonly boot = randomBytes(8).toString('hex');
  state: 'serving' | 'draining' = 'serving';
  /** Beats in a row that did not reach Redis. */
  failedBeats = 0;
  private timer?: NodeJS.Timeout;
  private readonly startedAt = new Date().toISOString();
  private stopped = false;

  constructor(
    private readonly redis: Redis,
    readonly self: NodeIdentity,
    private readonly load: () => NodeLoad,
    /** Run after each successful registration (fencing, live counts, release of idle rooms). */
    private readonly afterBeat: () => Promise<void>,
    private readonly log: Logger,
  ) {}

  get id(): string {
    return this.self.id;
  }

  /** `"<node> <boot>"` prefix of the home values this process owns. */
  get ownerPrefix(): string {
    return `${this.self.id} ${this.boot} `;
  }

  start(): void {
    const loop = async () => {
      await this.beat();
      if (!this.stopped) this.timer = setTimeout(() => void loop(), this.self.heartbeatMs);
    };
    void loop();
  }

  async beat(): Promise<boolean> {
    try {
      const info: NodeInfo = {
        id: this.self.id,
        boot: this.boot,
        internalUrl: this.self.internalUrl,
        ...(this.self.publicUrl ? { publicUrl: this.self.publicUrl } : {}),
        state: this.state,
        ...this.load(),
        startedAt: this.startedAt,
        updatedAt: new Date().toISOString(),
      };
      const [, , drain] = await this.redis.multi([
        ['SET', keys.alive(this.self.id), this.boot, 'PX', this.self.ttlMs],
        ['HSET', keys.nodes, this.self.id, JSON.stringify(info)],
        ['GET', drainKey(this.self.id)],
      ]);
      const draining = drain !== null ? 'draining' : 'serving';
      if (draining !== this.state) {
        this.state = draining;
        this.log.info({ node: this.self.id, state: this.state }, 'node state changed');
      }
      if (this.failedBeats >= 3) this.log.info({ node: this.self.id }, 'registered with redis again');
      this.failedBeats = 0;
    } catch (err) {
      if (++this.failedBeats === 3) this.log.warn({ err: (err as Error).message }, 'redis unreachable; running classes go on, new rooms cannot be placed');
      return false;
    }
    try {
      await this.afterBeat();
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, 'cluster upkeep failed');
    }
    return true;
  }

  /** Every registered node, with whether its registration is current. */
  async list(): Promise<NodeStatus[]> {
    const all = await this.redis.hgetall(keys.nodes);
    const infos: NodeInfo[] = [];
    for (const value of Object.values(all)) {
      try {
        infos.push(JSON.parse(value) as NodeInfo);
      } catch {
        // a foreign or damaged entry: not a node
      }
    }
    if (!infos.length) return [];
    const values = (await this.redis.call('MGET', ...infos.flatMap((n) => [keys.alive(n.id), drainKey(n.id)]))) as Array<string | null>;
    // The drain flag counts at once, not only after the node's next beat.
    return infos
      .map((n, i) => ({ ...n, alive: values[2 * i] === n.boot, state: values[2 * i + 1] !== null ? ('draining' as const) : n.state }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Nodes a new room may be placed on: alive and serving. */
  async candidates(): Promise<NodeStatus[]> {
    return (await this.list()).filter((n) => n.alive && n.state === 'serving');
  }

  async info(node: string): Promise<NodeInfo | undefined> {
    const text = (await this.redis.call('HGET', keys.nodes, node)) as string | null;
    return text ? (JSON.parse(text) as NodeInfo) : undefined;
  }

  async isAlive(node: string, boot: string): Promise<boolean> {
    return (await this.redis.call('GET', keys.alive(node))) === boot;
  }

  /** Stop placing new rooms on a node (its classes run to their end), or undo that. */
  async setDrain(node: string, on: boolean): Promise<void> {
    if (on) await this.redis.call('SET', drainKey(node), '1');
    else await this.redis.call('DEL', drainKey(node));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    // Leaving cleanly: others need not wait for the TTL.
    await this.redis.call('DEL', keys.alive(this.self.id)).catch(() => undefined);
  }
}
