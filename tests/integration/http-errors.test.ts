// No HTTP error answer carries a stack trace or a path, whatever NODE_ENV is:
// express's own final handler prints err.stack unless NODE_ENV=production.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.js';
import { startTestServer } from '../helpers/server.js';

let server: RunningServer;
const nodeEnv = process.env.NODE_ENV;

beforeAll(async () => {
  process.env.NODE_ENV = 'development'; // as under `npm start`, where nothing sets it
  server = await startTestServer();
});
afterAll(async () => {
  process.env.NODE_ENV = nodeEnv;
  await server.close();
});

async function expectPlainError(res: Response, status: number | number[]) {
  expect([status].flat()).toContain(res.status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = await res.text();
  expect(JSON.parse(body).error.code).toBeTypeOf('string');
  for (const leak of ['URIError', 'Error:', '    at ', 'node_modules', '/work/', process.cwd()]) expect(body).not.toContain(leak);
}

describe('HTTP errors', () => {
  it('a malformed %-escape in a path gets a bare JSON 400 on the main port', async () => {
    await expectPlainError(await fetch(`${server.url}/r/%E0%A4%A`), 400);
    // express.static gives up on the name: not found, plainly.
    await expectPlainError(await fetch(`${server.url}/assets/%E0%A4%A`), [400, 404]);
  });

  it('and on the admin listener', async () => {
    const auth = { authorization: `Bearer ${server.adminToken}` };
    await expectPlainError(await fetch(`${server.adminUrl}/api/admin/rooms/%E0%A4%A`, { headers: auth }), 400);
    // Not a JSON body's fault: a plain bad_request (the admin API once called every 400 bad_json).
    expect((await (await fetch(`${server.adminUrl}/api/admin/rooms/%E0%A4%A`, { headers: auth })).json()).error.code).toBe('bad_request');
    await expectPlainError(await fetch(`${server.adminUrl}/api/admin/recordings/%E0%A4%A`, { headers: auth }), 400);
  });

  it('a body that is not JSON gets a bare JSON 400', async () => {
    const res = await fetch(`${server.url}/api/problems`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"not json' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(await res.text()).not.toMatch(/ {4}at |node_modules|SyntaxError/);
  });

  it('every API answers a refusal as {"error": {"code", "message"}} with its status', async () => {
    const auth = { authorization: `Bearer ${server.adminToken}` };
    const json = { ...auth, 'content-type': 'application/json' };
    const admin = (p: string, init: RequestInit = {}) => fetch(`${server.adminUrl}/api/admin${p}`, { headers: auth, ...init });
    const cases: Array<[string, Promise<Response>, number, string]> = [
      ['admin token missing', fetch(`${server.adminUrl}/api/admin/rooms`), 401, 'unauthorized'],
      ['unknown room', admin('/rooms/no-such-room'), 404, 'not_found'],
      ['room without a title', admin('/rooms', { method: 'POST', headers: json, body: '{}' }), 400, 'invalid_params'],
      ['unknown recording', admin('/recordings/no-such-recording'), 404, 'not_found'],
      ['unknown problem report', admin('/problems/no-such-report'), 404, 'not_found'],
      [
        'report step with a forged assertion',
        admin('/reports', { method: 'POST', headers: json, body: JSON.stringify({ assertion: 'x'.repeat(32) }) }),
        401,
        'bad_assertion',
      ],
      [
        'problem report without a link',
        fetch(`${server.url}/api/problems`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
        403,
        'forbidden',
      ],
      ['slides nobody uploaded', fetch(`${server.url}/api/presentations/no-such-slides/file`), 404, 'not_found'],
      ['unknown path on the main port', fetch(`${server.url}/api/nothing-here`), 404, 'not_found'],
      ['unknown path on the metrics port', fetch(server.metricsUrl!.replace(/\/metrics$/, '/other')), 404, 'not_found'],
    ];
    for (const [what, pending, status, code] of cases) {
      const res = await pending;
      await expectPlainError(res.clone(), status);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect({ what, status: res.status, code: body.error.code }).toEqual({ what, status, code });
      expect(Object.keys(body)).toEqual(['error']);
      expect(Object.keys(body.error).sort()).toEqual(['code', 'message']);
      expect(body.error.message).toBeTypeOf('string');
    }
  });
});
