// A short, seeded fuzzing run in every CI; `npm run fuzz` runs 100 000 frames.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.js';
import { fuzzSignalling } from '../fuzz/signalling-fuzz.js';
import { footprint } from '../helpers/footprint.js';
import { startTestServer, tokenFor, waitFor } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';

const FRAMES = Number(process.env.AULA_FUZZ_FRAMES ?? 3000);
const SEED = Number(process.env.AULA_FUZZ_SEED ?? 20261127);
let server: RunningServer;
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  server = await startTestServer();
});
afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  await server.close();
});

describe('signalling fuzzer', () => {
  it(`answers ${FRAMES} malformed and adversarial frames (seed ${SEED}) with typed errors and keeps serving`, async () => {
    const other = await server.rooms.create({ title: 'Bystanders' });
    const bystander = await TestClient.connect(server.url);
    await bystander.enter(other.id, await tokenFor(server, other, 'participant'), 'Bystander');

    const baseline = await footprint(server);
    const result = await fuzzSignalling(server, FRAMES, SEED);
    console.log(`fuzz: ${result.frames} frames, ${result.answered} answered, ${result.ok} ok, errors by code ${JSON.stringify(result.codes)}`);
    expect(result.answered).toBe(result.frames);
    expect(Object.keys(result.codes).length).toBeGreaterThan(3);
    expect(result.codes.internal ?? 0).toBe(0);
    expect(rejections).toEqual([]);

    // The other room was not disturbed, and a newcomer still gets in with media transports.
    expect(await bystander.request('createTransport', { direction: 'recv' })).toMatchObject({ ok: true });
    expect(other.participants.size).toBe(1);
    const fresh = await TestClient.connect(server.url);
    expect(await fresh.enter(other.id, await tokenFor(server, other, 'participant'), 'Newcomer')).toMatchObject({ ok: true, data: { status: 'joined' } });
    expect(await fresh.request('createTransport', { direction: 'send' })).toMatchObject({ ok: true });
    await Promise.all([bystander.close(), fresh.close()]);

    // Memory returns to baseline: nothing the fuzzer made is still held.
    await waitFor(async () => (await footprint(server)).participants === 0, 10_000, 'everyone to have left');
    const after = await footprint(server);
    console.table({ baseline, after });
    expect(after).toMatchObject({ transports: 0, producers: 0, consumers: 0, workers: baseline.workers });
    expect(after.heapMB - baseline.heapMB).toBeLessThan(16);
    expect(after.handles - baseline.handles).toBeLessThanOrEqual(4);
  }, 600_000);
});
