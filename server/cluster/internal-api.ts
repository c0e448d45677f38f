// The internal listener's HTTP side (cluster.internalUrl, private network only):
// what one node asks another for — sealed ledger segments, recordings, the
// node's admin view. Every request carries an HMAC of method and path made
// with cluster.secret; anything else is refused.
import type http from 'node:http';
import { authValid, nodeAuth } from './relay.js';

export const NODE_AUTH = 'x-aula-node';
const AUTH = NODE_AUTH;
const MAX_BODY = 64 * 1024;

export interface InternalRoute {
  method: 'GET' | 'POST';
  path: RegExp;
  /** JSON answer; or a function that streams the answer itself. */
  handle(match: RegExpExecArray, body: unknown, res: http.ServerResponse): Promise<unknown>;
}
export type InternalRoutes = InternalRoute[];

export async function internalRequest(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  secret: string,
  routes: InternalRoutes,
  admin: http.RequestListener,
  /** Requests another node relayed for a room hosted here (slides), served by this node's public app. */
  relayed?: { prefix: string; app: http.RequestListener },
): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const json = (status: number, value: unknown) => {
    if (res.headersSent) return void res.end();
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  };
  if (!authValid(secret, req.headers[AUTH] as string | undefined, `${req.method} ${path}`)) {
    return json(403, { error: { code: 'forbidden', message: 'not a node of this cluster' } });
  }
  if (path.startsWith('/internal/admin/')) return void admin(req, res);
  if (relayed && path.startsWith(relayed.prefix)) return void relayed.app(req, res);
  for (const route of routes) {
    const match = route.method === req.method ? route.path.exec(path) : null;
    if (!match) continue;
    try {
      let body: unknown;
      if (req.method === 'POST') {
        let text = '';
        for await (const chunk of req) {
          text += chunk;
          if (text.length > MAX_BODY) return json(413, { error: { code: 'too_large', message: 'body too large' } });
        }
        body = text ? JSON.parse(text) : {};
      }
      const result = await route.handle(match, body, res);
      if (!res.writableEnded && result !== undefined) json(200, result);
    } catch (err) {
      const e = err as Error & { status?: number; code?: string };
      json(e.status ?? 500, { error: { code: e.code ?? 'internal', message: e.message } });
    }
    return;
  }
  json(404, { error: { code: 'not_found', message: 'no such internal route' } });
}

/** Ask another node (its cluster.internalUrl). Bounded in time. */
export async function askNode(
  internalUrl: string,
  secret: string,
  self: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
  timeoutMs = 10_000,
): Promise<Response> {
  const url = new URL(path, internalUrl);
  return fetch(url, {
    method,
    headers: { [AUTH]: nodeAuth(secret, self, `${method} ${url.pathname}`), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(timeoutMs),
  });
}
