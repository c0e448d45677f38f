// /api/presentations/:id/file: the presenter uploads the slides' PDF (POST,
// with the upload token startSlides gave them) and room members fetch it
// (GET, with the file token every member gets in presentationChanged). The
// server checks only the header and the size; it never parses the PDF.
import express from 'express';
import { AulaError } from '../errors.js';
import { announcePresentation } from '../features/presentation.js';
import type { PresentationFiles } from '../presentation/files.js';

const bearer = (req: express.Request) => /^Bearer (\S{16,128})$/.exec(req.get('authorization') ?? '')?.[1] ?? '';

const STATUS: Record<string, number> = { forbidden: 403, not_found: 404, too_large: 413, not_pdf: 415, invalid_params: 400 };

export function presentationsRouter(files: PresentationFiles): express.Router {
  const router = express.Router();
  const fail = (res: express.Response, err: unknown) => {
    const e = err instanceof AulaError ? err : new AulaError('invalid_params', 'the upload could not be read');
    res.status(STATUS[e.code] ?? 400).json({ error: { code: e.code, message: e.message } });
  };

  // Any content type: a browser may send a PDF as application/octet-stream.
  router.post('/:id/file', express.raw({ type: () => true, limit: files.limits.maxBytes }), (req, res) => {
    try {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const { room } = files.accept(String(req.params.id), bearer(req), body);
      announcePresentation(room, files);
      res.status(201).json({});
    } catch (err) {
      fail(res, err);
    }
  });

  router.get('/:id/file', (req, res) => {
    try {
      const file = files.fileFor(String(req.params.id), bearer(req));
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Disposition', 'inline; filename="slides.pdf"');
      res.type('application/pdf').sendFile(file);
    } catch (err) {
      fail(res, err);
    }
  });
  // express.raw's own errors (too large, aborted) in the same shape.
  router.use((err: { type?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    fail(res, err?.type === 'entity.too.large' ? new AulaError('too_large', files.tooLarge()) : err);
  });
  return router;
}
