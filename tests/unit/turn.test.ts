import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config/config.js';
import { turnCredentials } from '../../server/media/turn.js';

describe('TURN REST credentials', () => {
  it('expire after the ttl and are the HMAC-SHA1 of the username under the shared secret', () => {
    const now = Date.parse('2026-11-27T10:01:00Z');
    const [server] = turnCredentials(['turn:turn.example:3478'], 'secret-0123456789abcdef', 600, now);
    expect(server!.urls).toEqual(['turn:turn.example:3478']);
    expect(server!.username).toBe(`${Math.ceil((now / 1000 + 600) / 600) * 600}:aula`);
    // Two people joining a few minutes apart get the same username.
    expect(turnCredentials(['turn:x'], 'secret-0123456789abcdef', 600, now + 120_000)[0]!.username).toBe(server!.username);
    expect(server!.credential).toBe(createHmac('sha1', 'secret-0123456789abcdef').update(server!.username).digest('base64'));
  });

  it('are none without TURN, and the config refuses URLs without a secret', () => {
    expect(turnCredentials([], 'x'.repeat(16), 600)).toEqual([]);
    expect(() => loadConfig({ env: {}, overrides: { turn: { urls: ['turn:t.example:3478'] } } })).toThrow(/turn\.secret: turn\.urls needs turn\.secret/);
    expect(() => loadConfig({ env: {}, overrides: { turn: { urls: ['stun:stun.example.com'], secret: 'x'.repeat(16) } } })).toThrow(/turn\.urls/);
  });
});
