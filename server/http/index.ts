// The HTTP layer: the main listener (client, room page, problem reports,
// slides, LTI; the WebSocket is attached to it by the signalling layer), the
// admin API's own listener and the metrics listener. Nothing listens before
// listen(), the last step of startServer.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccessLayer } from '../access/index.js';
import { dataDirWritable } from '../access/data-dir.js';
import { linksFor, type RoomLinks } from '../access/links.js';
import type { Config } from '../config/config.js';
import { loopbackFor } from '../config/loopback.js';
import type { Layer } from '../lifecycle.js';
import type { Logger } from '../log.js';
import { ltiRouter, platformOrigins } from '../lti/router.js';
import { loadOrCreateToolKey } from '../lti/tool-key.js';
import type { MediaLayer } from '../media/index.js';
import type { PrivacyLayer } from '../privacy/index.js';
import type { RecordingLayer } from '../recording/index.js';
import type { RoomsLayer } from '../rooms/index.js';
import type { Room } from '../rooms/room.js';
import type { Cluster } from '../cluster/cluster.js';
import { clusterAdminRouter } from '../cluster/admin-routes.js';
import { clusterFanoutRouter } from '../cluster/admin-fanout.js';
import { clusterInternalRoutes } from '../cluster/segments.js';
import { adminRouter } from './admin.js';
import { startAdminServer } from './admin-server.js';
import { createHttpApp } from './app.js';
import { createMetrics, type Metrics, startMetricsServer } from './metrics.js';
import { presentationsRouter } from './presentations-api.js';
import { problemsRouter } from './problems-api.js';

export interface HttpLayer extends Layer {
  /** The main listener (not yet listening before listen()). */
  server: http.Server;
  metrics: Metrics;
  /** The main URL: http.publicUrl, or where the main listener listens; '' before listen(). */
  readonly url: string;
  links: (room: Room, validityDays?: number) => Promise<RoomLinks>;
  listen(): Promise<{ url: string; port: number; adminPort: number; adminUrl: string; metricsUrl?: string }>;
}

/** Probing the disk on every /readyz would let anyone make aula write; once per `everyMs` is enough. */
function cachedProbe(probe: () => boolean, everyMs: number): () => boolean {
  let probedAt = 0;
  let probed = true;
  return () => {
    if (Date.now() - probedAt > everyMs) {
      probed = probe();
      probedAt = Date.now();
    }
    return probed;
  };
}

export async function createHttp(
  config: Config,
  layers: { access: AccessLayer; media: MediaLayer; privacy: PrivacyLayer; rooms: RoomsLayer; recording: RecordingLayer; cluster?: Cluster },
  log: Logger,
): Promise<HttpLayer> {
  const { access, media, privacy, cluster } = layers;
  const { rooms, presentations } = layers.rooms;
  // The URL is known once the port is; links read it lazily.
  let url = '';
  const links = (room: Room, validityDays = config.links.validityDays) => linksFor(access.signer, room, url, validityDays);
  const writable = cachedProbe(() => dataDirWritable(access.dataDir), 5000);
  // The LMS platforms may frame aula; the LTI pages and the room page share the list.
  const frameAncestors = [...new Set([...config.http.frameAncestors, ...platformOrigins(config.lti)])];
  if (config.lti.platforms.length && !config.http.publicUrl) log.warn('lti.platforms needs http.publicUrl: launches are checked against it');
  const lti = config.lti.platforms.length
    ? ltiRouter({
        config: config.lti,
        // Several nodes: a resource link's room is created through Redis, once for all nodes.
        rooms: cluster ? { get: (id) => rooms.get(id), create: (input, id) => cluster.createRoom(input, id) } : rooms,
        grants: access.ltiGrants,
        toolKey: await loadOrCreateToolKey(access.dataDir),
        publicUrl: () => url,
        frameAncestors,
        guestLink: async (room) => (await links(room)).guest,
        log,
      })
    : undefined;
  const app = createHttpApp({
    healthy: media.healthy,
    ready: () => media.healthy() && writable(),
    // A problem report needs a valid link of an existing room.
    problems: problemsRouter(privacy.problems, async (roomId, token) => {
      const room = rooms.get(roomId);
      if (!room) return false;
      await access.access.grant(token, room);
      return true;
    }),
    presentations: presentationsRouter(presentations),
    privacyNotice: () => privacy.notice,
    frameAncestors,
    log,
    ...(lti ? { lti: lti.router } : {}),
  });
  const server = http.createServer({ connectionsCheckingInterval: 1000 }, app);
  server.headersTimeout = config.http.headersTimeoutSeconds * 1000;
  server.requestTimeout = config.http.requestTimeoutSeconds * 1000;
  const metrics = createMetrics(rooms, media.pool);
  // The admin API on its own listener, so the reverse proxy of the main port never exposes it.
  const recordings = layers.recording.recordings;
  const admin = adminRouter({
    // Several nodes: reads from this node's copy, writes through Redis, lists gathered from every node.
    rooms: cluster ? cluster.adminRooms() : rooms,
    adminToken: access.adminToken,
    links,
    routers: cluster
      ? [
          clusterFanoutRouter(cluster, {
            recording: (id) => Boolean(recordings.store.get(id)),
            problem: (id) => Boolean(privacy.problems.get(id)),
            request: (id) => Boolean(privacy.reports?.state(id)),
            segment: (id) => Boolean(privacy.ledger?.meeting(id)),
          }),
          ...privacy.adminRoutes,
          layers.recording.adminRoute,
          clusterAdminRouter(cluster),
        ]
      : [...privacy.adminRoutes, layers.recording.adminRoute],
    issuers: config.issuers.map((i) => i.issuer),
    ...(cluster ? { live: (ids: string[]) => cluster.liveCounts(ids) } : {}),
  });
  const listeners: http.Server[] = [];
  const closeServer = (s: http.Server) => new Promise<void>((resolve) => s.close(() => resolve()));

  return {
    server,
    metrics,
    get url() {
      return url;
    },
    links,
    async listen() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.http.port, config.http.host, () => resolve());
      });
      listeners.push(server);
      const port = (server.address() as AddressInfo).port;
      const metricsServer = config.metrics.enabled
        ? await startMetricsServer(metrics, config.metrics.host, config.metrics.port, config.metrics.token)
        : undefined;
      if (metricsServer) listeners.push(metricsServer);
      const adminServer = await startAdminServer(admin, config.admin.host, config.admin.port, log);
      listeners.push(adminServer);
      const adminPort = (adminServer.address() as AddressInfo).port;
      url = config.http.publicUrl?.replace(/\/$/, '') ?? `http://localhost:${port}`;
      // Several nodes: the relay in front of the main listener, and the internal listener.
      await cluster?.attach(server, clusterInternalRoutes({ ledger: privacy.ledger, recordings }), admin, access.adminToken);
      return {
        url,
        port,
        adminPort,
        adminUrl: `http://${loopbackFor(config.admin.host)}:${adminPort}`,
        metricsUrl: metricsServer ? `http://127.0.0.1:${(metricsServer.address() as AddressInfo).port}/metrics` : undefined,
      };
    },
    drain: () => lti?.close(),
    async close() {
      for (const s of listeners) await closeServer(s);
    },
  };
}
