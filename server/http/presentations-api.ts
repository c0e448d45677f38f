// /api/presentations/:id/file: the presenter uploads the slides' PDF (POST,
// with the upload token startSlides gave them) and room members fetch it
// (GET, with the file token every member gets in presentationChanged). The
// server checks only the header and the size; it never parses the PDF.
import express from 'express';
import { HttpError } from '../errors.js';
import { announcePresentation } from '../features/presentation.js';
import type { PresentationFiles } from '../presentation/files.js';

const bearer = (req: express.Request) => /^Bearer (\S{16,128})$/.exec(req.get('authorization') ?? '')?.[1] ?? '';

export function presentationsRouter(files: PresentationFiles): express.Router {
  const router = express.Router();

  // Any content type: a browser may send a PDF as application/octet-stream.
  router.post('/:id/file', express.raw({ type: () => true, limit: files.limits.maxBytes }), (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const { room } = files.accept(String(req.params.id), bearer(req), body);
    announcePresentation(room, files);
    res.status(201).json({});
  });

  router.get('/:id/file', (req, res) => {
    const file = files.fileFor(String(req.params.id), bearer(req));
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Disposition', 'inline; filename="slides.pdf"');
    res.type('application/pdf').sendFile(file);
  });
  // express.raw's "too large" names the limit here; every other error goes on to server/http/errors.ts.
  router.use((err: unknown, _req: express.Request, _res: express.Response, next: express.NextFunction) => {
    next((err as { type?: unknown } | null)?.type === 'entity.too.large' ? new HttpError(413, 'too_large', files.tooLarge()) : err);
  });
  return router;
}
