// The media layer: the mediasoup workers, the placement that picks a worker
// for each router, and the port (port.ts) through which rooms get routers.
import { type Config, workerCount } from '../config/config.js';
import type { Layer } from '../lifecycle.js';
import type { Logger } from '../log.js';
import { Placement } from './placement.js';
import type { MediaPort } from './port.js';
import { sfuMediaPort } from './sfu-router.js';
import { WorkerPool } from './worker-pool.js';

export interface MediaLayer extends Layer {
  port: MediaPort;
  pool: WorkerPool;
  placement: Placement;
  /** At least one worker is alive (for /healthz and /readyz). */
  healthy: () => boolean;
}

export async function createMedia(config: Config, log: Logger): Promise<MediaLayer> {
  const media = config.media;
  const pool = await WorkerPool.create(
    {
      workers: workerCount(config),
      rtcMinPort: media.rtcMinPort,
      rtcMaxPort: media.rtcMaxPort,
      logLevel: media.workerLogLevel,
      webRtcServer: media.webRtcServerPort ? { ip: media.listenIp, announcedAddress: media.announcedAddress, port: media.webRtcServerPort } : undefined,
    },
    log,
  );
  const placement = new Placement(pool, media.consumersPerWorker);
  const port = sfuMediaPort(placement, {
    listenIp: media.listenIp,
    announcedAddress: media.announcedAddress,
    rtcMinPort: media.rtcMinPort,
    rtcMaxPort: media.rtcMaxPort,
    maxIncomingBitrate: media.maxIncomingBitrate,
  });
  return {
    port,
    pool,
    placement,
    healthy: () => pool.workers.some((w) => !w.closed),
    close: () => pool.close(),
  };
}
