// A platform's public keys (its JWKS URL): fetched with a timeout and a size
// bound, cached, and fetched again when a token names a kid the cache lacks
// (the platform rotated its key), at most once per cooldown.
import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

const TIMEOUT_MS = 5000;
const MAX_BYTES = 64 * 1024;
const MAX_AGE_MS = 10 * 60_000;
const COOLDOWN_MS = 5000;

export class PlatformKeyError extends Error {
  constructor(readonly reason: 'platform_keys_unavailable' | 'unknown_key') {
    super(reason);
  }
}

export class PlatformKeys {
  private set: { keys: JWTVerifyGetKey; kids: Set<string>; at: number } | undefined;
  private pending: Promise<void> | undefined;

  constructor(private readonly url: string) {}

  /** A jose key resolver: the key for the token's kid (RS256 only; jwtVerify checks alg). */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    const kid = header.kid;
    const stale = !this.set || Date.now() - this.set.at > MAX_AGE_MS;
    const unknown = kid !== undefined && this.set && !this.set.kids.has(kid) && Date.now() - this.set.at > COOLDOWN_MS;
    if (stale || unknown) await this.refresh();
    if (!this.set) throw new PlatformKeyError('platform_keys_unavailable');
    try {
      return await this.set.keys(header, token);
    } catch {
      throw new PlatformKeyError('unknown_key');
    }
  };

  private refresh(): Promise<void> {
    this.pending ??= this.fetch().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async fetch(): Promise<void> {
    try {
      const res = await fetch(this.url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error', headers: { accept: 'application/json' } });
      if (!res.ok || !res.body) throw new Error(`status ${res.status}`);
      const chunks: Uint8Array[] = [];
      let size = 0;
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > MAX_BYTES) {
          await reader.cancel();
          throw new Error('too large');
        }
        chunks.push(value);
      }
      const jwks = JSON.parse(Buffer.concat(chunks).toString('utf8')) as JSONWebKeySet;
      if (!Array.isArray(jwks?.keys)) throw new Error('no keys');
      this.set = {
        keys: createLocalJWKSet(jwks),
        kids: new Set(jwks.keys.map((k) => k.kid).filter((k): k is string => typeof k === 'string')),
        at: Date.now(),
      };
    } catch {
      // Keep a previous set if there was one: the platform's endpoint may be briefly down.
      if (this.set) this.set.at = Date.now() - MAX_AGE_MS + COOLDOWN_MS;
    }
  }
}
