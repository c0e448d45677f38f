// Composition: config → data dir and keys → media → rooms → access →
// signalling → http. main.ts runs it from the command line; tests start it
// in-process with port 0 and a temporary data directory.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AccessControl } from './access/access.js';
import { loadOrCreateAdminToken } from './access/admin-token.js';
import { dataDirWritable, ensureDataDir, lockDataDir } from './access/data-dir.js';
import { LinkSigner, linksFor, type RoomLinks } from './access/links.js';
import { OrgIssuers } from './access/org-issuers.js';
import { loadOrCreateServerKey } from './access/server-key.js';
import { LtiGrants } from './lti/grant.js';
import { ltiRouter, platformOrigins } from './lti/router.js';
import { loadOrCreateToolKey } from './lti/tool-key.js';
import { type Config, workerCount } from './config/config.js';
import { loopbackFor } from './config/loopback.js';
import { speakerCleanup } from './features/active-speaker.js';
import { allHandlers } from './features/index.js';
import { adminRouter } from './http/admin.js';
import { startAdminServer } from './http/admin-server.js';
import { createHttpApp } from './http/app.js';
import { createLogger, type Logger } from './log.js';
import { turnCredentials } from './media/turn.js';
import { WorkerPool } from './media/worker-pool.js';
import { RecordingManager } from './recording/manager.js';
import { presentationsRouter } from './http/presentations-api.js';
import { recordingsRouter } from './http/recordings-api.js';
import { PresentationFiles } from './presentation/files.js';
import { Placement } from './media/placement.js';
import { RoomRegistry } from './rooms/registry.js';
import type { Room } from './rooms/room.js';
import { RoomStore } from './rooms/store.js';
import { Attendance } from './privacy/attendance.js';
import { AssertionReplay } from './privacy/assertion-replay.js';
import { AuditLog } from './privacy/audit-log.js';
import { auditKey, Ledger, ledgerMasterKey } from './privacy/ledger.js';
import { Reports } from './privacy/reports.js';
import { RetentionScheduler } from './privacy/retention.js';
import { reportsRouter } from './http/reports-api.js';
import { problemsAdminRouter, problemsRouter } from './http/problems-api.js';
import { privacyAdminRouter } from './http/privacy-api.js';
import { processingFacts } from './privacy/facts.js';
import { renderNotice } from './privacy/notice.js';
import { ProblemStore } from './privacy/problems.js';
import { createMetrics, startMetricsServer } from './http/metrics.js';
import { Dispatcher } from './signalling/dispatcher.js';
import { ResumeRegistry } from './signalling/resume.js';
import { attachSignalling } from './signalling/ws-server.js';

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
  close(): Promise<void>;
}

