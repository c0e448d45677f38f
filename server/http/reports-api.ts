// Admin API for meetings and attendee reports (mounted under /api/admin after
// the admin-token check). Report steps additionally need an assertion signed
// by the acting operator's key, so the audit log knows who did what.
import express, { type Response } from 'express';
import { z } from 'zod';
import { describe } from '../../shared/protocol.js';
import type { Ledger } from '../privacy/ledger.js';
import { type Operation, ReportError, type Reports } from '../privacy/reports.js';

const assertionBody = z.object({ assertion: z.string().min(16).max(4096) }).strict();

function send(res: Response, err: unknown): void {
  if (err instanceof ReportError) {
    res.status(err.status).json({ error: { code: err.code, message: err.message } });
    return;
  }
  throw err;
}

export function reportsRouter(reports: Reports, ledger: Ledger): express.Router {
  const router = express.Router();

  const withOperator = (op: Operation, handle: (operator: string, claims: Record<string, unknown>, req: express.Request) => Promise<unknown> | unknown) =>
    (async (req: express.Request, res: Response) => {
      const body = assertionBody.safeParse(req.body ?? {});
      if (!body.success) return void res.status(400).json({ error: { code: 'invalid_params', message: describe(body.error) } });
      try {
        const { operator, claims } = await reports.verify(body.data.assertion, op);
        res.json(await handle(operator, claims, req));
      } catch (err) {
        send(res, err);
      }
    }) as express.RequestHandler;

  router.get('/meetings', (_req, res) => {
    res.json({
      meetings: ledger.meetings().map((m) => ({ ...m, expiresAt: m.endedAt ? ledger.expiresAt(m).toISOString() : null })),
    });
  });

  router.get('/reports', (_req, res) => {
    // The audit chain's newest entry: an operator who notes it can later tell a rolled-back log.
    res.json({ requests: reports.list(), auditHead: reports.auditHead() });
  });

  router.post(
    '/reports',
    withOperator('report.request', (operator, claims) => ({
      request: reports.request(operator, String(claims.meeting ?? ''), String(claims.reason ?? '')),
    })),
  );

  router.post(
    '/reports/:id/approve',
    withOperator('report.approve', (operator, claims, req) => {
      if (claims.request !== req.params.id) throw new ReportError('bad_assertion', 401, 'the assertion names another request');
      return { request: reports.approve(operator, String(req.params.id)) };
    }),
  );

  router.post(
    '/reports/:id/fetch',
    withOperator('report.fetch', async (operator, claims, req) => {
      if (claims.request !== req.params.id) throw new ReportError('bad_assertion', 401, 'the assertion names another request');
      return { jwe: await reports.deliver(operator, String(req.params.id)) };
    }),
  );

  return router;
}
