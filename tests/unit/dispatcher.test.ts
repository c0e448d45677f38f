// The dispatcher's promise: exactly one response per request, whatever the
// handler does. Handlers here are stand-ins on purpose (a handler that never
// settles cannot be made from a real one on demand); the real handlers and
// mediasoup are exercised by tests/integration/every-request-answered.test.ts
// and the stateful fuzzer.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { AulaError } from '../../server/errors.js';
import { refusal } from '../../server/media/refusal.js';
import { Dispatcher, requestIdOf } from '../../server/signalling/dispatcher.js';
import { openHandler, type Services } from '../../server/signalling/handler.js';
import { Session } from '../../server/signalling/session.js';

function setup(handle: () => Promise<unknown>, requestTimeoutMs = 200) {
  const lines: Array<{ level: number; msg: string; [k: string]: unknown }> = [];
  const log = pino({ level: 'debug' }, { write: (l: string) => lines.push(JSON.parse(l)) });
  const dispatcher = new Dispatcher({ log } as unknown as Services, () => undefined, { requestTimeoutMs }).register([
    openHandler('raiseHand', handle as never),
    openHandler('lowerHand', async () => ({})),
  ]);
  const sent: any[] = [];
  const session = new Session((text) => sent.push(JSON.parse(text)));
  const frame = (id: number, method = 'raiseHand') => JSON.stringify({ type: 'request', id, method, data: {} });
  return { dispatcher, session, sent, lines, frame };
}

describe('dispatcher: one answer per request', () => {
  it('answers a handler that throws an error of its own with internal, logged at error level without the request', async () => {
    const t = setup(async () => {
      throw new Error('disk full');
    });
    await t.dispatcher.dispatch(t.session, t.frame(7));
    expect(t.sent).toEqual([{ type: 'response', id: 7, ok: false, error: { code: 'internal', message: 'raiseHand failed on the server' } }]);
    expect(t.lines.filter((l) => l.level === 50)).toHaveLength(1);
  });

  it("treats a TypeError in aula's own code as a server fault (internal, error log), not as the client's invalid_params", async () => {
    const t = setup(async () => (undefined as unknown as { x: { y: number } }).x.y);
    await t.dispatcher.dispatch(t.session, t.frame(8));
    expect(t.sent[0]).toMatchObject({ id: 8, ok: false, error: { code: 'internal' } });
    const line = t.lines.find((l) => l.level === 50)!;
    expect(line).toMatchObject({ method: 'raiseHand', msg: 'request failed' });
    expect(String(line.err)).toMatch(/^TypeError/);
  });

  it('logs a bug whose message quotes the request without what the caller sent (a name, chat text)', async () => {
    const lines: Array<{ level: number; err?: string }> = [];
    const log = pino({ level: 'debug' }, { write: (l: string) => lines.push(JSON.parse(l)) });
    const dispatcher = new Dispatcher({ log } as unknown as Services).register([
      openHandler('setDisplayName', async (_ctx, { displayName }) => {
        throw new TypeError(`cannot show ${displayName} here`);
      }),
    ]);
    const sent: any[] = [];
    const session = new Session((text) => sent.push(JSON.parse(text)));
    await dispatcher.dispatch(session, JSON.stringify({ type: 'request', id: 9, method: 'setDisplayName', data: { displayName: 'Canary Cordelia' } }));
    expect(sent[0]).toMatchObject({ id: 9, ok: false, error: { code: 'internal' } });
    const line = lines.find((l) => l.level === 50)!;
    expect(line.err).toBe('TypeError: cannot show … here');
    expect(JSON.stringify(lines)).not.toContain('Cordelia');
  });

  it('answers a handler that never settles with timeout, and the next request in the queue is answered', async () => {
    const t = setup(() => new Promise(() => undefined));
    // The connection's queue: one request after the other (as ws-server.ts does).
    let queue = Promise.resolve();
    for (const [id, m] of [
      [1, 'raiseHand'],
      [2, 'lowerHand'],
    ] as const)
      queue = queue.then(() => t.dispatcher.dispatch(t.session, t.frame(id, m)));
    await queue;
    expect(t.sent).toEqual([
      { type: 'response', id: 1, ok: false, error: { code: 'timeout', message: expect.stringContaining('took too long') } },
      { type: 'response', id: 2, ok: true, data: {} },
    ]);
    expect(t.lines.find((l) => l.msg === 'request timed out')).toMatchObject({ level: 40, method: 'raiseHand' });
  });

  it('sends no second answer when a timed-out handler finishes later', async () => {
    const t = setup(() => new Promise((resolve) => setTimeout(() => resolve({}), 400)), 50);
    await t.dispatcher.dispatch(t.session, t.frame(3));
    await new Promise((r) => setTimeout(r, 600));
    expect(t.sent).toHaveLength(1);
    expect(t.sent[0]).toMatchObject({ id: 3, error: { code: 'timeout' } });
  });

  it('answers a result that cannot be serialised with internal instead of nothing', async () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    for (const data of [{ n: 1n }, circular]) {
      const t = setup(async () => data);
      await t.dispatcher.dispatch(t.session, t.frame(4));
      expect(t.sent).toEqual([{ type: 'response', id: 4, ok: false, error: { code: 'internal', message: 'raiseHand failed on the server' } }]);
    }
  });

  it('answers even when the socket throws on sending', async () => {
    const t = setup(async () => ({}));
    const broken = new Session(() => {
      throw new Error('socket gone');
    });
    await expect(t.dispatcher.dispatch(broken, t.frame(5))).resolves.toBeUndefined();
  });

  it('logs what mediasoup refused at debug level only, as a typed client error', async () => {
    const t = setup(async () => {
      throw refusal('connectTransport', new Error('connect() already called [method:WEBRTCTRANSPORT_CONNECT]'))!;
    });
    await t.dispatcher.dispatch(t.session, t.frame(6));
    expect(t.sent[0]).toMatchObject({ id: 6, error: { code: 'invalid_state' } });
    expect(t.lines.map((l) => l.level)).toEqual([20]);
  });
});

describe('refusal: what mediasoup refuses, typed', () => {
  it('maps state refusals to invalid_state, parameter refusals to invalid_params, and leaves a dead worker to internal', () => {
    const invalidState = Object.assign(new Error('Consumer closed'), { name: 'InvalidStateError' });
    expect(refusal('x', invalidState)?.code).toBe('invalid_state');
    expect(refusal('x', new Error('Channel request handler with ID abc not found'))?.code).toBe('invalid_state');
    expect(refusal('x', new TypeError('invalid encodings'))?.code).toBe('invalid_params');
    expect(refusal('x', new Error('wrong DTLS fingerprint value'))?.code).toBe('invalid_params');
    expect(refusal('x', Object.assign(new Error('Channel closed, pending request aborted'), { name: 'InvalidStateError' }))).toBeUndefined();
    const own = new AulaError('not_found', 'no such transport');
    expect(refusal('x', own)).toBe(own);
  });

  it('finds the id of a refused frame, if it has one', () => {
    expect(requestIdOf('{"type":"request","id":42,"method":"raiseHand"}')).toBe(42);
    expect(requestIdOf('{"id":-1}')).toBeNull();
    expect(requestIdOf('not json')).toBeNull();
    expect(requestIdOf('null')).toBeNull();
  });
});
