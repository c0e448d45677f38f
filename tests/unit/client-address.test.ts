// The address a connection is counted under (signalling.connectionsPerAddress).
import { describe, expect, it } from 'vitest';
import { ClientAddress } from '../../server/signalling/client-address.js';

describe('client address', () => {
  const behindProxy = new ClientAddress(['127.0.0.1', '10.1.0.0/16', '::1']);

  it('is the socket address when no proxy is trusted, whatever X-Forwarded-For says', () => {
    const direct = new ClientAddress([]);
    expect(direct.of('203.0.113.9', '198.51.100.1')).toBe('203.0.113.9');
    expect(direct.of('::ffff:203.0.113.9', undefined)).toBe('203.0.113.9');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(behindProxy.of('203.0.113.9', '198.51.100.1')).toBe('203.0.113.9');
  });

  it('takes the rightmost forwarded address that is not a trusted proxy', () => {
    expect(behindProxy.of('127.0.0.1', '198.51.100.1')).toBe('198.51.100.1');
    expect(behindProxy.of('::ffff:127.0.0.1', '198.51.100.1')).toBe('198.51.100.1');
    // A client-written entry to the left of what the proxy appended changes nothing.
    expect(behindProxy.of('127.0.0.1', '1.2.3.4, 198.51.100.1')).toBe('198.51.100.1');
    // Two proxies (a load balancer in 10.1/16, then nginx on loopback).
    expect(behindProxy.of('127.0.0.1', '198.51.100.1, 10.1.2.3')).toBe('198.51.100.1');
    // Several headers are one list.
    expect(behindProxy.of('127.0.0.1', ['1.2.3.4', '198.51.100.1, 10.1.2.3'])).toBe('198.51.100.1');
    expect(behindProxy.of('::1', '2001:db8::7')).toBe('2001:db8::7');
    // Proxies that write the client's port as well.
    expect(behindProxy.of('127.0.0.1', '198.51.100.1:51234')).toBe('198.51.100.1');
    expect(behindProxy.of('127.0.0.1', '[2001:db8::7]:443')).toBe('2001:db8::7');
  });

  it('falls back to the proxy itself for garbage, and to the farthest hop when every hop is trusted', () => {
    expect(behindProxy.of('127.0.0.1', '198.51.100.1, not-an-address')).toBe('127.0.0.1');
    expect(behindProxy.of('127.0.0.1', '')).toBe('127.0.0.1');
    expect(behindProxy.of('127.0.0.1', undefined)).toBe('127.0.0.1');
    expect(behindProxy.of('127.0.0.1', '10.1.9.9, 127.0.0.1')).toBe('10.1.9.9');
  });
});
