// Starts the real aula server in-process (real mediasoup worker, port 0, a
// fresh temporary data directory).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Role } from '../../shared/protocol.js';
import { type ConfigInput, loadConfig } from '../../server/config/config.js';
import { createLogger } from '../../server/log.js';
import type { Room } from '../../server/rooms/room.js';
import { type RunningServer, startServer } from '../../server/server.js';

export interface TestServerOptions {
  /** Reuse a data directory (to test restarts); a fresh one by default. */
  dataDir?: string;
  /** Receives every log line (JSON) at debug level, for log-privacy checks. */
  logSink?: (line: string) => void;
}

export async function startTestServer(overrides: ConfigInput = {}, options: TestServerOptions = {}): Promise<RunningServer> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'aula-test-data-'));
  const config = loadConfig({
    env: {},
    overrides: {
      ...overrides,
      http: { port: 0, ...overrides.http },
      media: { workers: 1, ...overrides.media },
      metrics: { port: 0, ...overrides.metrics },
      admin: { port: 0, ...overrides.admin },
      // Tests pipeline hundreds of frames; the rate limits get their own test.
      signalling: { messagesPerSecond: 10_000, messageBurst: 10_000, joinsPerMinute: 1_000_000, ...overrides.signalling },
      rooms: { ...overrides.rooms, demoRoom: false },
      data: { dir: dataDir },
      log: { level: 'silent' },
    },
  });
  const log = options.logSink ? pino({ level: 'debug' }, { write: (line: string) => options.logSink!(line) }) : createLogger('silent');
  return startServer(config, log);
}

/** A valid link token for the room, as the admin API would issue it. */
export function tokenFor(server: RunningServer, room: Room, role: Role, validitySeconds = 3600): Promise<string> {
  return server.signer.issue({ room: room.id, role, gen: room.linkGeneration }, validitySeconds);
}

/** The path and fragment of a link, for a browser on the test server. */
export const linkPath = (link: string): string => link.slice(link.indexOf('/r/'));

/** Poll until `check` returns a truthy value or the time is up. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await check();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}
