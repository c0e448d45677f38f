// One validated configuration: embedded defaults, then an optional JSON file
// (AULA_CONFIG), then environment variables. Defaults are safe for a laptop:
// everything listens on loopback only.
import fs from 'node:fs';
import os from 'node:os';
import { z } from 'zod';

const port = z.number().int().min(0).max(65535);
const ipAddress = z.union([z.ipv4(), z.ipv6()]);

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
      })
      .strict()
      .prefault({})
      .refine((m) => m.rtcMinPort <= m.rtcMaxPort, { message: 'rtcMinPort must not exceed rtcMaxPort', path: ['rtcMinPort'] }),
    rooms: z
      .object({
        /** Create a demo room at start-up and print its link. */
        demoRoom: z.boolean().default(true),
        maxParticipants: z.number().int().min(1).max(1000).default(100),
      })
      .strict()
      .prefault({}),
    signalling: z
      .object({
        /** Largest WebSocket frame accepted, in bytes. */
        maxMessageBytes: z.number().int().min(1024).max(1024 * 1024).default(64 * 1024),
      })
      .strict()
      .prefault({}),
    log: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info') })
      .strict()
      .prefault({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

/** Environment variables and the config key each one sets. */
export const envOverrides: Record<string, { path: [string, string]; type: 'string' | 'number' | 'boolean' }> = {
  AULA_HTTP_HOST: { path: ['http', 'host'], type: 'string' },
  AULA_HTTP_PORT: { path: ['http', 'port'], type: 'number' },
  AULA_PUBLIC_URL: { path: ['http', 'publicUrl'], type: 'string' },
  AULA_MEDIA_WORKERS: { path: ['media', 'workers'], type: 'number' },
  AULA_MEDIA_LISTEN_IP: { path: ['media', 'listenIp'], type: 'string' },
  AULA_MEDIA_ANNOUNCED_ADDRESS: { path: ['media', 'announcedAddress'], type: 'string' },
  AULA_MEDIA_RTC_MIN_PORT: { path: ['media', 'rtcMinPort'], type: 'number' },
  AULA_MEDIA_RTC_MAX_PORT: { path: ['media', 'rtcMaxPort'], type: 'number' },
  AULA_ROOMS_DEMO_ROOM: { path: ['rooms', 'demoRoom'], type: 'boolean' },
  AULA_LOG_LEVEL: { path: ['log', 'level'], type: 'string' },
};

export class ConfigError extends Error {}

function fromEnv(env: NodeJS.ProcessEnv): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, { path: [section, key], type }] of Object.entries(envOverrides)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    let value: unknown = raw;
    if (type === 'number') value = /^-?\d+$/.test(raw) ? Number(raw) : raw;
    if (type === 'boolean') value = raw === 'true' ? true : raw === 'false' ? false : raw;
    (out[section] ??= {})[key] = value;
  }
  return out;
}

function merge(base: Record<string, unknown>, over: Record<string, Record<string, unknown>>) {
  const out: Record<string, unknown> = { ...base };
  for (const [section, values] of Object.entries(over)) {
    out[section] = { ...((base[section] as Record<string, unknown> | undefined) ?? {}), ...values };
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
      fileValues = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError(`config file ${file}: ${(err as Error).message}`);
    }
  }
  let input = merge(fileValues, fromEnv(env));
  if (options.overrides) input = merge(input, options.overrides as Record<string, Record<string, unknown>>);
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join('.') || '(top level)';
    throw new ConfigError(`invalid configuration: ${key}: ${issue.message}`);
  }
  return parsed.data;
}

export const workerCount = (config: Config) => config.media.workers || os.cpus().length;
