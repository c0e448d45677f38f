// The last two middlewares of every express app aula runs: unknown paths get a
// JSON 404, and any error a typed JSON answer with no detail — never a stack
// trace, whatever NODE_ENV says (express's own handler prints one outside
// production, e.g. for a malformed %-escape in the path).
import type express from 'express';
import type { NextFunction, Request, Response } from 'express';

type HttpError = Error & { status?: number; statusCode?: number; type?: string; expose?: boolean };

export function jsonErrors(app: express.Express): void {
  app.set('env', 'production');
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: { code: 'not_found', message: 'not found' } });
  });
  app.use((err: HttpError, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status ?? err.statusCode ?? 500;
    if (res.headersSent) return void res.end();
    if (err.type === 'entity.too.large') return void res.status(413).json({ error: { code: 'too_large', message: 'request body too large' } });
    if (status >= 400 && status < 500) {
      return void res.status(status).json({ error: { code: 'bad_request', message: 'the request is not valid' } });
    }
    res.status(500).json({ error: { code: 'internal', message: 'the request failed on the server' } });
  });
}
