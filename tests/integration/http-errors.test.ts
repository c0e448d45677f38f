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
    await expectPlainError(await fetch(`${server.adminUrl}/api/admin/recordings/%E0%A4%A`, { headers: auth }), 400);
  });

  it('a body that is not JSON gets a bare JSON 400', async () => {
    const res = await fetch(`${server.url}/api/problems`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"not json' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(await res.text()).not.toMatch(/    at |node_modules|SyntaxError/);
  });
});
