// The ledger is written durably: kill -9 the server in the middle of a
// meeting, start it again, and what was recorded is still there.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.js';
import { startTestServer, waitFor } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';

const root = path.resolve(import.meta.dirname, '../..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aula-crash-'));
let child: ChildProcess | undefined;
let restarted: RunningServer | undefined;

afterAll(async () => {
  child?.kill('SIGKILL');
  await restarted?.close();
});

describe('ledger durability', () => {
  it('keeps every recorded join after kill -9 and ends the interrupted meeting on restart', async () => {
    let stdout = '';
    child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: root,
      env: {
        ...process.env,
        AULA_HTTP_PORT: '0',
        AULA_METRICS_PORT: '0',
        AULA_ADMIN_PORT: '0',
        AULA_CONFIG: '',
        AULA_DATA_DIR: dataDir,
        AULA_MEDIA_WORKERS: '1',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout!.on('data', (d) => (stdout += d));
    const [, base, roomId, token] = await waitFor(() => /guest link: +(http:\/\/localhost:\d+)\/r\/([A-Za-z0-9_-]+)#t=(\S+)/.exec(stdout), 30_000, 'demo link');
    // Joins at once go into one group commit; each answer waits for its fsync.
    const names = Array.from({ length: 8 }, (_, i) => `Crash Canary-${i + 1}`);
    const clients = await Promise.all(names.map(() => TestClient.connect(base!)));
    const replies = await Promise.all(clients.map((c, i) => c.enter(roomId!, token!, names[i]!, `crash-browser-${String(i).padStart(6, '0')}`)));
    for (const r of replies) expect(r).toMatchObject({ ok: true, data: { status: 'joined' } });
    expect(await clients[0]!.request('setDisplayName', { displayName: 'Crash Canary-renamed' })).toMatchObject({ ok: true });
    // Each join and the rename were on disk before the server answered; now pull the plug at once.
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));

    restarted = await startTestServer({}, { dataDir });
    const [meeting] = restarted.ledger!.meetings();
    expect(meeting?.roomId).toBe(roomId);
    expect(meeting?.endedAt).toBeTypeOf('string');
    const events = restarted.ledger!.read(meeting!.id);
    expect(
      events
        .filter((e) => e.type === 'join')
        .map((e) => e.displayName)
        .sort(),
    ).toEqual([...names].sort());
    expect(events.filter((e) => e.type === 'change').map((e) => e.displayName)).toEqual(['Crash Canary-renamed']);
  });
});
