// The signalling layer: the WebSocket on the main listener, the dispatcher
// with every feature's handlers, and the resume registry that holds a dropped
// participant's place for a while.
import type http from 'node:http';
import type { AccessLayer } from '../access/index.js';
import type { Config } from '../config/config.js';
import { allHandlers } from '../features/index.js';
import type { Layer } from '../lifecycle.js';
import type { Logger } from '../log.js';
import type { MediaPort } from '../media/port.js';
import { turnCredentials } from '../media/turn.js';
import type { PresentationFiles } from '../presentation/files.js';
import type { RecordingManager } from '../recording/manager.js';
import type { RoomRegistry } from '../rooms/registry.js';
import { Dispatcher } from './dispatcher.js';
import { ResumeRegistry } from './resume.js';
import { attachSignalling } from './ws-server.js';

import type { Cluster } from '../cluster/cluster.js';
export interface SignallingLayer extends Layer {
  dispatcher: Dispatcher;
  /** Participants whose connection dropped, held for a resume. */
  resume: ResumeRegistry;
}

export interface SignallingDeps {
  access: AccessLayer;
  media: MediaPort;
  rooms: RoomRegistry;
  recordings: RecordingManager;
  presentations: PresentationFiles;
  /** The main listener the WebSocket shares. */
  server: http.Server;
  /** Told the code of every error answer (metrics). */
  onError: (code: string) => void;
  /** Several nodes: rejoin tickets, and `room_moved` for a resume token this node never issued. */
  cluster?: Pick<Cluster, 'rejoin' | 'movedError'>;
}

export function createSignalling(config: Config, deps: SignallingDeps, log: Logger): SignallingLayer {
  const resume = new ResumeRegistry(config.signalling.resumeGraceSeconds, log);
  deps.rooms.observe(resume);
  const cluster = deps.cluster;
  if (cluster) resume.unknownToken = (roomId) => cluster.movedError(roomId);
  const dispatcher = new Dispatcher(
    {
      rooms: deps.rooms,
      log,
      access: deps.access.access,
      recordings: deps.recordings,
      presentations: deps.presentations,
      newRouter: () => deps.media.createRouter(),
      joinsPerMinute: config.signalling.joinsPerMinute,
      ice: () => ({
        iceServers: turnCredentials(config.turn.urls, config.turn.secret, config.turn.ttlSeconds),
        iceTransportPolicy: config.media.iceTransportPolicy,
      }),
      resume,
      ...(cluster ? { rejoin: cluster.rejoin } : {}),
    },
    deps.onError,
  ).register(allHandlers);
  const allowedOrigins = [...config.http.allowedOrigins, ...(config.http.publicUrl ? [new URL(config.http.publicUrl).origin] : [])];
  const sockets = attachSignalling(
    deps.server,
    dispatcher,
    {
      ...config.signalling,
      trustedProxies: config.http.trustedProxies,
      allowedOrigins,
      // 1006: the connection vanished without a close frame, so the participant
      // may come back; a clean close (page closed: 1001) is a leave.
      onClose: (session, code) => (code === 1006 ? resume.suspend(session) : session.leave()),
      onError: deps.onError,
    },
    log,
  );
  return { dispatcher, resume, close: () => sockets.close() };
}
