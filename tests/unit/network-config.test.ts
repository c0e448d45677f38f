// Configuration of the network-facing hardening: trusted proxies, the
// signalling slots, the admin listener, and what an issuer's jwksUrl may be.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config/config.js';

const issuer = (jwksUrl: string, extra: Record<string, unknown> = {}) => ({ issuer: 'https://lms.example', audience: 'aula', jwksUrl, ...extra });
const withIssuers = (issuers: unknown[]) => () => loadConfig({ env: {}, overrides: { issuers } as never });

describe('network configuration', () => {
  it('has safe defaults: no trusted proxy, a hello deadline, the admin API on loopback port 9465', () => {
    const c = loadConfig({ env: {} });
    expect(c.http.trustedProxies).toEqual([]);
    expect(c.signalling).toMatchObject({ helloTimeoutSeconds: 10, unjoinedConnections: 1000, connectionsPerAddress: 50 });
    expect(c.admin).toMatchObject({ host: '127.0.0.1', port: 9465 });
    expect(loadConfig({ env: { AULA_ADMIN_PORT: '19465', AULA_ADMIN_HOST: '10.0.0.5' } }).admin).toMatchObject({ host: '10.0.0.5', port: 19465 });
  });

  it('takes trusted proxies as addresses or CIDRs and refuses anything else', () => {
    const c = loadConfig({ env: {}, overrides: { http: { trustedProxies: ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8'] } } });
    expect(c.http.trustedProxies).toHaveLength(4);
    for (const bad of ['localhost', '10.0.0.0/33', '300.1.1.1', 'proxy.school.example']) {
      expect(() => loadConfig({ env: {}, overrides: { http: { trustedProxies: [bad] } } }), bad).toThrow(/http\.trustedProxies/);
    }
  });

  it('parses jwksUrl as a URL: https, or plain http on loopback only, never with user-info', () => {
    for (const ok of ['https://lms.example/jwks.json', 'http://127.0.0.1:8080/jwks', 'http://localhost/jwks', 'http://[::1]:9/jwks']) {
      expect(withIssuers([issuer(ok)]), ok).not.toThrow();
    }
    const refused: Array<[string, RegExp]> = [
      // The review's bypass: "localhost:x" is user-info, the host is evil.example.
      ['http://localhost:x@evil.example/jwks.json', /user-info/],
      ['https://user:pw@lms.example/jwks.json', /user-info/],
      ['http://lms.example/jwks.json', /https/],
      ['http://127.0.0.1.evil.example/jwks', /https/],
      ['ftp://127.0.0.1/jwks', /https/],
      ['not a url', /not a URL/],
    ];
    for (const [bad, why] of refused) expect(withIssuers([issuer(bad)]), bad).toThrow(why);
  });

  it('binds rooms to issuers: room ids only, each room to one issuer', () => {
    const room = 'a'.repeat(32);
    expect(withIssuers([issuer('https://a.example/j', { rooms: [room] })])).not.toThrow();
    expect(withIssuers([issuer('https://a.example/j', { rooms: ['../etc'] })])).toThrow(/issuers\.0\.rooms/);
    expect(
      withIssuers([issuer('https://a.example/j', { rooms: [room] }), issuer('https://b.example/j', { issuer: 'https://b.example', rooms: [room] })]),
    ).toThrow(/one issuer only/);
  });
});
