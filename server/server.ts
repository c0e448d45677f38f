// The composition root: one factory per layer, each using those before it,
// registered with the lifecycle that stops them newest first (lifecycle.ts).
// main.ts runs it from the command line; tests start it in-process with port 0
// and a temporary data directory.
import type { LinkSigner, RoomLinks } from './access/links.js';
import { openAccess } from './access/index.js';
import type { Config } from './config/config.js';
import { speakerCleanup } from './features/active-speaker.js';
import { createHttp } from './http/index.js';
import { Lifecycle } from './lifecycle.js';
import { createLogger, type Logger } from './log.js';
import { createMedia } from './media/index.js';
import type { Placement } from './media/placement.js';
import type { WorkerPool } from './media/worker-pool.js';
import type { AuditLog } from './privacy/audit-log.js';
import { createPrivacy } from './privacy/index.js';
import type { Ledger } from './privacy/ledger.js';
import type { ProblemStore } from './privacy/problems.js';
import type { RetentionScheduler } from './privacy/retention.js';
import type { PresentationFiles } from './presentation/files.js';
import { createRecording } from './recording/index.js';
import type { RecordingManager } from './recording/manager.js';
import { createRooms } from './rooms/index.js';
import type { RoomRegistry } from './rooms/registry.js';
import type { Room } from './rooms/room.js';
import { createSignalling } from './signalling/index.js';
import { Cluster } from './cluster/cluster.js';
import type { ResumeRegistry } from './signalling/resume.js';

export interface RunningServer {
  url: string;
  port: number;
  /** Where /metrics is served (its own listener), if enabled. */
  metricsUrl?: string;
  /** The admin API's listener (its own, not the main port): /api/admin lives under it. */
  adminUrl: string;
  rooms: RoomRegistry;
  pool: WorkerPool;
  /** Which worker hosts which room and receive transport. */
  placement: Placement;
  log: Logger;
  signer: LinkSigner;
  adminToken: string;
  dataDir: string;
  ledger?: Ledger;
  problems: ProblemStore;
  audit: AuditLog;
  retention: RetentionScheduler;
  recordings: RecordingManager;
  /** Slides' PDFs while they are shown. */
  presentations: PresentationFiles;
  /** Participants whose connection dropped, held for a resume. */
  resume: ResumeRegistry;
  links(room: Room, validityDays?: number): Promise<RoomLinks>;
  /** Several nodes (cluster.redisUrl): the coordination through Redis. */
  cluster?: Cluster;
  /** Create a room (in cluster mode through Redis, so that every node knows it). */
  createRoom(input: Parameters<RoomRegistry['create']>[0]): Promise<Room>;
  close(): Promise<void>;
}

export async function startServer(config: Config, log = createLogger(config.log.level)): Promise<RunningServer> {
  const layers = new Lifecycle(log);
  try {
    const access = layers.add('access', await openAccess(config));
    const media = layers.add('media', await createMedia(config, log));
    // Several nodes (docs/OPERATIONS.md, "Several nodes"); without cluster.redisUrl none of it exists.
    const cluster = config.cluster.redisUrl ? new Cluster(config, log) : undefined;
    const privacy = layers.add('privacy', await createPrivacy(config, access.dataDir, log, cluster));
    const observers = [speakerCleanup, ...(privacy.attendance ? [privacy.attendance] : [])];
    const rooms = layers.add('rooms', await createRooms(config, access.dataDir, media.port, observers, log, cluster));
    const recording = layers.add('recording', createRecording(config, access.dataDir, privacy, rooms.rooms, log));
    const http = layers.add('http', await createHttp(config, { access, media, privacy, rooms, recording, cluster }, log));
    const signalling = layers.add(
      'signalling',
      createSignalling(
        config,
        {
          access,
          media: media.port,
          rooms: rooms.rooms,
          presentations: rooms.presentations,
          recordings: recording.recordings,
          server: http.server,
          onError: (code) => http.metrics.signallingError(code),
          cluster,
        },
        log,
      ),
    );

    const { url, port, adminPort, adminUrl, metricsUrl } = await http.listen();
    log.info({ port, adminPort, rooms: rooms.restored }, 'http server listening');
    privacy.retention.start();
    return {
      url,
      port,
      metricsUrl,
      adminUrl,
      rooms: rooms.rooms,
      pool: media.pool,
      placement: media.placement,
      log,
      signer: access.signer,
      adminToken: access.adminToken,
      dataDir: access.dataDir,
      ledger: privacy.ledger,
      problems: privacy.problems,
      audit: privacy.audit,
      retention: privacy.retention,
      recordings: recording.recordings,
      presentations: rooms.presentations,
      resume: signalling.resume,
      links: http.links,
      cluster,
      createRoom: (input) => (cluster ? cluster.createRoom(input) : rooms.rooms.create(input)),
      close: () => layers.close(),
    };
  } catch (err) {
    await layers.close(); // what did start stops again (the workers, the data directory's lock)
    throw err;
  }
}
