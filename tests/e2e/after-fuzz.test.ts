// After fuzzing runs against the same server (the frame fuzzer and the
// stateful media fuzzer), real browsers still join and decode each other's video.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.js';
import { fuzzSignalling } from '../fuzz/signalling-fuzz.js';
import { runStatefulFuzz } from '../fuzz/stateful-fuzz.js';
import { joinThroughUi, launchChromium } from '../helpers/browser.js';
import { linkPath, startTestServer, waitFor } from '../helpers/server.js';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('after fuzzing', () => {
  it('a new class joins and decodes video in Chromium', { timeout: 300_000 }, async () => {
    const result = await fuzzSignalling(server, 2000, 7);
    expect(result.answered).toBe(2000);
    expect(result.codes.internal ?? 0).toBe(0);
    const pids = server.pool.workers.map((w) => w.pid);
    const stateful = await runStatefulFuzz(server, { requests: 800, seed: 11 });
    expect(stateful.internal).toEqual([]);
    expect(stateful.unanswered).toEqual([]);
    expect(server.pool.workers.map((w) => w.pid)).toEqual(pids); // the same worker, not a replacement
    const room = await server.rooms.create({ title: 'After the storm' });
    const links = await server.links(room);
    await joinThroughUi(browser, `${server.url}${linkPath(links.moderator)}`, 'Teacher');
    const pupil = await joinThroughUi(browser, `${server.url}${linkPath(links.guest)}`, 'Pupil');
    await waitFor(
      () =>
        pupil.evaluate(async () =>
          ((await (window as any).aula.stats()) as Array<{ kind: string; framesDecoded: number }>).some((s) => s.kind === 'video' && s.framesDecoded > 0),
        ),
      20_000,
      'video decoded after fuzzing',
    );
  });
});
