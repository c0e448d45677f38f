import { describe, expect, it } from 'vitest';
import { parseRequest, requests, serverMessage } from '../../shared/protocol.js';

const req = (method: string, data?: unknown, id = 7) => JSON.stringify({ type: 'request', id, method, data });
const caps = { codecs: [{ mimeType: 'audio/opus', clockRate: 48000, kind: 'audio' }], headerExtensions: [] };

describe('parseRequest', () => {
  it('accepts a valid join and trims the display name', () => {
    const r = parseRequest(req('join', { displayName: '  Ada  ', rtpCapabilities: caps }));
    expect(r).toMatchObject({ ok: true, id: 7, method: 'join', params: { displayName: 'Ada' } });
  });

  it('answers malformed JSON with bad_json and no id', () => {
    expect(parseRequest('{"type":')).toEqual({ ok: false, id: null, error: expect.objectContaining({ code: 'bad_json' }) });
  });

  it('answers a non-envelope with bad_request, keeping a usable id', () => {
    expect(parseRequest(JSON.stringify({ id: 3, method: 'join' }))).toMatchObject({ ok: false, id: 3, error: { code: 'bad_request' } });
    expect(parseRequest('[1,2,3]')).toMatchObject({ ok: false, id: null, error: { code: 'bad_request' } });
    expect(parseRequest('null')).toMatchObject({ ok: false, id: null, error: { code: 'bad_request' } });
    expect(parseRequest(JSON.stringify({ type: 'request', id: -1, method: 'leave' }))).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('answers an unknown method with unknown_method', () => {
    expect(parseRequest(req('launchRockets'))).toMatchObject({ ok: false, id: 7, error: { code: 'unknown_method' } });
    // Inherited object keys are not methods.
    expect(parseRequest(req('toString'))).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(parseRequest(req('__proto__'))).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
  });

  it('answers wrong parameter types with invalid_params naming the field', () => {
    const r = parseRequest(req('createTransport', { direction: 42 }));
    expect(r).toMatchObject({ ok: false, id: 7, error: { code: 'invalid_params' } });
    if (!r.ok) expect(r.error.message).toContain('direction');
    expect(parseRequest(req('leave', { extra: true }))).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
  });

  it('rejects display names that are empty, too long or carry control characters', () => {
    const join = (displayName: unknown) => parseRequest(req('join', { displayName, rtpCapabilities: caps }));
    expect(join('   ')).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(join('x'.repeat(65))).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(join('Eve\nINFO forged log line')).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(join(['Ada'])).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(join('Zoë 李 🙂')).toMatchObject({ ok: true });
  });

  it('rejects room ids outside the URL-safe alphabet', () => {
    const r = parseRequest(req('hello', { roomId: '../etc/passwd', token: 'x'.repeat(40) }));
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
  });

  it('bounds list sizes inside RTP parameters', () => {
    const codecs = Array.from({ length: 65 }, () => ({ mimeType: 'audio/opus', clockRate: 48000 }));
    const r = parseRequest(req('join', { displayName: 'A', rtpCapabilities: { codecs } }));
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
  });

  it('refuses encodings mediasoup cannot pack (a fractional maxBitrate broke its shared FlatBuffers builder)', () => {
    const produce = (encoding: Record<string, unknown>) =>
      parseRequest(
        req('produce', {
          transportId: 't1',
          kind: 'video',
          source: 'camera',
          rtpParameters: { codecs: [{ mimeType: 'video/VP8', clockRate: 90000, payloadType: 96 }], encodings: [encoding] },
        }),
      );
    expect(produce({ ssrc: 1234, maxBitrate: 1.5 })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(produce({ ssrc: -1 })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(produce({ rid: 'r0', rtx: { ssrc: 2 ** 32 } })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    // What browsers send passes, keys mediasoup knows beyond these included.
    expect(produce({ rid: 'r0', maxBitrate: 150000, scalabilityMode: 'L1T3', scaleResolutionDownBy: 4, active: true, dtx: false })).toMatchObject({ ok: true });
  });

  it('never throws, whatever the input', () => {
    const inputs = ['', ' ', '"str"', '1e999', '{"type":"request","id":1,"method":"join","data":null}', '\u0000', '{'.repeat(10000)];
    for (const input of inputs) expect(() => parseRequest(input)).not.toThrow();
  });
});

describe('server messages', () => {
  it('validates responses and notifications the client receives', () => {
    expect(serverMessage.safeParse({ type: 'response', id: 1, ok: true, data: {} }).success).toBe(true);
    expect(serverMessage.safeParse({ type: 'response', id: null, ok: false, error: { code: 'bad_json', message: 'x' } }).success).toBe(true);
    expect(serverMessage.safeParse({ type: 'response', id: 1, ok: false, error: { code: 'made_up', message: 'x' } }).success).toBe(false);
    expect(requests.consume.result.safeParse({ consumerId: 'c' }).success).toBe(false);
  });
});
