// Starts the real aula server in-process (real mediasoup worker, port 0).
import { loadConfig } from '../../server/config/config.js';
import { createLogger } from '../../server/log.js';
import { type RunningServer, startServer } from '../../server/server.js';

export async function startTestServer(workers = 1): Promise<RunningServer> {
  const config = loadConfig({
    env: {},
    overrides: {
      http: { port: 0 },
      media: { workers },
      rooms: { demoRoom: false },
      log: { level: 'silent' },
    },
  });
  return startServer(config, createLogger('silent'));
}

/** Poll until `check` returns a truthy value or the time is up. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
      last = v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}
