// Composition: config → media → rooms → signalling → http. main.ts runs it
// from the command line; tests start it in-process with port 0.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Config, workerCount } from './config/config.js';
import { allHandlers } from './features/index.js';
import { createHttpApp } from './http/app.js';
import { createLogger, type Logger } from './log.js';
import { WorkerPool } from './media/worker-pool.js';
import { RoomRegistry } from './rooms/registry.js';
import { Dispatcher } from './signalling/dispatcher.js';
import { attachSignalling } from './signalling/ws-server.js';

export interface RunningServer {
  url: string;
  port: number;
  rooms: RoomRegistry;
  pool: WorkerPool;
  log: Logger;
  close(): Promise<void>;
}

export async function startServer(config: Config, log = createLogger(config.log.level)): Promise<RunningServer> {
  const pool = await WorkerPool.create(
    {
      workers: workerCount(config),
      rtcMinPort: config.media.rtcMinPort,
      rtcMaxPort: config.media.rtcMaxPort,
      logLevel: config.media.workerLogLevel,
    },
    log,
  );
  const rooms = new RoomRegistry(pool);
  const dispatcher = new Dispatcher({
    rooms,
    log,
    listen: {
      listenIp: config.media.listenIp,
      announcedAddress: config.media.announcedAddress,
      rtcMinPort: config.media.rtcMinPort,
      rtcMaxPort: config.media.rtcMaxPort,
    },
  }).register(allHandlers);

  const app = createHttpApp({ healthy: () => pool.workers.some((w) => !w.closed) });
  const server = http.createServer(app);
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  const signalling = attachSignalling(server, dispatcher, { maxMessageBytes: config.signalling.maxMessageBytes }, log);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.http.port, config.http.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = config.http.publicUrl?.replace(/\/$/, '') ?? `http://localhost:${port}`;
  log.info({ port, host: config.http.host }, 'http server listening');

  return {
    url,
    port,
    rooms,
    pool,
    log,
    async close() {
      rooms.closeAll('the server is shutting down');
      signalling.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      pool.close();
    },
  };
}
