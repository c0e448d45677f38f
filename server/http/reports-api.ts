// Admin API for meetings and attendee reports (mounted under /api/admin after
// the admin-token check). Report steps additionally need an assertion signed
// by the acting operator's key, so the audit log knows who did what.
import express from 'express';
import { z } from 'zod';
import { describe } from '../../shared/protocol.js';
import type { Ledger } from '../privacy/ledger.js';
import { HttpError } from '../errors.js';
import type { Operation, Reports } from '../privacy/reports.js';

/** A claim that should be a string; anything else counts as missing (reports.ts then refuses it). */
const text = (claim: unknown): string => (typeof claim === 'string' ? claim : '');

const assertionBody = z.object({ assertion: z.string().min(16).max(4096) }).strict();

export function reportsRouter(reports: Reports, ledger: Ledger): express.Router {
  const router = express.Router();

  // A refused step throws HttpError (reports.ts); server/http/errors.ts answers it.
  const withOperator =
    (op: Operation, handle: (operator: string, claims: Record<string, unknown>, req: express.Request) => unknown): express.RequestHandler =>
    async (req, res) => {
      const body = assertionBody.safeParse(req.body ?? {});
      if (!body.success) throw new HttpError(400, 'invalid_params', describe(body.error));
      const { operator, claims } = await reports.verify(body.data.assertion, op);
      res.json(await handle(operator, claims, req));
    };

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
      request: reports.request(operator, text(claims.meeting), text(claims.reason)),
    })),
  );

  router.post(
    '/reports/:id/approve',
    withOperator('report.approve', (operator, claims, req) => {
      if (claims.request !== req.params.id) throw new HttpError(401, 'bad_assertion', 'the assertion names another request');
      return { request: reports.approve(operator, String(req.params.id)) };
    }),
  );

  router.post(
    '/reports/:id/fetch',
    withOperator('report.fetch', async (operator, claims, req) => {
      if (claims.request !== req.params.id) throw new HttpError(401, 'bad_assertion', 'the assertion names another request');
      return { jwe: await reports.deliver(operator, String(req.params.id)) };
    }),
  );

  return router;
}
