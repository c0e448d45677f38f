// The one module that talks to Redis (node-redis). Swapping the client is a
// change here only. Two rules keep a Redis outage from hurting running classes:
// no offline queue (a command while disconnected fails at once instead of
// waiting to be sent 30 s late) and a timeout on every call.
import { createClient } from '@redis/client';
import { HttpError } from '../errors.js';
import type { Logger } from '../log.js';

/** Redis cannot be reached (down, restarting, or too slow): the caller answers `unavailable`. */
export class ClusterUnavailable extends HttpError {
  constructor(why: string) {
    // The admin API answers 503 `unavailable` (server/http/errors.ts).
    super(503, 'unavailable', `the cluster's coordination store (Redis) is not reachable: ${why}; try again in a moment`);
  }
}

type Reply = string | number | null | Reply[];

export class Redis {
  private readonly client;
  private subscriber?: ReturnType<typeof createClient>;
  private wasReady = false;
  /** Called after the connection came back (resubscribe is automatic; state needs a resync). */
  onReconnect: () => void = () => undefined;

  constructor(
    url: string,
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {
    this.client = createClient({
      url,
      disableOfflineQueue: true,
      // A bound on what may wait for replies even while connected.
      commandsQueueMaxLength: 1000,
      pingInterval: 5000,
      socket: { connectTimeout: timeoutMs, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 1000) },
    });
    this.client.on('error', (err: Error) => log.debug({ err: err.message }, 'redis connection error'));
    this.client.on('ready', () => {
      if (this.wasReady) log.info('redis connection is back');
      const again = this.wasReady;
      this.wasReady = true;
      if (again) this.onReconnect();
    });
  }

  /** Connect; resolves once connected or after the timeout (the client keeps retrying in the background). */
  async start(): Promise<boolean> {
    const connecting = this.client.connect().then(
      () => true,
      () => false,
    );
    return Promise.race([connecting, new Promise<boolean>((r) => setTimeout(() => r(false), this.timeoutMs * 2).unref())]);
  }

  get ready(): boolean {
    return this.client.isReady;
  }

  /** One command, bounded in time. */
  async call(...args: Array<string | number>): Promise<Reply> {
    if (!this.client.isReady) throw new ClusterUnavailable('not connected');
    return this.bounded<Reply>(this.client.sendCommand(args.map(String)));
  }

  /** A hash as an object (the reply's shape differs between protocol versions). */
  static asHash(reply: Reply | Record<string, string>): Record<string, string> {
    if (reply === null || reply === undefined) return {};
    if (!Array.isArray(reply)) return typeof reply === 'object' ? reply : {};
    const out: Record<string, string> = {};
    for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
    return out;
  }

  async hgetall(key: string): Promise<Record<string, string>> {
    return Redis.asHash(await this.call('HGETALL', key));
  }

  /** Several commands in one round trip (MULTI/EXEC), bounded in time. */
  async multi(commands: Array<Array<string | number>>): Promise<Reply[]> {
    if (!this.client.isReady) throw new ClusterUnavailable('not connected');
    const m = this.client.multi();
    for (const c of commands) m.addCommand(c.map(String));
    return this.bounded(m.exec() as unknown as Promise<Reply[]>);
  }

  /** A Lua script (atomic on the Redis server). */
  eval(script: string, keys: string[], args: Array<string | number>): Promise<Reply> {
    return this.call('EVAL', script, keys.length, ...keys, ...args);
  }

  /** Listen on a channel; the client resubscribes by itself after a reconnect. Messages are hints only. */
  async subscribe(channel: string, listener: (message: string) => void): Promise<void> {
    if (!this.subscriber) {
      this.subscriber = this.client.duplicate();
      this.subscriber.on('error', (err: Error) => this.log.debug({ err: err.message }, 'redis subscriber error'));
      await this.bounded(this.subscriber.connect());
    }
    await this.bounded(this.subscriber.subscribe(channel, listener));
  }

  private bounded<T>(p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ClusterUnavailable(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    return Promise.race([
      p.catch((err: Error) => {
        throw err instanceof ClusterUnavailable ? err : new ClusterUnavailable(err.message);
      }),
      timeout,
    ]).finally(() => clearTimeout(timer));
  }

  async close(): Promise<void> {
    for (const c of [this.subscriber, this.client]) {
      if (!c) continue;
      try {
        if (c.isOpen) c.destroy();
      } catch {
        // already closed
      }
    }
  }
}
