// mediasoup ≥ 3.19.22 would close every worker the moment the process gets
// SIGTERM/SIGINT, before aula's own shutdown (rooms told, recordings stopped
// cleanly, ledger flushed; server/main.ts) has run. The pool takes those
// listeners off; this checks it on real workers, and that mediasoup still
// registers them the way worker-signals.ts expects (so a mediasoup upgrade
// that renames them fails here instead of silently changing shutdown).
import * as mediasoup from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepWorkerThroughSignals } from '../../server/media/worker-signals.js';
import type { RunningServer } from '../../server/server.js';
import { startTestServer } from '../helpers/server.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer({ media: { workers: 2 } });
});
afterAll(async () => {
  await server.close();
});

const onSignalOf = (worker: unknown) => (worker as { onSignal?: (s: NodeJS.Signals) => void }).onSignal;

describe('mediasoup workers and process signals', () => {
  it('a bare mediasoup worker closes itself on SIGTERM/SIGINT (the listener aula removes)', async () => {
    const worker = await mediasoup.createWorker({ logLevel: 'warn' });
    try {
      const onSignal = onSignalOf(worker);
      expect(typeof onSignal).toBe('function');
      expect(process.listeners('SIGTERM')).toContain(onSignal);
      expect(process.listeners('SIGINT')).toContain(onSignal);
      expect(keepWorkerThroughSignals(worker)).toBe(true);
      expect(process.listeners('SIGTERM')).not.toContain(onSignal);
      expect(process.listeners('SIGINT')).not.toContain(onSignal);
      expect(worker.closed).toBe(false);
    } finally {
      worker.close();
    }
  });

  it("the pool's workers stay up through a signal until aula closes them", () => {
    expect(server.pool.workers).toHaveLength(2);
    for (const worker of server.pool.workers) {
      expect(process.listeners('SIGTERM')).not.toContain(onSignalOf(worker));
      expect(process.listeners('SIGINT')).not.toContain(onSignalOf(worker));
      expect(worker.closed).toBe(false);
    }
  });
});
