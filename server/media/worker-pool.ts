// One mediasoup worker per core, each with its WebRtcServer if configured;
// media/placement.ts decides which worker a router goes to. A worker that
// dies is replaced at once (same WebRtcServer port); those who had routers on
// it are told to rebuild.
import './flatbuffers-guard.js';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Logger } from '../log.js';
import { mediaCodecs } from './codecs.js';
import { keepWorkerThroughSignals } from './worker-signals.js';

export interface WorkerPoolOptions {
  workers: number;
  rtcMinPort: number;
  rtcMaxPort: number;
  logLevel: types.WorkerLogLevel;
  /** One UDP+TCP port per worker (port, port+1, …) instead of the port range. */
  webRtcServer?: { ip: string; announcedAddress?: string; port: number };
}

export interface RouterAppData extends types.AppData {
  /** The worker process hosting the router (operators see it in logs). */
  workerPid: number;
}

interface Slot {
  worker: types.Worker;
  webRtcServer?: types.WebRtcServer;
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly replacedListeners: Array<() => void> = [];
  private options!: WorkerPoolOptions;
  private closing = false;
  /** Workers that died and were replaced since start (for metrics). */
  replacements = 0;

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
    this.options = options;
    for (let i = 0; i < options.workers; i++) this.slots.push(await this.spawn(i));
  }

  private async spawn(index: number): Promise<Slot> {
    const { options, log } = this;
    const worker = await mediasoup.createWorker({
      logLevel: options.logLevel,
      rtcMinPort: options.rtcMinPort,
      rtcMaxPort: options.rtcMaxPort,
    });
    // aula closes workers last on SIGTERM/SIGINT (server/main.ts), not mediasoup at once.
    if (!keepWorkerThroughSignals(worker)) log.warn({ workerPid: worker.pid }, 'mediasoup closes this worker on SIGTERM itself');
    const slot: Slot = { worker };
    worker.on('died', (error) => {
      log.error({ workerPid: worker.pid, err: error.message }, 'mediasoup worker died; starting a replacement');
      void this.replace(index, slot);
    });
    if (options.webRtcServer) {
      const { ip, announcedAddress, port } = options.webRtcServer;
      try {
        slot.webRtcServer = await worker.createWebRtcServer({
          listenInfos: [
            { protocol: 'udp', ip, announcedAddress, port: port + index },
            { protocol: 'tcp', ip, announcedAddress, port: port + index },
          ],
        });
      } catch (err) {
        worker.close(); // e.g. the port is taken: no worker left behind
        throw err;
      }
    }
    return slot;
  }

  private async replace(index: number, dead: Slot): Promise<void> {
    for (let attempt = 1; !this.closing && this.slots[index] === dead; attempt++) {
      try {
        this.slots[index] = await this.spawn(index);
        if (this.closing) this.slots[index].worker.close();
        this.replacements++;
        this.log.info({ workerPid: this.slots[index].worker.pid }, 'replacement mediasoup worker started');
        break;
      } catch (err) {
        this.log.error({ err: (err as Error).message, attempt }, 'could not start a replacement mediasoup worker');
        if (attempt >= 5) break;
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
    // Even without a replacement the other workers may take the routers over.
    for (const listener of this.replacedListeners) listener();
  }

  /** Called after a worker died and (if possible) was replaced. */
  onWorkerReplaced(listener: () => void): void {
    this.replacedListeners.push(listener);
  }

  get size(): number {
    return this.slots.length;
  }

  get workers(): types.Worker[] {
    return this.slots.map((s) => s.worker);
  }

  /** A router on a worker chosen by the caller (media/placement.ts decides which). */
  async createRouterOn(worker: types.Worker): Promise<types.Router<RouterAppData>> {
    const slot = this.slots.find((s) => s.worker === worker && !s.worker.closed);
    if (!slot) throw new Error('no such mediasoup worker');
    return slot.worker.createRouter<RouterAppData>({ mediaCodecs, appData: { workerPid: slot.worker.pid } });
  }

  /** The worker's shared WebRTC port (media.webRtcServerPort), if configured. */
  webRtcServerOf(worker: types.Worker): types.WebRtcServer | undefined {
    return this.slots.find((s) => s.worker === worker)?.webRtcServer;
  }

  close(): void {
    this.closing = true;
    for (const { worker } of this.slots) worker.close();
    this.log.debug('mediasoup workers closed');
  }
}