export async function startServer(config: Config, log = createLogger(config.log.level)): Promise<RunningServer> {
  const dataDir = ensureDataDir(config.data.dir);
  const unlock = lockDataDir(dataDir);
  const serverKey = await loadOrCreateServerKey(dataDir);
  const signer = new LinkSigner(serverKey);
  const ltiGrants = new LtiGrants(serverKey);
  const adminToken = loadOrCreateAdminToken(config.admin.token, dataDir);
  const pool = await WorkerPool.create(
    {
      workers: workerCount(config),
      rtcMinPort: config.media.rtcMinPort,
      rtcMaxPort: config.media.rtcMaxPort,
      logLevel: config.media.workerLogLevel,
      webRtcServer: config.media.webRtcServerPort
        ? { ip: config.media.listenIp, announcedAddress: config.media.announcedAddress, port: config.media.webRtcServerPort }
        : undefined,
    },
    log,
  );
  const masterKey = config.ledger.enabled ? ledgerMasterKey(config.ledger.masterKey, dataDir) : undefined;
  if (masterKey && !config.ledger.masterKey) {
    log.warn('ledger master key is kept in the data directory; set ledger.masterKey (AULA_LEDGER_MASTER_KEY) to keep it elsewhere');
  }
  const audit = new AuditLog(dataDir, masterKey && auditKey(masterKey));
  const retention = new RetentionScheduler(log);
  let ledger: Ledger | undefined;
  let reports: Reports | undefined;
  if (masterKey) {
    ledger = new Ledger(dataDir, masterKey, config.ledger.retentionDays, audit);
    const reopened = await ledger.endOpenMeetings();
    if (reopened) log.warn({ meetings: reopened }, 'meetings left open by an earlier run were ended');
    reports = await Reports.create(ledger, audit, config.operators, config.reports.fourEyes, new AssertionReplay(dataDir));
    const l = ledger;
    retention.register('meetings', (now) => l.purge(now));
  }
  const problems = new ProblemStore(dataDir, config.problems.retentionDays);
  retention.register('problemReports', (now) => problems.purge(now));
  const auditDays = config.audit.retentionDays;
  if (auditDays) retention.register('auditEntries', (now) => audit.purge(auditDays, now));
  const facts = processingFacts(config);
  const notice = renderNotice(facts, config.reports.fourEyes);
  const resume = new ResumeRegistry(config.signalling.resumeGraceSeconds, log);
  const { width, height, fps } = config.recording;
  const recordings = new RecordingManager(dataDir, config.recording.retentionDays, config.recording.ffmpeg, log, {
    // Recording keys are wrapped like the ledger's meeting keys, by the same master key.
    masterKey: masterKey ?? ledgerMasterKey(config.ledger.masterKey, dataDir),
    composition: { width, height, fps },
    countdownSeconds: config.recording.countdownSeconds,
  });
  retention.register('recordings', (now) =>
    recordings.purge(now, (id) => audit.append({ type: 'recording.purged', operator: 'retention', recordingId: id }, now)),
  );
  recordings.recover();
  const presentations = new PresentationFiles(dataDir, config.presentation);
  const attendance = ledger && new Attendance(ledger, log, config.ledger.coalesceSeconds);
  const observers = [speakerCleanup, resume, recordings, ...(attendance ? [attendance] : [])];
  const placement = new Placement(pool, config.media.consumersPerWorker);
  const rooms = new RoomRegistry(placement, new RoomStore(dataDir), observers, config.rooms.max, log);
  const restored = await rooms.load();
  const metrics = createMetrics(rooms, pool);
  const access = new AccessControl(signer, new OrgIssuers(config.issuers), ltiGrants);
  const dispatcher = new Dispatcher({
    rooms,
    log,
    access,
    recordings,
    presentations,
    newRouter: () => placement.createRouter(),
    joinsPerMinute: config.signalling.joinsPerMinute,
    ice: () => ({
      iceServers: turnCredentials(config.turn.urls, config.turn.secret, config.turn.ttlSeconds),
      iceTransportPolicy: config.media.iceTransportPolicy,
    }),
    resume,
    listen: {
      listenIp: config.media.listenIp,
      announcedAddress: config.media.announcedAddress,
      rtcMinPort: config.media.rtcMinPort,
      rtcMaxPort: config.media.rtcMaxPort,
      maxIncomingBitrate: config.media.maxIncomingBitrate,
    },
  }, (code) => metrics.signallingError(code)).register(allHandlers);

  // The URL is known once the port is; links read it lazily.
  let url = '';
  const links = (room: Room, validityDays = config.links.validityDays) => linksFor(signer, room, url, validityDays);
  // Probing the disk on every /readyz would let anyone make aula write; once per 5 s is enough.
  let probedAt = 0;
  let probed = true;
  const writable = () => {
    if (Date.now() - probedAt > 5000) {
      probed = dataDirWritable(dataDir);
      probedAt = Date.now();
    }
    return probed;
  };
  const adminRoutes = [problemsAdminRouter(problems), privacyAdminRouter(facts), recordingsRouter(recordings, audit)];
  if (reports && ledger) adminRoutes.push(reportsRouter(reports, ledger));
  // The LMS platforms may frame aula; the LTI pages and the room page share the list.
  const frameAncestors = [...new Set([...config.http.frameAncestors, ...platformOrigins(config.lti)])];
  if (config.lti.platforms.length && !config.http.publicUrl) log.warn('lti.platforms needs http.publicUrl: launches are checked against it');
  const lti = config.lti.platforms.length
    ? ltiRouter({
        config: config.lti,
        rooms,
        grants: ltiGrants,
        toolKey: await loadOrCreateToolKey(dataDir),
        publicUrl: () => url,
        frameAncestors,
        guestLink: async (room) => (await links(room)).guest,
        log,
      })
    : undefined;
  const app = createHttpApp({
    healthy: () => pool.workers.some((w) => !w.closed),
    ready: () => pool.workers.some((w) => !w.closed) && writable(),
    problems: problemsRouter(problems, async (roomId, token) => {
      const room = rooms.get(roomId);
      if (!room) return false;
      await access.grant(token, room);
      return true;
    }),
    presentations: presentationsRouter(presentations),
    privacyNotice: () => notice,
    frameAncestors,
    log,
    ...(lti ? { lti: lti.router } : {}),
  });
  const server = http.createServer({ connectionsCheckingInterval: 1000 }, app);
  server.headersTimeout = config.http.headersTimeoutSeconds * 1000;
  server.requestTimeout = config.http.requestTimeoutSeconds * 1000;
  const allowedOrigins = [...config.http.allowedOrigins, ...(config.http.publicUrl ? [new URL(config.http.publicUrl).origin] : [])];
  const signalling = attachSignalling(
    server,
    dispatcher,
    {
      ...config.signalling,
      trustedProxies: config.http.trustedProxies,
      allowedOrigins,
      // 1006: the connection vanished without a close frame, so the participant
      // may come back; a clean close (page closed: 1001) is a leave.
      onClose: (session, code) => (code === 1006 ? resume.suspend(session) : session.leave()),
      onError: (code) => metrics.signallingError(code) },
    log,
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.http.port, config.http.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const metricsServer = config.metrics.enabled
    ? await startMetricsServer(metrics, config.metrics.host, config.metrics.port, config.metrics.token)
    : undefined;
  const metricsUrl = metricsServer ? `http://127.0.0.1:${(metricsServer.address() as AddressInfo).port}/metrics` : undefined;
  // The admin API on its own listener, so the reverse proxy of the main port never exposes it.
  const admin = adminRouter({ rooms, adminToken, links, routers: adminRoutes, issuers: config.issuers.map((i) => i.issuer) });
  const adminServer = await startAdminServer(admin, config.admin.host, config.admin.port, log);
  const adminPort = (adminServer.address() as AddressInfo).port;
  const adminUrl = `http://${loopbackFor(config.admin.host)}:${adminPort}`;
  url = config.http.publicUrl?.replace(/\/$/, '') ?? `http://localhost:${port}`;
  log.info({ port, adminPort, rooms: restored }, 'http server listening');
  retention.start();

  return {
    url,
    port,
    metricsUrl,
    adminUrl,
    rooms,
    pool,
    placement,
    log,
    signer,
    adminToken,
    dataDir,
    ledger,
    problems,
    audit,
    retention,
    recordings,
    presentations,
    resume,
    links,
    async close() {
      retention.stop();
      lti?.close();
      // Before the rooms close: every capture finishes its file.
      await recordings.close().catch((err) => log.error({ err: (err as Error).message }, 'recording: stopping failed'));
      recordings.composer.close();
      rooms.shutdown('the server is shutting down');
      // Every meeting ends (also those waiting out ledger.coalesceSeconds) and is on disk before the lock goes.
      await attendance?.close();
      signalling.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => (metricsServer ? metricsServer.close(() => resolve()) : resolve()));
      await new Promise<void>((resolve) => adminServer.close(() => resolve()));
      pool.close();
      unlock();
    },
  };
}
