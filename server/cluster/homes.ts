// Which node hosts a room (its home). A room is placed when a browser first
// asks for it: on the least-loaded live node, by a compare-and-set in Redis
// that also counts the placement against that node (burst-safe). Every change
// of home bumps the room's epoch; a node that finds another value in the key
// (it was cut off, and the room moved meanwhile) gives its copy up (fencing).
// Only the owner deletes the key, when its room has been empty for a while.
import type { Logger } from '../log.js';
import { CLAIM, keys, RELEASE } from './keys.js';
import { type NodeRegistry, score } from './nodes.js';
import { ClusterUnavailable, type Redis } from './redis.js';

export type Route = { local: true } | { local: false; node: string; internalUrl: string };

/** How long a placement counts against its node's load. */
const RESERVED_MS = 60_000;

export class Homes {
  /** Rooms this process hosts → the home value it owns. */
  readonly owned = new Map<string, string>();
  /** Rooms this process took over from a node that died or was cut off. */
  readonly takenOver = new Set<string>();
  /** The last home seen for each room: keeps relaying while Redis is down. */
  private readonly lastKnown = new Map<string, { node: string; internalUrl: string }>();

  constructor(
    private readonly redis: Redis,
    private readonly nodes: NodeRegistry,
    /** A room became ours (before any client is let in). */
    private readonly adopted: (roomId: string) => Promise<void>,
    private readonly log: Logger,
  ) {}

  /** Where a client for `roomId` is served: here, or relayed to its home (placing it first if needed). */
  async route(roomId: string): Promise<Route> {
    if (this.owned.has(roomId)) return { local: true };
    try {
      return await this.resolve(roomId);
    } catch (err) {
      const known = this.lastKnown.get(roomId);
      if (err instanceof ClusterUnavailable && known) return { local: false, ...known };
      throw err;
    }
  }

  private async resolve(roomId: string): Promise<Route> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const cur = ((await this.redis.call('GET', keys.home(roomId))) as string | null) ?? '';
      if (cur) {
        const [node, boot] = cur.split(' ');
        if (cur.startsWith(this.nodes.ownerPrefix)) return this.own(roomId, cur, false);
        if (node && boot && (await this.nodes.isAlive(node, boot))) {
          const info = await this.nodes.info(node);
          if (info) return this.remember(roomId, node, info.internalUrl);
        }
      }
      const candidates = await this.nodes.candidates();
      if (!candidates.length) throw new ClusterUnavailable('no node is available for new rooms');
      const won = (await this.redis.eval(
        CLAIM,
        [keys.home(roomId), keys.epoch(roomId), ...candidates.map((c) => keys.reserved(c.id))],
        [cur, RESERVED_MS, ...candidates.flatMap((c) => [c.id, c.boot, score(c)])],
      )) as string;
      if (won.startsWith(this.nodes.ownerPrefix)) return this.own(roomId, won, cur !== '');
      // Placed on another node, or someone else placed it first: the next round reads the key and relays.
    }
    throw new ClusterUnavailable('the room could not be placed; try again');
  }

  /** A relayed socket arrived: is the room really ours? (The relaying node read Redis a moment ago.) */
  async confirm(roomId: string): Promise<boolean> {
    if (this.owned.has(roomId)) return true;
    const cur = (await this.redis.call('GET', keys.home(roomId))) as string | null;
    if (!cur?.startsWith(this.nodes.ownerPrefix)) return false;
    // Whoever placed it here knew whether it had a home before; a room with an epoch above 1 has moved.
    await this.own(roomId, cur, Number(cur.split(' ')[2]) > 1);
    return true;
  }

  private async own(roomId: string, value: string, takeover: boolean): Promise<Route> {
    if (!this.owned.has(roomId)) {
      await this.adopted(roomId);
      this.owned.set(roomId, value);
      if (takeover) this.takenOver.add(roomId);
      this.log.info({ room: roomId, epoch: value.split(' ')[2], takeover }, 'room is hosted here');
    }
    return { local: true };
  }

  private remember(roomId: string, node: string, internalUrl: string): Route {
    this.lastKnown.set(roomId, { node, internalUrl });
    return { local: false, node, internalUrl };
  }

  /** Rooms whose home key no longer names this process (it was cut off and they moved). */
  async lost(): Promise<string[]> {
    const ids = [...this.owned.keys()];
    if (!ids.length) return [];
    const values = (await this.redis.call('MGET', ...ids.map((id) => keys.home(id)))) as Array<string | null>;
    const lost: string[] = [];
    for (const [i, id] of ids.entries()) {
      const mine = this.owned.get(id)!;
      if (values[i] === mine) continue;
      // Gone (Redis restarted empty): this node still hosts the room, so it says so again — unless someone was quicker.
      if (values[i] === null && (await this.redis.call('SET', keys.home(id), mine, 'NX')) === 'OK') continue;
      lost.push(id);
    }
    return lost;
  }

  /** Stop hosting a room (it was empty for long enough, or it moved). */
  async release(roomId: string): Promise<void> {
    const value = this.owned.get(roomId);
    this.owned.delete(roomId);
    this.takenOver.delete(roomId);
    if (value) await this.redis.eval(RELEASE, [keys.home(roomId)], [value]).catch(() => undefined);
  }

  forget(roomId: string): void {
    this.owned.delete(roomId);
    this.takenOver.delete(roomId);
    this.lastKnown.delete(roomId);
  }
}
