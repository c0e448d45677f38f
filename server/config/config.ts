// One validated configuration: embedded defaults, then an optional JSON file
// (AULA_CONFIG), then environment variables. Defaults are safe for a laptop:
// everything listens on loopback only.
import fs from 'node:fs';
import os from 'node:os';
import { z } from 'zod';
import { ltiSchema } from '../lti/schema.js';
import { issuersSchema } from './issuers.js';

const port = z.number().int().min(0).max(65535);
const ipAddress = z.union([z.ipv4(), z.ipv6()]);

export type { IssuerConfig } from './issuers.js';

export const configSchema = z
  .object({
    http: z
      .object({
        /** Address the HTTP/WebSocket server binds to. 0.0.0.0 for a LAN. */
        host: z.string().min(1).default('127.0.0.1'),
        /** 0 picks a free port (tests). */
        port: port.default(3000),
        /** Base URL printed in links; defaults to http://localhost:<port>. */
        publicUrl: z.url().optional(),
        /**
         * Origins allowed to embed aula in a frame (an LMS page), e.g.
         * ["https://lms.school.example"]. Empty: no framing at all.
         */
        frameAncestors: z
          .array(z.url().refine((u) => new URL(u).origin === u.replace(/\/$/, ''), 'frameAncestors: origins only, like https://lms.example'))
          .max(16)
          .default([]),
        /**
         * Further origins whose pages may open the signalling WebSocket. The
         * server's own origin (the Host it is reached by, and publicUrl) is
         * always allowed; a browser on any other site is refused at the upgrade.
         */
        allowedOrigins: z
          .array(z.url().refine((u) => new URL(u).origin === u.replace(/\/$/, ''), 'allowedOrigins: origins only, like https://lms.example'))
          .max(16)
          .default([]),
        /** A client must have sent its request headers within this time (slow-header attacks). */
        headersTimeoutSeconds: z.number().int().min(1).max(300).default(10),
        /** …and the whole request within this time. */
        requestTimeoutSeconds: z.number().int().min(1).max(3600).default(30),
        /**
         * Reverse proxies (addresses or CIDRs) whose X-Forwarded-For is
         * believed: for their connections the client address is the rightmost
         * forwarded address that is not itself a trusted proxy. Empty: the
         * socket's address, whatever the header says.
         */
        trustedProxies: z
          .array(z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()]))
          .max(64)
          .default([]),
      })
      .strict()
      .prefault({}),
    media: z
      .object({
        /** mediasoup workers; 0 means one per CPU core. */
        workers: z.number().int().min(0).max(256).default(0),
        /** Local address the WebRTC transports listen on. */
        listenIp: ipAddress.default('127.0.0.1'),
        /** Address or host name announced to browsers (for NAT / a public IP). */
        announcedAddress: z.string().min(1).max(253).optional(),
        rtcMinPort: port.default(40000),
        rtcMaxPort: port.default(49999),
        workerLogLevel: z.enum(['debug', 'warn', 'error', 'none']).default('warn'),
        /** Most a participant may send into the server, in bits per second (per transport). */
        maxIncomingBitrate: z.number().int().min(100_000).max(100_000_000).default(5_000_000),
        /**
         * One UDP and TCP port per worker (this port, +1, …) for all WebRTC
         * traffic instead of the port range: ICE over TCP through a single
         * firewall opening. Unset: the port range.
         */
        webRtcServerPort: port.min(1).optional(),
        /**
         * Consumers one worker carries before a room's newcomers receive
         * through a further worker (pipeToRouter). mediasoup's guidance: ~500 per core.
         */
        consumersPerWorker: z.number().int().min(1).max(100_000).default(500),
        /** 'relay' makes browsers send media only through the TURN server. */
        iceTransportPolicy: z.enum(['all', 'relay']).default('all'),
      })
      .strict()
      .prefault({})
      .refine((m) => m.rtcMinPort <= m.rtcMaxPort, { message: 'rtcMinPort must not exceed rtcMaxPort', path: ['rtcMinPort'] })
      .refine((m) => !['0.0.0.0', '::'].includes(m.listenIp) || m.announcedAddress, {
        message: 'listening on all interfaces needs media.announcedAddress (the address browsers reach)',
        path: ['announcedAddress'],
      }),
    turn: z
      .object({
        /** TURN URLs handed to browsers after they join, e.g. ["turn:turn.school.example:3478?transport=udp"]. */
        urls: z
          .array(z.string().regex(/^turns?:[^\s]+$/, 'turn.urls: turn:host:port or turns:host:port'))
          .max(8)
          .default([]),
        /** The shared secret of coturn's use-auth-secret (TURN REST API): credentials expire, nothing is stored. */
        secret: z.string().min(16).max(512).optional(),
        /** How long the credentials handed out at join are valid. */
        ttlSeconds: z.number().int().min(60).max(86_400).default(3600),
      })
      .strict()
      .prefault({})
      .refine((t) => t.urls.length === 0 || Boolean(t.secret), { message: 'turn.urls needs turn.secret', path: ['secret'] }),
    rooms: z
      .object({
        /** Create a demo room at start-up and print its link. */
        demoRoom: z.boolean().default(true),
        /** Rooms this server keeps at most. */
        max: z.number().int().min(1).max(100_000).default(1000),
      })
      .strict()
      .prefault({}),
    signalling: z
      .object({
        /** Largest WebSocket frame accepted, in bytes. */
        maxMessageBytes: z
          .number()
          .int()
          .min(1024)
          .max(1024 * 1024)
          .default(64 * 1024),
        /** Requests per second one connection may send (a token bucket)… */
        messagesPerSecond: z.number().int().min(1).max(10_000).default(100),
        /**
         * …in bursts of up to this many. Beyond: a typed rate_limited error.
         * Joining a room of 100 takes about 500 requests (consume, resume, layer).
         */
        messageBurst: z.number().int().min(1).max(10_000).default(1000),
        /** A connection answered rate_limited this many times is closed (1008). */
        abuseLimit: z.number().int().min(1).max(1_000_000).default(1000),
        /** Open connections from one address (counted in memory, never logged). */
        connectionsPerAddress: z.number().int().min(1).max(10_000).default(50),
        /** A connection that has not said hello (or resume) within this time is closed. */
        helloTimeoutSeconds: z.number().int().min(1).max(300).default(10),
        /**
         * Connections not in a room (before hello, after it, in a lobby), for
         * the whole server: beyond, new ones are closed (1013), so that nobody
         * can hold every slot without a link.
         */
        unjoinedConnections: z.number().int().min(1).max(100_000).default(1000),
        /**
         * A participant whose connection drops stays in the room this long,
         * media and all, so that the client can resume; then they have left.
         */
        resumeGraceSeconds: z.number().int().min(0).max(600).default(30),
        /**
         * Join attempts per minute of one person (after a burst of 5); a shared
         * room link as a whole gets twice the room's size at once, then the
         * room's size (or this, if larger) per minute. Memory only.
         */
        joinsPerMinute: z.number().int().min(1).max(1_000_000).default(6),
      })
      .strict()
      .prefault({}),
    data: z
      .object({
        /** Where aula keeps its signing key, admin token and room list (created 0700). */
        dir: z.string().min(1).default('data'),
      })
      .strict()
      .prefault({}),
    admin: z
      .object({
        /**
         * Bearer token for the admin API and `npx aula`. Unset: one is generated
         * on first start into <data.dir>/admin-token (0600).
         */
        token: z.string().min(32, 'admin token: at least 32 characters').max(512).optional(),
        /**
         * The admin API has its own listener, so a reverse proxy of the main
         * port never exposes it. 127.0.0.1 keeps it on this machine.
         */
        host: z.string().min(1).default('127.0.0.1'),
        /** 0 picks a free port (tests). */
        port: port.default(9465),
      })
      .strict()
      .prefault({}),
    links: z
      .object({
        /** How long room links stay valid unless the operator says otherwise. */
        validityDays: z.number().int().min(1).max(3650).default(30),
      })
      .strict()
      .prefault({}),
    ledger: z
      .object({
        /** Keep an encrypted attendance ledger per meeting. */
        enabled: z.boolean().default(true),
        /** Days after a meeting's end before its attendance is deleted. */
        retentionDays: z.number().int().min(1).max(3650).default(30),
        /**
         * A room that empties and fills again within this many seconds stays
         * one meeting occurrence (a reconnect, a teacher stepping out), and
         * join/leave churn cannot make a new meeting each time. 0: end at once.
         */
        coalesceSeconds: z.number().int().min(0).max(3600).default(60),
        /**
         * 32-byte key (base64url) wrapping every meeting key. Unset: generated
         * into <data.dir>/ledger-master.key. Keep it outside the data volume
         * (environment, secret store) so a copy of the disk alone is not enough.
         */
        masterKey: z
          .string()
          .regex(/^[A-Za-z0-9_-]{43}$/, 'masterKey: 32 bytes as base64url (43 characters); make one with: npx aula keys ledger')
          .optional(),
      })
      .strict()
      .prefault({}),
    recording: z
      .object({
        /** Days a recording is kept before it is deleted. */
        retentionDays: z.number().int().min(1).max(3650).default(30),
        /** The ffmpeg binary that captures and composes recordings. */
        ffmpeg: z.string().min(1).default('ffmpeg'),
        /** Size of the composed video, in pixels (even numbers). */
        width: z.number().int().min(320).max(3840).multipleOf(2).default(1280),
        height: z.number().int().min(180).max(2160).multipleOf(2).default(720),
        /** Frames per second of the composed video. */
        fps: z.number().int().min(1).max(30).default(10),
        /** Seconds everyone sees the notice (and may opt out) before capture starts. */
        countdownSeconds: z.number().int().min(0).max(60).default(5),
      })
      .strict()
      .prefault({}),
    presentation: z
      .object({
        /** Largest PDF a presenter may show, in bytes (held for the meeting only). */
        maxBytes: z
          .number()
          .int()
          .min(1024)
          .max(500 * 1024 * 1024)
          .default(50 * 1024 * 1024),
        /** Most pages a shown PDF may have (as the presenter's browser counted them). */
        maxPages: z.number().int().min(1).max(300).default(300),
      })
      .strict()
      .prefault({}),
    problems: z
      .object({
        /** Days a problem report is kept. */
        retentionDays: z.number().int().min(1).max(3650).default(30),
      })
      .strict()
      .prefault({}),
    privacy: z
      .object({
        /** The controller named in the privacy notice and the record of processing. */
        controller: z
          .object({
            /** Unset: the notice says "the organisation that runs this server" (in each language). */
            name: z.string().min(1).max(200).optional(),
            /** How people reach the controller or its data-protection officer (address, e-mail, web page). */
            contact: z.string().min(1).max(500).optional(),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    audit: z
      .object({
        /**
         * Days audit entries are kept. Unset: kept (they document operators,
         * not attendees). Should exceed ledger.retentionDays, so that requests
         * for purged meetings are still answered with "expired".
         */
        retentionDays: z.number().int().min(30).max(36500).optional(),
      })
      .strict()
      .prefault({}),
    reports: z
      .object({
        /** A second operator must approve each attendee report request. */
        fourEyes: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /** Operators who may request attendee reports: name and public key (from npx aula keys generate). */
    operators: z
      .array(
        z
          .object({
            name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'operator name: 1-64 of A-Z a-z 0-9 . _ -'),
            publicKey: z
              .looseObject({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string() })
              .refine((k) => !('d' in k), 'operators[].publicKey must be the public key; the private key stays with the operator'),
          })
          .strict(),
      )
      .max(64)
      .default([])
      .refine((ops) => new Set(ops.map((o) => o.name)).size === ops.length, 'operator names must be unique')
      // One key under two names would let one person approve their own request.
      .refine((ops) => new Set(ops.map((o) => `${o.publicKey.x}.${o.publicKey.y}`)).size === ops.length, 'each operator needs their own key'),
    /** Organisation systems (LMS, intranet) whose signed tokens grant a role. */
    issuers: issuersSchema,
    /** LTI 1.3 launches from Moodle, ILIAS and other platforms (server/lti/, docs/LTI.md). */
    lti: ltiSchema,
    metrics: z
      .object({
        /** Serve Prometheus metrics at /metrics. */
        enabled: z.boolean().default(true),
        /**
         * Metrics have their own listener, so a reverse proxy in front of the
         * main port never exposes them. 127.0.0.1 keeps them on this machine.
         */
        host: z.string().min(1).default('127.0.0.1'),
        /** 0 picks a free port (tests). */
        port: port.default(9464),
        /** Bearer token a scraper must send (needed when host is not loopback). */
        token: z.string().min(16).max(512).optional(),
      })
      .strict()
      .prefault({}),
    /** Several nodes coordinated by Redis (docs/OPERATIONS.md, "Several nodes"). Without redisUrl: one node, no Redis. */
    cluster: z
      .object({
        /** redis:// or rediss:// URL of the coordination store; setting it turns cluster mode on. */
        redisUrl: z
          .string()
          .regex(/^rediss?:\/\/\S+$/, 'cluster.redisUrl: redis://host:port or rediss://…')
          .optional(),
        /** This node's id, unique in the cluster. */
        nodeId: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,32}$/, 'cluster.nodeId: 1-32 of A-Z a-z 0-9 _ -')
          .optional(),
        /** Where the other nodes reach this node's internal listener (socket relay, ledger segments), e.g. http://10.0.0.11:3001. */
        internalUrl: z
          .url()
          .refine((u) => u.startsWith('http://'), 'cluster.internalUrl: http://<private address>:<port>')
          .optional(),
        /** This node's own public address (shown by `npx aula node list`; media always goes straight to its announced address). */
        publicUrl: z.url().optional(),
        /** Shared by all nodes: authenticates node-to-node requests and signs rejoin tickets. */
        secret: z.string().min(32, 'cluster.secret: at least 32 characters').max(512).optional(),
        /** How often a node renews its registration. */
        heartbeatMs: z.number().int().min(100).max(60_000).default(2000),
        /** A node that has not renewed its registration this long is dead; its rooms move. */
        nodeTtlMs: z.number().int().min(300).max(600_000).default(10_000),
        /** An empty room is given up by its node after this long (another node may then host it). */
        roomIdleSeconds: z.number().int().min(1).max(86_400).default(120),
        /** Every Redis call fails after this long (nothing waits for an unreachable Redis). */
        redisTimeoutMs: z.number().int().min(50).max(30_000).default(2000),
      })
      .strict()
      .prefault({})
      .refine((c) => !c.redisUrl || (c.nodeId && c.internalUrl && c.secret), {
        message: 'cluster.redisUrl needs cluster.nodeId, cluster.internalUrl and cluster.secret',
        path: ['redisUrl'],
      })
      .refine((c) => c.nodeTtlMs > c.heartbeatMs * 2, { message: 'cluster.nodeTtlMs must exceed two heartbeats', path: ['nodeTtlMs'] }),
    log: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info') })
      .strict()
      .prefault({}),
  })
  .strict()
  .refine((c) => c.media.iceTransportPolicy !== 'relay' || c.turn.urls.length > 0, {
    message: 'relay-only ICE needs a TURN server in turn.urls',
    path: ['media', 'iceTransportPolicy'],
  })
  .refine((c) => !c.media.webRtcServerPort || c.media.webRtcServerPort + (c.media.workers || os.cpus().length) - 1 <= 65535, {
    message: 'webRtcServerPort plus one port per worker must stay below 65536',
    path: ['media', 'webRtcServerPort'],
  })
  // Every node must open every other node's links and ledger segments.
  .refine((c) => !c.cluster.redisUrl || (c.admin.token && (!c.ledger.enabled || c.ledger.masterKey)), {
    message: 'cluster mode needs admin.token and ledger.masterKey configured identically on every node',
    path: ['cluster', 'redisUrl'],
  })
  .refine((c) => c.metrics.token || /^(127\.|::1$|localhost$)/.test(c.metrics.host), {
    message: 'metrics on a non-loopback address need metrics.token',
    path: ['metrics', 'token'],
  });

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

/** Environment variables and the config key each one sets. */
export const envOverrides: Record<string, { path: [string, string]; type: 'string' | 'number' | 'boolean' | 'list' }> = {
  AULA_HTTP_HOST: { path: ['http', 'host'], type: 'string' },
  AULA_HTTP_PORT: { path: ['http', 'port'], type: 'number' },
  AULA_PUBLIC_URL: { path: ['http', 'publicUrl'], type: 'string' },
  AULA_MEDIA_WORKERS: { path: ['media', 'workers'], type: 'number' },
  AULA_MEDIA_LISTEN_IP: { path: ['media', 'listenIp'], type: 'string' },
  AULA_MEDIA_ANNOUNCED_ADDRESS: { path: ['media', 'announcedAddress'], type: 'string' },
  AULA_MEDIA_RTC_MIN_PORT: { path: ['media', 'rtcMinPort'], type: 'number' },
  AULA_MEDIA_RTC_MAX_PORT: { path: ['media', 'rtcMaxPort'], type: 'number' },
  AULA_ROOMS_DEMO_ROOM: { path: ['rooms', 'demoRoom'], type: 'boolean' },
  AULA_MEDIA_WEBRTC_SERVER_PORT: { path: ['media', 'webRtcServerPort'], type: 'number' },
  AULA_MEDIA_ICE_TRANSPORT_POLICY: { path: ['media', 'iceTransportPolicy'], type: 'string' },
  AULA_TURN_SECRET: { path: ['turn', 'secret'], type: 'string' },
  AULA_TURN_URLS: { path: ['turn', 'urls'], type: 'list' },
  AULA_DATA_DIR: { path: ['data', 'dir'], type: 'string' },
  AULA_ADMIN_TOKEN: { path: ['admin', 'token'], type: 'string' },
  AULA_ADMIN_HOST: { path: ['admin', 'host'], type: 'string' },
  AULA_ADMIN_PORT: { path: ['admin', 'port'], type: 'number' },
  AULA_LINKS_VALIDITY_DAYS: { path: ['links', 'validityDays'], type: 'number' },
  AULA_LEDGER_ENABLED: { path: ['ledger', 'enabled'], type: 'boolean' },
  AULA_LEDGER_RETENTION_DAYS: { path: ['ledger', 'retentionDays'], type: 'number' },
  AULA_LEDGER_MASTER_KEY: { path: ['ledger', 'masterKey'], type: 'string' },
  AULA_LEDGER_COALESCE_SECONDS: { path: ['ledger', 'coalesceSeconds'], type: 'number' },
  AULA_REPORTS_FOUR_EYES: { path: ['reports', 'fourEyes'], type: 'boolean' },
  AULA_RECORDING_RETENTION_DAYS: { path: ['recording', 'retentionDays'], type: 'number' },
  AULA_RECORDING_FFMPEG: { path: ['recording', 'ffmpeg'], type: 'string' },
  AULA_PRESENTATION_MAX_BYTES: { path: ['presentation', 'maxBytes'], type: 'number' },
  AULA_PRESENTATION_MAX_PAGES: { path: ['presentation', 'maxPages'], type: 'number' },
  AULA_RECORDING_WIDTH: { path: ['recording', 'width'], type: 'number' },
  AULA_RECORDING_HEIGHT: { path: ['recording', 'height'], type: 'number' },
  AULA_RECORDING_FPS: { path: ['recording', 'fps'], type: 'number' },
  AULA_RECORDING_COUNTDOWN_SECONDS: { path: ['recording', 'countdownSeconds'], type: 'number' },
  AULA_PROBLEMS_RETENTION_DAYS: { path: ['problems', 'retentionDays'], type: 'number' },
  AULA_AUDIT_RETENTION_DAYS: { path: ['audit', 'retentionDays'], type: 'number' },
  AULA_METRICS_ENABLED: { path: ['metrics', 'enabled'], type: 'boolean' },
  AULA_METRICS_TOKEN: { path: ['metrics', 'token'], type: 'string' },
  AULA_METRICS_HOST: { path: ['metrics', 'host'], type: 'string' },
  AULA_METRICS_PORT: { path: ['metrics', 'port'], type: 'number' },
  AULA_CLUSTER_REDIS_URL: { path: ['cluster', 'redisUrl'], type: 'string' },
  AULA_CLUSTER_NODE_ID: { path: ['cluster', 'nodeId'], type: 'string' },
  AULA_CLUSTER_INTERNAL_URL: { path: ['cluster', 'internalUrl'], type: 'string' },
  AULA_CLUSTER_PUBLIC_URL: { path: ['cluster', 'publicUrl'], type: 'string' },
  AULA_CLUSTER_SECRET: { path: ['cluster', 'secret'], type: 'string' },
  AULA_LOG_LEVEL: { path: ['log', 'level'], type: 'string' },
};

export class ConfigError extends Error {}

function fromEnv(env: NodeJS.ProcessEnv): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [
    name,
    {
      path: [section, key],
      type,
    },
  ] of Object.entries(envOverrides)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    let value: unknown = raw;
    if (type === 'number') value = /^-?\d+$/.test(raw) ? Number(raw) : raw;
    if (type === 'boolean') value = raw === 'true' ? true : raw === 'false' ? false : raw;
    if (type === 'list')
      value = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    (out[section] ??= {})[key] = value;
  }
  return out;
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>) {
  const out: Record<string, unknown> = { ...base };
  for (const [section, values] of Object.entries(over)) {
    out[section] = Array.isArray(values) ? values : { ...(base[section] ?? {}), ...(values as Record<string, unknown>) };
  }
  return out;
}

/**
 * Build the configuration. Throws ConfigError with one line naming the key,
 * what is wrong, and the expected form.
 */
export function loadConfig(options: { file?: string; env?: NodeJS.ProcessEnv; overrides?: ConfigInput } = {}): Config {
  const env = options.env ?? process.env;
  const file = options.file ?? env.AULA_CONFIG;
  let fileValues: Record<string, unknown> = {};
  if (file) {
    try {
      fileValues = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`config file ${file}: ${(err as Error).message}`);
    }
  }
  let input = merge(fileValues, fromEnv(env));
  if (options.overrides) input = merge(input, options.overrides);
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join('.') || '(top level)';
    throw new ConfigError(`invalid configuration: ${key}: ${issue.message}`);
  }
  return parsed.data;
}

export const workerCount = (config: Config) => config.media.workers || os.cpus().length;
