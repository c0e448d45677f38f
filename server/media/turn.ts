// TURN credentials in the TURN REST API scheme that coturn's use-auth-secret
// understands: username = "<expiry>:aula", password = base64(HMAC-SHA1(secret,
// username)). Time-limited, computed on demand, stored nowhere, naming nobody.
import { createHmac } from 'node:crypto';

export interface IceServer {
  urls: string[];
  username: string;
  credential: string;
}

export function turnCredentials(urls: string[], secret: string | undefined, ttlSeconds: number, now = Date.now()): IceServer[] {
  if (!urls.length || !secret) return [];
  // Rounded up to 10 minutes: everyone joining in the same window gets the
  // same expiry, so the username does not pin down one person's join time.
  const expiry = Math.ceil((Math.floor(now / 1000) + ttlSeconds) / 600) * 600;
  const username = `${expiry}:aula`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return [{ urls, username, credential }];
}
