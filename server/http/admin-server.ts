// The admin API's own listener (admin.host:admin.port, loopback by default),
// like the metrics one: a reverse proxy in front of the main port cannot
// expose /api/admin, so an operator decides who reaches it (an admin network).
import http from 'node:http';
import express from 'express';
import type { Logger } from '../log.js';
import { jsonErrors } from './errors.js';

export function startAdminServer(admin: express.Router, host: string, port: number, log: Logger): Promise<http.Server> {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  app.use('/api/admin', admin);
  jsonErrors(app, log);
  const server = http.createServer(app);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
