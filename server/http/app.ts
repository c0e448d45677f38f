// The HTTP side: the browser client (same origin only), the room page,
// problem reports and /healthz. Helmet sets the security headers; the CSP
// allows nothing from another origin, so the client cannot load third-party
// assets by accident.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import helmet from 'helmet';
import type { Logger } from '../log.js';
import { jsonErrors } from './errors.js';

const CLIENT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../client');

export interface HttpDeps {
  healthy(): boolean;
  /** Ready for traffic: workers up and the data directory writable. */
  ready(): boolean;
  problems: express.Router;
  presentations: express.Router;
  /** The LTI 1.3 endpoints (server/lti/), when platforms are configured. */
  lti?: express.Router;
  /** The privacy notice, rendered from the running configuration. */
  privacyNotice(): string;
  frameAncestors: string[];
  /** For the requests that fail through a bug in aula (server/http/errors.ts). */
  log: Logger;
}

export function createHttpApp(deps: HttpDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          mediaSrc: ["'self'", 'blob:', 'mediastream:'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: deps.frameAncestors.length ? deps.frameAncestors : ["'none'"],
        },
      },
      // No Referer leaves the page: room links must not leak to anyone.
      referrerPolicy: { policy: 'no-referrer' },
      // Plain-HTTP localhost deployments must keep working; HSTS belongs to the TLS proxy.
      strictTransportSecurity: false,
      // CSP frame-ancestors decides about framing (an LMS may embed aula).
      xFrameOptions: deps.frameAncestors.length ? false : { action: 'deny' },
    }),
  );
  // Camera and microphone for this origin only; nothing else.
  app.use((_req, res, next) => {
    res.setHeader('Permissions-Policy', 'camera=(self), microphone=(self), display-capture=(self), geolocation=()');
    next();
  });

  app.get('/healthz', (_req, res) => {
    const ok = deps.healthy();
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable' });
  });
  app.get('/readyz', (_req, res) => {
    const ok = deps.ready();
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready' });
  });

  app.use('/api/problems', deps.problems);
  app.use('/api/presentations', deps.presentations);
  if (deps.lti) app.use('/lti', deps.lti);
  app.get('/privacy', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(deps.privacyNotice());
  });

  app.use('/assets', express.static(path.join(CLIENT_DIR, 'dist'), { index: false }));
  const indexHtml = path.join(CLIENT_DIR, 'index.html');
  app.get(['/', '/r/:roomId'], (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.sendFile(indexHtml);
  });

  // The admin API is not here: it has its own listener (admin-server.ts).
  jsonErrors(app, deps.log);
  return app;
}
