// Slides across nodes: a presentation's PDF is uploaded to and fetched from
// /api/presentations/<id>/file, which lives on the room's home node (in its
// memory and data directory). In cluster mode its URL carries `?room=`, so any
// node that receives the request passes it on to the home's internal listener
// unchanged (method, headers, body, answer); the home serves it with its own app.
import http from 'node:http';
import type { Logger } from '../log.js';
import type { Route } from './homes.js';
import { NODE_AUTH } from './internal-api.js';
import { nodeAuth } from './relay.js';

export const RELAYED_PREFIX = '/api/presentations/';

const roomParam = (url: string | undefined): string | undefined => {
  const u = new URL(url ?? '/', 'http://x');
  const room = u.searchParams.get('room');
  return u.pathname.startsWith(RELAYED_PREFIX) && room && /^[A-Za-z0-9_-]{1,64}$/.test(room) ? room : undefined;
};

export interface HttpRelayDeps {
  nodeId: string;
  secret: string;
  route(roomId: string): Promise<Route>;
  log: Logger;
}

/** Put the relay in front of the public app; returns the app itself, for relayed requests that arrive here. */
export function attachHttpRelay(server: http.Server, deps: HttpRelayDeps): http.RequestListener {
  const local = server.listeners('request') as http.RequestListener[];
  server.removeAllListeners('request');
  const app: http.RequestListener = (req, res) => {
    for (const l of local) l.call(server, req, res);
  };
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const roomId = roomParam(req.url);
    if (!roomId) return app(req, res);
    deps.route(roomId).then(
      (route) => (route.local ? app(req, res) : forward(req, res, route.internalUrl)),
      () => unavailable(res),
    );
  });

  function forward(req: http.IncomingMessage, res: http.ServerResponse, internalUrl: string): void {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const headers = { ...req.headers, [NODE_AUTH]: nodeAuth(deps.secret, deps.nodeId, `${req.method} ${path}`) };
    const upstream = http.request(new URL(req.url ?? '/', internalUrl), { method: req.method, headers, timeout: 60_000 }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('timeout', () => upstream.destroy(new Error('timeout')));
    upstream.on('error', (err) => {
      deps.log.debug({ err: err.message }, "http relay: the room's node did not answer");
      unavailable(res);
    });
    req.pipe(upstream);
  }
  return app;
}

function unavailable(res: http.ServerResponse): void {
  if (res.headersSent) return void res.destroy();
  res
    .writeHead(503, { 'content-type': 'application/json' })
    .end(JSON.stringify({ error: { code: 'unavailable', message: "the classroom's server cannot be reached right now; try again in a moment" } }));
}
