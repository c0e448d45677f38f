// One mediasoup worker per core; each new room's router goes to the worker
// that hosts the fewest routers.
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Logger } from '../log.js';
import { mediaCodecs } from './codecs.js';

export interface WorkerPoolOptions {
  workers: number;
  rtcMinPort: number;
  rtcMaxPort: number;
  logLevel: types.WorkerLogLevel;
  /** One UDP+TCP port per worker (port, port+1, …) instead of the port range. */
  webRtcServer?: { ip: string; announcedAddress?: string; port: number };
}

export interface RouterAppData extends types.AppData {
  webRtcServer?: types.WebRtcServer;
}

interface Slot {
  worker: types.Worker;
  routers: number;
  webRtcServer?: types.WebRtcServer;
}

export class WorkerPool {
  private readonly slots: Slot[] = [];

  private constructor(private readonly log: Logger) {}

  static async create(options: WorkerPoolOptions, log: Logger): Promise<WorkerPool> {
    const pool = new WorkerPool(log);
    try {
      await pool.start(options);
    } catch (err) {
      pool.close(); // e.g. the WebRtcServer port is taken: no half-started workers left behind
      throw err;
    }
    log.info({ workers: pool.slots.length, version: mediasoup.version }, 'mediasoup workers started');
    return pool;
  }

  private async start(options: WorkerPoolOptions): Promise<void> {
    const log = this.log;
    for (let i = 0; i < options.workers; i++) {
      const worker = await mediasoup.createWorker({
        logLevel: options.logLevel,
        rtcMinPort: options.rtcMinPort,
        rtcMaxPort: options.rtcMaxPort,
      });
      worker.on('died', (error) => {
        // Recovery (new worker, rebuilt routers, client re-connect) is a later step;
        // until then the rooms on this worker lose media, others are unaffected.
        log.error({ workerPid: worker.pid, err: error.message }, 'mediasoup worker died');
      });
      let webRtcServer: types.WebRtcServer | undefined;
      if (options.webRtcServer) {
        const { ip, announcedAddress, port } = options.webRtcServer;
        webRtcServer = await worker.createWebRtcServer({
          listenInfos: [
            { protocol: 'udp', ip, announcedAddress, port: port + i },
            { protocol: 'tcp', ip, announcedAddress, port: port + i },
          ],
        });
      }
      this.slots.push({ worker, routers: 0, webRtcServer });
    }
  }

  get size(): number {
    return this.slots.length;
  }

  get workers(): types.Worker[] {
    return this.slots.map((s) => s.worker);
  }

  async createRouter(): Promise<types.Router<RouterAppData>> {
    const slot = this.slots.filter((s) => !s.worker.closed).sort((a, b) => a.routers - b.routers)[0];
    if (!slot) throw new Error('no mediasoup worker available');
    const router = await slot.worker.createRouter<RouterAppData>({ mediaCodecs, appData: { webRtcServer: slot.webRtcServer } });
    slot.routers++;
    router.observer.once('close', () => slot.routers--);
    return router;
  }

  /** A router on a worker chosen by the caller (media/placement.ts decides which). */
  async createRouterOn(worker: types.Worker): Promise<types.Router<RouterAppData>> {
    const slot = this.slots.find((s) => s.worker === worker && !s.worker.closed);
    if (!slot) throw new Error('no such mediasoup worker');
    const router = await slot.worker.createRouter<RouterAppData>({ mediaCodecs, appData: { webRtcServer: slot.webRtcServer } });
    slot.routers++;
    router.observer.once('close', () => slot.routers--);
    return router;
  }

  close(): void {
    for (const { worker } of this.slots) worker.close();
    this.log.debug('mediasoup workers closed');
  }
}
