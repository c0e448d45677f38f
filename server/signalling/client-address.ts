// Which address a connection comes from, for the per-address connection cap.
// Behind a reverse proxy every socket comes from the proxy; only for proxies
// the operator named (http.trustedProxies) is X-Forwarded-For believed, and
// then only its rightmost untrusted entry: everything left of it was written
// by the client and can be anything. The result is a count key in memory,
// never logged or stored.
import { BlockList, isIP } from 'node:net';

/**
 * `::ffff:192.0.2.1` (an IPv4 peer on a dual-stack socket) → `192.0.2.1`;
 * `192.0.2.1:5678` and `[2001:db8::1]:5678` (proxies that add the port) →
 * the address alone.
 */
function plain(address: string): string {
  const m = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})(?::\d{1,5})?$/i.exec(address) ?? /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/i.exec(address);
  return m ? m[1]! : address;
}

export class ClientAddress {
  private readonly trusted = new BlockList();
  private readonly any: boolean;

  constructor(trustedProxies: readonly string[]) {
    for (const entry of trustedProxies) {
      const [address, prefix] = entry.split('/') as [string, string | undefined];
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) this.trusted.addAddress(address, type);
      else this.trusted.addSubnet(address, Number(prefix), type);
    }
    this.any = trustedProxies.length > 0;
  }

  isTrusted(address: string): boolean {
    const a = plain(address);
    const type = isIP(a);
    return type !== 0 && this.trusted.check(a, type === 6 ? 'ipv6' : 'ipv4');
  }

  /** The client's address, given the socket's peer and the request's X-Forwarded-For. */
  of(peer: string | undefined, forwardedFor: string | string[] | undefined): string {
    const direct = plain(peer ?? '');
    if (!this.any || !this.isTrusted(direct) || forwardedFor === undefined) return direct;
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
      .split(',')
      .map((h) => plain(h.trim()))
      .filter(Boolean);
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i]!;
      // Garbage where our proxy writes the address: fall back to the proxy
      // itself (strict), not to something a client could vary.
      if (isIP(hop) === 0) return direct;
      if (!this.isTrusted(hop)) return hop;
    }
    // Every hop is a trusted proxy: the farthest one is the best we know.
    return hops[0] ?? direct;
  }
}
