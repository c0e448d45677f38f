// POST /api/problems: where the "Report a problem" dialog sends what the user
// saw and approved. Only holders of a valid room link may send (headers
// X-Aula-Room and X-Aula-Link, checked and then forgotten), so an anonymous
// script cannot fill the store. No IP address is kept (not even for rate
// limiting: the limit is one shared bucket), and the schema has no field for
// a name or a link.
import express from 'express';
import { describe } from '../../shared/protocol.js';
import { problemReportSchema } from '../../shared/problem-report.js';
import { HttpError } from '../errors.js';
import type { ProblemStore } from '../privacy/problems.js';
import { TokenBucket } from '../rate-limit.js';

export type LinkCheck = (roomId: string, token: string) => Promise<boolean>;

export function problemsRouter(store: ProblemStore, linkIsValid: LinkCheck, perMinute = 30): express.Router {
  const router = express.Router();
  const bucket = new TokenBucket(perMinute, perMinute / 60);
  router.post('/', express.json({ limit: '32kb' }), async (req, res) => {
    const roomId = req.get('x-aula-room') ?? '';
    const token = req.get('x-aula-link') ?? '';
    if (!roomId || !token || !(await linkIsValid(roomId, token).catch(() => false))) {
      throw new HttpError(403, 'forbidden', 'reports are accepted from the page of a room with a valid link');
    }
    const parsed = problemReportSchema.safeParse(req.body);
    if (!parsed.success) throw new HttpError(400, 'invalid_params', describe(parsed.error));
    if (!bucket.take()) throw new HttpError(429, 'rate_limited', 'too many reports; try again in a minute');
    const stored = store.add(parsed.data);
    if (!stored) throw new HttpError(507, 'storage_full', 'the server holds too many reports already');
    res.status(201).json({ id: stored.id });
  });
  return router;
}

const noReport = () => new HttpError(404, 'not_found', 'no such problem report');

/** Operators' view, mounted in the admin API. */
export function problemsAdminRouter(store: ProblemStore): express.Router {
  const router = express.Router();
  router.get('/problems', (_req, res) => {
    res.json({
      problems: store.list().map((p) => ({
        id: p.id,
        receivedAt: p.receivedAt,
        page: p.report.page,
        browser: p.report.browser,
        description: p.report.description?.slice(0, 120),
      })),
    });
  });
  router.get('/problems/:id', (req, res) => {
    const p = store.get(req.params.id);
    if (!p) throw noReport();
    res.json({ problem: p });
  });
  router.delete('/problems/:id', (req, res) => {
    if (!store.delete(req.params.id)) throw noReport();
    res.status(204).end();
  });
  return router;
}
