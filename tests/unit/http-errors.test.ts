// HTTP errors have one shape, {"error": {"code", "message"}}, and one handler
// (server/http/errors.ts): a chosen answer keeps its status and code, a parser's
// complaint becomes a plain 4xx, and a bug in aula is a bare 500 that the
// operator finds in the log at error level, without the URL, headers, body or
// message (any of which may carry a token or a name). Express runs for real
// here, on a loopback port; no mediasoup worker is needed.
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AulaError, HttpError } from '../../server/errors.js';
import { jsonErrors } from '../../server/http/errors.js';

const CANARY = 'Zoë-Canary-7f3a';
let server: http.Server;
let base = '';
const logged: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  const app = express();
  const router = express.Router();
  router.use(express.json({ limit: '1kb' }));
  router.get('/chosen', () => {
    throw new HttpError(409, 'not_ready', 'the video is not there yet');
  });
  router.get('/layer', () => {
    throw new AulaError('busy', 'this recording is being composed');
  });
  router.get('/pdf', () => {
    throw new AulaError('not_pdf', 'this file is not a PDF');
  });
  router.post('/json', (req, res) => void res.json({ got: req.body as unknown }));
  router.get('/items/:id', (req) => {
    // A bug: the message holds what a participant typed.
    throw new TypeError(`Cannot read properties of undefined (reading '${CANARY}') for ${req.params.id}`);
  });
  router.get('/async', async () => {
    await Promise.resolve();
    throw new Error(`lost ${CANARY}`);
  });
  router.get('/half', (_req, res) => {
    res.write('partial');
    throw new Error('after the headers');
  });
  app.use('/api', router);
  jsonErrors(app, pino({ level: 'debug' }, { write: (line: string) => logged.push(JSON.parse(line) as Record<string, unknown>) }));
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function answer(res: Response) {
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const text = await res.text();
  for (const leak of ['    at ', 'node_modules', CANARY, 'TypeError']) expect(text).not.toContain(leak);
  return { status: res.status, body: JSON.parse(text) as unknown };
}

describe('one HTTP error shape and handler', () => {
  it('sends a chosen HttpError with its status, code and message', async () => {
    expect(await answer(await fetch(`${base}/api/chosen`))).toEqual({
      status: 409,
      body: { error: { code: 'not_ready', message: 'the video is not there yet' } },
    });
  });

  it("maps an AulaError from the layers below to its code's status", async () => {
    expect(await answer(await fetch(`${base}/api/layer`))).toEqual({
      status: 409,
      body: { error: { code: 'busy', message: 'this recording is being composed' } },
    });
    expect((await answer(await fetch(`${base}/api/pdf`))).status).toBe(415);
  });

  it("turns the parsers' complaints into plain 4xx answers", async () => {
    const post = (body: string) => fetch(`${base}/api/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(await answer(await post('{"not json'))).toEqual({ status: 400, body: { error: { code: 'bad_json', message: 'request body is not valid JSON' } } });
    expect(await answer(await post(JSON.stringify({ text: 'x'.repeat(2000) })))).toEqual({
      status: 413,
      body: { error: { code: 'too_large', message: 'request body too large' } },
    });
    expect(await answer(await fetch(`${base}/api/items/%E0%A4%A`))).toEqual({
      status: 400,
      body: { error: { code: 'bad_request', message: 'the request is not valid' } },
    });
    expect(await answer(await fetch(`${base}/nowhere`))).toEqual({ status: 404, body: { error: { code: 'not_found', message: 'not found' } } });
  });

  it('answers a bug with a bare 500 and logs it at error level without request data or the message', async () => {
    logged.length = 0;
    const sync = await fetch(`${base}/api/items/${CANARY}?t=secret-token-123`, { headers: { authorization: `Bearer ${CANARY}` } });
    expect(await answer(sync)).toEqual({ status: 500, body: { error: { code: 'internal', message: 'the request failed on the server' } } });
    expect((await answer(await fetch(`${base}/api/async`))).status).toBe(500);
    expect(logged.map((l) => [l.level, l.msg, l.route])).toEqual([
      [50, 'http request failed', '/items/:id'],
      [50, 'http request failed', '/async'],
    ]);
    expect(logged[0]).toMatchObject({ method: 'GET', err: { name: 'TypeError' } });
    expect((logged[0]!.err as { stack: string }).stack).toMatch(/^\s+at /);
    const text = JSON.stringify(logged);
    for (const leak of [CANARY, 'secret-token-123', 'Cannot read properties']) expect(text).not.toContain(leak);
  });

  it('does not log an answer it chose', async () => {
    logged.length = 0;
    await fetch(`${base}/api/chosen`);
    await fetch(`${base}/api/layer`);
    expect(logged).toEqual([]);
  });

  it('cuts a response whose headers were sent already, so the client sees it is incomplete', async () => {
    await expect((await fetch(`${base}/api/half`)).text()).rejects.toThrow();
  });
});
