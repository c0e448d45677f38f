// What the server holds: process memory and handles, workers, and every
// mediasoup object on them. For the soak test and the fuzzer's "memory
// returns to baseline" check.
import v8 from 'node:v8';
import vm from 'node:vm';
import type { RunningServer } from '../../server/server.js';
import { mediasoupRouter } from '../../server/media/sfu-router.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

export interface Footprint {
  rssMB: number;
  heapMB: number;
  handles: number;
  workers: number;
  routers: number;
  transports: number;
  producers: number;
  consumers: number;
  participants: number;
}

/** After garbage collection, so that what is left is what is held. */
export async function footprint(server: RunningServer): Promise<Footprint> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  const counts = { routers: 0, transports: 0, producers: 0, consumers: 0 };
  for (const worker of server.pool.workers) {
    if (worker.closed) continue;
    const w = await worker.dump();
    counts.routers += w.routerIds.length;
  }
  for (const room of server.rooms.list()) {
    const r = await mediasoupRouter(room.router).dump();
    counts.transports += r.transportIds.length;
    counts.producers += r.mapProducerIdConsumerIds.length;
    counts.consumers += r.mapConsumerIdProducerId.length;
  }
  const mem = process.memoryUsage();
  return {
    rssMB: Math.round(mem.rss / 2 ** 20),
    heapMB: Math.round((mem.heapUsed / 2 ** 20) * 10) / 10,
    handles: process.getActiveResourcesInfo().filter((r) => r !== 'Timeout' && r !== 'Immediate').length,
    workers: server.pool.workers.filter((w) => !w.closed).length,
    ...counts,
    participants: server.rooms.list().reduce((n, r) => n + r.participants.size, 0),
  };
}

/**
 * Every live mediasoup object on every worker (routers, transports,
 * producers, consumers, observers, WebRtcServers): the worker's own list of
 * request handlers, so breakout and overflow routers count as well.
 */
export async function mediasoupObjects(server: RunningServer): Promise<number> {
  let n = 0;
  for (const worker of server.pool.workers) {
    if (worker.closed) continue;
    n += (await worker.dump()).channelMessageHandlers.channelRequestHandlers.length;
  }
  return n;
}
