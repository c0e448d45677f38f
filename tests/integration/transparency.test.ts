// Privacy notice and record of processing from the live configuration,
// security headers, the problem-report endpoint's limits, and the one
// retention scheduler.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.js';
import { startTestServer, tokenFor } from '../helpers/server.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const DAY = 86_400_000;
let server: RunningServer;
let plain: RunningServer;

const config = {
  ledger: { retentionDays: 45 },
  problems: { retentionDays: 7 },
  links: { validityDays: 14 },
  privacy: { controller: { name: 'Gymnasium Nord, Stadt Beispiel', contact: 'datenschutz@gymnasium-nord.example' } },
  http: { frameAncestors: ['https://lms.gymnasium-nord.example'] },
};

beforeAll(async () => {
  server = await startTestServer(config);
  plain = await startTestServer({ ledger: { enabled: false } });
});
afterAll(async () => {
  await server.close();
  await plain.close();
});

describe('privacy notice at /privacy', () => {
  it('states controller, retention values and the report procedure, in English and German', async () => {
    const res = await fetch(`${server.url}/privacy`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Gymnasium Nord, Stadt Beispiel');
    expect(html).toContain('datenschutz@gymnasium-nord.example');
    expect(html).toContain('for 45 days after the meeting ends');
    expect(html).toContain('Reports are kept for 7 days');
    expect(html).toContain('valid for 14 days');
    expect(html).toContain('approved by a second operator');
    expect(html).toContain('<section lang="de"><h1>Datenschutzhinweis</h1>');
    expect(html).toContain('für 45 Tage nach dem Ende der Sitzung');
    expect(html).not.toMatch(/<script|style=/);
  });

  it('follows the configuration: no ledger, no attendance paragraph', async () => {
    const html = await (await fetch(`${plain.url}/privacy`)).text();
    expect(html).toContain('Attendance is not recorded on this server.');
    expect(html).toContain('Auf diesem Server wird keine Anwesenheit erfasst.');
    expect(html).toContain('the organisation that runs this aula server');
    expect(html).toContain('die Organisation, die diesen aula-Server betreibt');
    expect(html).toContain('which you can withdraw at any time');
  });
});

describe('record of processing activities', () => {
  const aula = (...args: string[]) => run(process.execPath, ['bin/aula.mjs', ...args, '--url', server.adminUrl, '--token', server.adminToken], { cwd: root });

  it('npx aula privacy record prints Markdown from the running configuration', async () => {
    const { stdout } = await aula('privacy', 'record');
    expect(stdout).toMatch(/^# Record of processing activities \(Art\. 30 GDPR\)/);
    expect(stdout).toContain('**Controller:** Gymnasium Nord, Stadt Beispiel — datenschutz@gymnasium-nord.example');
    expect(stdout).toContain('- **Retention:** 45 days after the meeting ends, then deleted (key and data).');
    expect(stdout).toContain('- **Retention:** 7 days, then deleted.');
    expect(stdout).toContain('JWE (ECDH-ES+A256KW, A256GCM)');
    expect(stdout).toContain('## Log policy');
  });

  it('and JSON with the same content', async () => {
    const record = JSON.parse((await aula('privacy', 'record', '--format', 'json')).stdout);
    expect(record.controller.name).toBe('Gymnasium Nord, Stadt Beispiel');
    expect(record.activities.map((a: { id: string }) => a.id)).toEqual(['meeting', 'attendance', 'problems', 'recordings', 'operations']);
    expect(record.activities.find((a: { id: string }) => a.id === 'attendance').retention).toContain('45 days');
    expect(record.technicalAndOrganisationalMeasures.length).toBeGreaterThan(5);
  });
});

describe('security headers', () => {
  it('a strict CSP with no inline script and no other origins, and the usual hardening', async () => {
    const res = await fetch(`${plain.url}/`);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toMatch(/https?:\/\//);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('permissions-policy')).toContain('camera=(self)');
  });

  it('frame-ancestors names the configured LMS origin, so it can embed aula', async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.headers.get('content-security-policy')).toContain('frame-ancestors https://lms.gymnasium-nord.example');
    expect(res.headers.get('x-frame-options')).toBeNull();
  });
});

describe('problem reports endpoint', () => {
  let linkHeaders: Record<string, string>;
  beforeAll(async () => {
    const room = await plain.rooms.create({ title: 'Reports' });
    linkHeaders = { 'x-aula-room': room.id, 'x-aula-link': await tokenFor(plain, room, 'participant') };
  });
  const post = (body: unknown, headers = linkHeaders) =>
    fetch(`${plain.url}/api/problems`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('accepts reports only from the page of a room with a valid link', async () => {
    expect((await post({ page: 'join' }, {})).status).toBe(403);
    expect((await post({ page: 'join' }, { ...linkHeaders, 'x-aula-link': `${linkHeaders['x-aula-link']}x` })).status).toBe(403);
    expect(plain.problems.list()).toHaveLength(0);
  });

  it("refuses control and text-direction characters meant for the operator's terminal", async () => {
    expect((await post({ description: 'fine\nsecond line' })).status).toBe(201);
    expect((await post({ description: 'evil \u001b[2J' })).status).toBe(400);
    expect((await post({ os: 'Linux\u202e' })).status).toBe(400);
    for (const p of plain.problems.list()) plain.problems.delete(p.id);
  });

  it('refuses fields it does not know: no name, no address, no link', async () => {
    for (const extra of [{ displayName: 'Ada' }, { ip: '192.0.2.1' }, { link: 'http://x/r/y#t=z' }]) {
      const res = await post({ page: 'join', ...extra });
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe('invalid_params');
    }
    expect((await post('{oops')).status).toBe(400);
    expect((await post({ description: 'x'.repeat(40_000) })).status).toBe(413);
    expect(plain.problems.list()).toHaveLength(0);
  });

  it('is rate-limited without keeping any address', async () => {
    const stored = plain.problems.list().length;
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await post({ page: 'join', description: `n${i}` })).status);
    const accepted = statuses.filter((s) => s === 201).length;
    // One shared bucket of 30 a minute (earlier tests used a few tokens).
    expect(accepted).toBeGreaterThanOrEqual(25);
    expect(accepted).toBeLessThanOrEqual(30);
    expect(statuses.slice(accepted)).toEqual(Array(40 - accepted).fill(429));
    expect(plain.problems.list()).toHaveLength(stored + accepted);
  });
});

describe('retention', () => {
  it('one scheduler purges every store and reports counts', async () => {
    const room = await server.rooms.create({ title: 'R' });
    const headers = { 'content-type': 'application/json', 'x-aula-room': room.id, 'x-aula-link': await tokenFor(server, room, 'participant') };
    await fetch(`${server.url}/api/problems`, { method: 'POST', headers, body: '{"page":"join"}' });
    expect(server.problems.list()).toHaveLength(1);
    expect(server.retention.runOnce(new Date(Date.now() + 6 * DAY))).toEqual({ meetings: 0, problemReports: 0, recordings: 0 });
    expect(server.retention.runOnce(new Date(Date.now() + 8 * DAY))).toEqual({ meetings: 0, problemReports: 1, recordings: 0 });
    expect(server.problems.list()).toHaveLength(0);
  });
});
