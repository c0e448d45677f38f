// Where media goes: which worker hosts a new room, and which worker hosts a
// participant's receive transport. A room starts on the least-loaded worker;
// once that worker carries `consumersPerWorker` consumers, newcomers' receive
// transports go to a second router of the same room on the least-loaded other
// worker, and the room's producers are piped there (router.pipeToRouter) on
// first use. Clients see nothing of this: every router of a room has the same
// codecs and the producer keeps its id through the pipe.
import type { types } from 'mediasoup';
import type { MediaProducer } from './port.js';
import type { RouterAppData, WorkerPool } from './worker-pool.js';

interface Load {
  consumers: number;
  /** Receive transports without a consumer yet: a join in progress, soon to consume. */
  idleRecv: number;
  routers: number;
}

export class Placement {
  private readonly loads = new Map<types.Worker, Load>();
  private readonly workerOfRouter = new Map<string, types.Worker>();
  /** home router id → the room's further routers, one per worker. */
  private readonly overflow = new Map<string, Map<types.Worker, Promise<types.Router>>>();
  /** `${producerId}:${routerId}` → the pipe, made once. */
  private readonly pipes = new Map<string, Promise<void>>();

  constructor(
    private readonly pool: WorkerPool,
    readonly consumersPerWorker: number,
  ) {}

  /** A room's home router, on the worker with the fewest consumers (then routers). */
  async createRouter(): Promise<types.Router<RouterAppData>> {
    const worker = this.leastLoaded();
    if (!worker) throw new Error('no mediasoup worker available');
    return this.routerOn(worker);
  }

  /** After a worker died and was replaced (the registry moves its rooms). */
  onWorkerReplaced(listener: () => void): void {
    this.pool.onWorkerReplaced(listener);
  }

  /** The router for a participant's receive transport in the room whose home router is `home`. */
  async recvRouter(home: types.Router): Promise<types.Router> {
    const homeWorker = this.workerOfRouter.get(home.id);
    if (!homeWorker || this.weight(homeWorker) < this.consumersPerWorker) return home;
    const others = this.leastLoaded(homeWorker);
    // Every worker is as full or fuller: stay home rather than pay for a pipe.
    if (!others || this.weight(others) >= this.weight(homeWorker)) return home;
    let routers = this.overflow.get(home.id);
    if (!routers) {
      routers = new Map();
      this.overflow.set(home.id, routers);
      home.observer.once('close', () => {
        for (const r of routers!.values()) void r.then((x) => x.close()).catch(() => undefined);
        this.overflow.delete(home.id);
      });
    }
    let router = routers.get(others);
    if (!router) {
      router = this.routerOn(others);
      routers.set(others, router);
      router.catch(() => routers.delete(others));
    }
    return router;
  }

  /** Make `producer` (on `home`) consumable on `router`; resolves once piped. */
  async reach(home: types.Router, producer: MediaProducer, router: types.Router): Promise<void> {
    if (router === home) return;
    const key = `${producer.id}:${router.id}`;
    let pipe = this.pipes.get(key);
    if (!pipe) {
      pipe = home.pipeToRouter({ producerId: producer.id, router }).then(() => undefined);
      this.pipes.set(key, pipe);
      pipe.catch(() => this.pipes.delete(key));
      producer.observer.once('close', () => this.pipes.delete(key));
      router.observer.once('close', () => this.pipes.delete(key));
    }
    await pipe;
  }

  /** The worker a router runs on (for metrics and tests); a mediasoup router or the port's. */
  workerOf(router: { id: string }): types.Worker | undefined {
    return this.workerOfRouter.get(router.id);
  }

  /** The shared UDP/TCP port of the router's worker, when media.webRtcServerPort is set. */
  webRtcServerOf(router: types.Router): types.WebRtcServer | undefined {
    const worker = this.workerOfRouter.get(router.id);
    return worker && this.pool.webRtcServerOf(worker);
  }

  /** The routers a room uses beyond its home router. */
  async overflowRouters(home: { id: string }): Promise<types.Router[]> {
    return Promise.all([...(this.overflow.get(home.id)?.values() ?? [])]);
  }

  consumersOn(worker: types.Worker): number {
    return this.loads.get(worker)?.consumers ?? 0;
  }

  private weight(worker: types.Worker): number {
    const l = this.loads.get(worker);
    return l ? l.consumers + l.idleRecv : 0;
  }

  private leastLoaded(except?: types.Worker): types.Worker | undefined {
    const live = this.pool.workers.filter((w) => !w.closed && w !== except);
    const routers = (w: types.Worker) => this.loads.get(w)?.routers ?? 0;
    return live.sort((a, b) => this.weight(a) - this.weight(b) || routers(a) - routers(b))[0];
  }

  private async routerOn(worker: types.Worker): Promise<types.Router<RouterAppData>> {
    const router = await this.pool.createRouterOn(worker);
    const load = this.loadOf(worker);
    load.routers++;
    this.workerOfRouter.set(router.id, worker);
    router.observer.once('close', () => {
      load.routers--;
      this.workerOfRouter.delete(router.id);
    });
    // Count consumers (including pipe consumers: they cost the worker too).
    router.observer.on('newtransport', (transport) => {
      let consumers = 0;
      const recv = transport.appData.direction === 'recv';
      if (recv) load.idleRecv++;
      transport.observer.on('newconsumer', (consumer) => {
        if (recv && consumers++ === 0) load.idleRecv--;
        load.consumers++;
        consumer.observer.once('close', () => load.consumers--);
      });
      transport.observer.once('close', () => {
        if (recv && consumers === 0) load.idleRecv--;
      });
    });
    return router;
  }

  private loadOf(worker: types.Worker): Load {
    let load = this.loads.get(worker);
    if (!load) {
      load = { consumers: 0, idleRecv: 0, routers: 0 };
      this.loads.set(worker, load);
    }
    return load;
  }
}
