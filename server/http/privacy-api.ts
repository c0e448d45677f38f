// GET /api/admin/privacy/record?format=md|json: the record of processing
// activities, from the configuration the server is running with.
import express from 'express';
import type { ProcessingFacts } from '../privacy/facts.js';
import { recordAsJson, recordAsMarkdown } from '../privacy/record.js';

export function privacyAdminRouter(facts: ProcessingFacts): express.Router {
  const router = express.Router();
  router.get('/privacy/record', (req, res) => {
    if (req.query.format === 'md') res.type('text/markdown').send(recordAsMarkdown(facts));
    else res.json(recordAsJson(facts));
  });
  return router;
}
