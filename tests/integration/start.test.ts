// `npm start`'s entry point as a real process: embedded defaults, one worker
// per core, a demo room whose printed link works, clean shutdown.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../server/privacy/audit-log.js';
import { auditKey, Ledger, ledgerMasterKey } from '../../server/privacy/ledger.js';
import { waitFor } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';

const root = path.resolve(import.meta.dirname, '../..');
let child: ChildProcess | undefined;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aula-start-'));

afterAll(() => {
  child?.kill('SIGKILL');
});

describe('server/main.ts', () => {
  it('starts with defaults, prints a working demo room link and shuts down on SIGTERM', async () => {
    let stdout = '';
    let stderr = '';
    child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: root,
      // Port 0 so the test never collides with a running aula; all else default.
      env: {
        ...process.env,
        AULA_HTTP_PORT: '0',
        AULA_METRICS_PORT: '0',
        AULA_ADMIN_PORT: '0',
        AULA_CONFIG: '',
        AULA_DATA_DIR: dataDir,
        AULA_ADMIN_TOKEN: 'secret-admin-token-canary-0123456789',
        AULA_TURN_URLS: 'turn:turn.example:3478',
        AULA_TURN_SECRET: 'secret-turn-canary-0123456789',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));

    const link = await waitFor(() => /guest link: +(http:\/\/localhost:\d+\/r\/([0-9a-f]{32}))#t=(\S+)/.exec(stdout), 30_000, 'demo guest link');
    const [, url, roomId, token] = link;
    expect(stdout).toMatch(/moderator link: +http:\/\/localhost:\d+\/r\/[0-9a-f]{32}#t=\S+/);
    // The start-up banner shows the effective configuration, secrets masked.
    expect(stdout).toContain('aula configuration:');
    expect(stdout).toMatch(/^ {2}http\.port = 0$/m);
    expect(stdout).toMatch(/^ {2}admin\.token = \*\*\*$/m);
    expect(stdout).toMatch(/^ {2}turn\.secret = \*\*\*$/m);
    expect(stdout).not.toContain('secret-admin-token-canary');
    expect(stdout).not.toContain('secret-turn-canary');
    const base = new URL(url!).origin;

    const page = await fetch(url!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/assets/app.js');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect((await fetch(`${base}/assets/app.js`)).status).toBe(200);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    const client = await TestClient.connect(base);
    const caps = await client.request('hello', { roomId: roomId!, token: token! });
    expect(caps).toMatchObject({ ok: true, data: { title: 'Demo classroom', role: 'participant' } });
    const mimeTypes = (caps.data.routerRtpCapabilities.codecs as Array<{ mimeType: string }>).map((c) => c.mimeType);
    expect(mimeTypes).toEqual(expect.arrayContaining(['audio/opus', 'video/VP8']));
    expect(await client.request('join', { displayName: 'Stays till the end', rtpCapabilities: caps.data.routerRtpCapabilities })).toMatchObject({ ok: true });

    // One mediasoup worker per core, reported in the structured start-up log.
    const started = stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
      .find((l) => l.msg === 'mediasoup workers started');
    expect(started?.workers).toBe(os.cpus().length);

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    // The participant is told before the socket closes, and the process exits cleanly.
    expect(await client.notification('roomClosed', 10_000)).toMatchObject({ code: 'server_shutdown' });
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    await client.close();

    // The ledger was flushed: the join is there and the meeting ended at shutdown.
    const masterKey = ledgerMasterKey(undefined, dataDir);
    const ledger = new Ledger(dataDir, masterKey, 30, new AuditLog(dataDir, auditKey(masterKey)));
    const [meeting] = ledger.meetings();
    expect(meeting?.endedAt).toBeTypeOf('string');
    expect(ledger.read(meeting!.id).map((e) => [e.type, e.displayName])).toEqual([
      ['join', 'Stays till the end'],
      ['leave', undefined],
    ]);

    // The data directory is private, and so are the secrets in it.
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    for (const f of ['server-key.json', 'rooms.json', 'ledger-master.key']) {
      expect(fs.statSync(path.join(dataDir, f)).mode & 0o777).toBe(0o600);
    }
  });
});
