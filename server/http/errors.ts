// Every HTTP error aula answers has one shape, `{"error": {"code", "message"}}`,
// and comes from one place: the last two middlewares of each express app.
// Routes throw an HttpError (or let an AulaError from the layers below pass;
// express 5 hands a rejected async handler on to here). Never a stack trace,
// whatever NODE_ENV says (express's own handler prints one outside production,
// e.g. for a malformed %-escape in the path). A failure that is not an answer
// we chose is aula's bug: logged at error level, with the route's pattern and
// the error's name and stack only — never the URL, a header, the body or the
// message (any of them may carry a token or a name).
import type express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { ErrorCode } from '../../shared/protocol.js';
import { AulaError, HttpError } from '../errors.js';
import type { Logger } from '../log.js';

/** The HTTP status of an AulaError that reaches an HTTP route. */
const STATUS: Record<ErrorCode, number> = {
  bad_json: 400,
  bad_request: 400,
  too_large: 413,
  unknown_method: 404,
  invalid_params: 400,
  invalid_link: 403,
  link_expired: 403,
  no_access: 403,
  not_joined: 409,
  already_joined: 409,
  not_found: 404,
  forbidden: 403,
  room_full: 409,
  room_locked: 409,
  busy: 409,
  muted_by_moderator: 403,
  removed: 403,
  rate_limited: 429,
  too_many_connections: 429,
  server_busy: 503,
  resume_failed: 409,
  room_moved: 409,
  unavailable: 503,
  not_pdf: 415,
  invalid_state: 409,
  timeout: 504,
  internal: 500,
};

/** What body-parser's errors and other thrown values mean as an answer; undefined: a bug. */
export function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof AulaError) return new HttpError(STATUS[err.code], err.code, err.message);
  const { type, status } = (typeof err === 'object' && err !== null ? err : {}) as { type?: unknown; status?: unknown };
  if (type === 'entity.too.large') return new HttpError(413, 'too_large', 'request body too large');
  if (type === 'entity.parse.failed') return new HttpError(400, 'bad_json', 'request body is not valid JSON');
  // Other client errors express, a parser or express.static raised (a malformed %-escape, an aborted body, a file gone …).
  if (status === 404) return new HttpError(404, 'not_found', 'not found');
  if (typeof status === 'number' && status >= 400 && status < 500) return new HttpError(status, 'bad_request', 'the request is not valid');
  return undefined;
}

export function sendError(res: Response, err: HttpError): void {
  res.status(err.status).json({ error: { code: err.code, message: err.message } });
}

export function jsonErrors(app: express.Express, log: Logger): void {
  app.set('env', 'production');
  app.use((_req: Request, res: Response) => sendError(res, new HttpError(404, 'not_found', 'not found')));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const answer = toHttpError(err);
    if (!answer) {
      const { name, stack } = err instanceof Error ? err : { name: typeof err, stack: undefined };
      // The stack without its first line, which repeats the message.
      const frames = stack?.split('\n').slice(1).join('\n');
      // The route's pattern within its router (e.g. /rooms/:id), never the URL itself.
      const route = (req.route as { path?: unknown } | undefined)?.path;
      log.error({ method: req.method, route: typeof route === 'string' ? route : undefined, err: { name, stack: frames } }, 'http request failed');
    }
    if (res.headersSent) return void res.destroy();
    sendError(res, answer ?? new HttpError(500, 'internal', 'the request failed on the server'));
  });
}
