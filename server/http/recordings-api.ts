// Operators' view of recordings, mounted in the admin API (after the
// admin-token check): list, show (the sidecar), download (decrypted on the
// way out), delete. Every download and deletion goes into the audit log with
// who did it: the admin token's fingerprint (never the token itself).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import express from 'express';
import { HttpError } from '../errors.js';
import type { AuditLog } from '../privacy/audit-log.js';
import type { RecordingManager } from '../recording/manager.js';
import type { Sidecar } from '../recording/store.js';

const FILES = { video: ['recording.webm', 'video/webm'], transcript: ['transcript.txt', 'text/plain; charset=utf-8'] } as const;

function summary(manager: RecordingManager, r: Sidecar) {
  const size = (name: string) => {
    try {
      return fs.statSync(manager.store.file(r.id, name)).size;
    } catch {
      return undefined;
    }
  };
  const { tracks, ...rest } = r;
  return {
    ...rest,
    tracks: tracks.length,
    videoBytes: size('recording.webm'),
    transcriptBytes: size('transcript.txt'),
    expiresAt: new Date(Date.parse(r.startedAt) + manager.store.retentionDays * 86_400_000).toISOString(),
  };
}

/** Who acted: "admin token" and the first 16 hex digits of the token's SHA-256. */
export function adminIdentity(req: express.Request): string {
  const token = (req.get('authorization') ?? '').replace(/^Bearer\s+/i, '');
  return `admin token sha256:${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;
}

const notFound = () => new HttpError(404, 'not_found', 'no such recording');

export function recordingsRouter(manager: RecordingManager, audit: AuditLog): express.Router {
  const router = express.Router();

  router.get('/recordings', (_req, res) => {
    res.json({ recordings: manager.store.list().map((r) => summary(manager, r)) });
  });

  router.get('/recordings/:id', (req, res) => {
    const r = manager.store.get(req.params.id);
    if (!r) throw notFound();
    res.json({ recording: { ...summary(manager, r), tracks: r.tracks } });
  });

  router.get('/recordings/:id/:file', (req, res) => {
    const r = manager.store.get(req.params.id);
    const which = FILES[req.params.file as keyof typeof FILES];
    if (!r || !which) throw notFound();
    const file = manager.store.file(r.id, which[0]);
    if (!fs.existsSync(file)) {
      throw new HttpError(409, 'not_ready', `the ${req.params.file} is not there (state: ${r.state})`);
    }
    // On record before a byte leaves.
    audit.append({ type: 'recording.downloaded', operator: adminIdentity(req), recordingId: r.id, reason: req.params.file });
    res.setHeader('content-type', which[1]);
    res.setHeader('content-disposition', `attachment; filename="recording-${r.id}${which[0].slice(which[0].lastIndexOf('.'))}"`);
    if (req.params.file === 'transcript') return void res.send(manager.store.transcript(r.id));
    const stream = manager.store.reader(r.id, which[0]);
    stream.once('error', () => res.destroy());
    stream.pipe(res);
  });

  // A recording being composed: AulaError('busy'), answered 409 by server/http/errors.ts.
  router.delete('/recordings/:id', async (req, res) => {
    if (!(await manager.delete(req.params.id))) throw notFound();
    audit.append({ type: 'recording.deleted', operator: adminIdentity(req), recordingId: req.params.id });
    res.status(204).end();
  });

  return router;
}
