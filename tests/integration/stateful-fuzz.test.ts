// The stateful media fuzzer (tests/fuzz/stateful-fuzz.ts): a short seeded run
// in every CI; `npm run fuzz` runs a long one (AULA_FUZZ_REQUESTS).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methods } from '../../shared/protocol.js';
import type { RunningServer } from '../../server/server.js';
import { coveredMethods, runStatefulFuzz } from '../fuzz/stateful-fuzz.js';
import { abandonedMessages } from '../../server/media/flatbuffers-guard.js';
import { footprint, mediasoupObjects } from '../helpers/footprint.js';
import { startTestServer, waitFor } from '../helpers/server.js';

const REQUESTS = Number(process.env.AULA_FUZZ_REQUESTS ?? 5000);
const SEED = Number(process.env.AULA_FUZZ_SEED ?? 20261201);
let server: RunningServer;
const rejections: unknown[] = [];
const errorLines: string[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  // Every log line, to prove that what clients do wrong never reaches the error log.
  server = await startTestServer(
    {},
    {
      logSink: (line) => {
        const entry = JSON.parse(line) as { level: number; msg: string; method?: string; err?: string };
        if (entry.level >= 50) errorLines.push(`${entry.msg} ${entry.method ?? ''} ${entry.err ?? ''}`);
      },
    },
  );
});
afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  await server?.close();
});

describe('stateful media fuzzer', () => {
  it('mutates requests of every method', () => {
    expect(coveredMethods()).toEqual(methods);
  });

  it(`answers ${REQUESTS} near-valid requests (seed ${SEED}) exactly once, never with internal, and leaves nothing behind`, async () => {
    const pids = server.pool.workers.map((w) => w.pid);
    const baseline = await footprint(server);
    const objectsBefore = await mediasoupObjects(server);
    const abandonedBefore = abandonedMessages();
    const result = await runStatefulFuzz(server, { requests: REQUESTS, seed: SEED });
    console.log(
      `stateful fuzz: ${result.sent} sent, ${result.answered} answered, ${result.ok} ok, ${result.droppedWithSocket} dropped with their socket, slowest ${result.slowestMs} ms; errors ${JSON.stringify(result.codes)}`,
    );
    console.log(`by method: ${JSON.stringify(result.byMethod)}`);
    expect(result.internal).toEqual([]);
    expect(result.unanswered).toEqual([]);
    expect(result.duplicates).toBe(0);
    expect(result.unmatched).toBe(0);
    expect(result.answered + result.droppedWithSocket).toBe(result.sent);
    expect(rejections).toEqual([]);
    expect(errorLines).toEqual([]);
    // No request got past the schema with a value mediasoup could not pack.
    expect(abandonedMessages() - abandonedBefore).toBe(0);

    // Everyone has left: not one mediasoup object more than before, the same worker.
    await waitFor(() => result.room.participants.size === 0, 30_000, 'everyone to have left');
    // The room stays (rooms outlive meetings): its router is all that is left of the run.
    await waitFor(async () => (await mediasoupObjects(server)) === objectsBefore + 1, 30_000, 'the mediasoup objects to be closed');
    server.rooms.close(result.room.id);
    await waitFor(async () => (await mediasoupObjects(server)) === objectsBefore, 30_000, 'the room router to be closed');
    expect(server.pool.workers.map((w) => w.pid)).toEqual(pids);
    expect(server.pool.replacements).toBe(0);
    const after = await footprint(server);
    console.table({ baseline, after });
    expect(after.heapMB - baseline.heapMB).toBeLessThan(24);
  }, 900_000);
});
