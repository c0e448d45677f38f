// Where a meeting's slides (the presenter's PDF) wait while they are shown:
// the data directory, 0600, under a random name, deleted when the
// presentation or the meeting ends, and wiped at start-up (a crash must not
// leave a PDF behind). aula never parses a PDF: it checks the header and the
// size, and takes the page count the presenter's browser reported.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AulaError } from '../errors.js';
import type { Room } from '../rooms/room.js';
import type { Presentation } from './presentation.js';

export interface PresentationLimits {
  maxBytes: number;
  maxPages: number;
}

interface Entry {
  room: Room;
  presentation: Presentation;
  file?: string;
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export class PresentationFiles {
  private readonly entries = new Map<string, Entry>();
  readonly dir: string;
  /** Several nodes: the URL names the room, so any node passes the request to the room's node (server/cluster/http-relay.ts). */
  roomInUrl = false;

  constructor(
    dataDir: string,
    readonly limits: PresentationLimits,
  ) {
    this.dir = path.join(dataDir, 'presentations');
    fs.rmSync(this.dir, { recursive: true, force: true });
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  /** Where members fetch (GET) and the presenter uploads (POST) the PDF. */
  urlOf(p: Presentation): string {
    const room = this.roomInUrl ? this.entries.get(p.id)?.room.id : undefined;
    return `/api/presentations/${p.id}/file${room ? `?room=${room}` : ''}`;
  }

  /** A presentation whose file is about to be uploaded; forget it with `drop`. */
  expect(room: Room, presentation: Presentation): void {
    this.entries.set(presentation.id, { room, presentation });
  }

  /** Check and store the uploaded PDF; returns the room to tell. */
  accept(presentationId: string, uploadToken: string, body: Buffer): Entry {
    const entry = this.entries.get(presentationId);
    if (!entry || !sameSecret(uploadToken, entry.presentation.uploadToken)) {
      throw new AulaError('forbidden', 'this upload is not expected (start the slides again)');
    }
    if (entry.file) throw new AulaError('invalid_params', 'these slides have been uploaded already');
    if (body.length > this.limits.maxBytes) throw new AulaError('too_large', this.tooLarge());
    if (body.length < 5 || body.subarray(0, 5).toString('latin1') !== '%PDF-') {
      throw new AulaError('not_pdf', 'this file is not a PDF');
    }
    const file = path.join(this.dir, `${randomBytes(16).toString('hex')}.pdf`);
    fs.writeFileSync(file, body, { mode: 0o600, flag: 'wx' });
    entry.file = file;
    entry.presentation.ready = true;
    return entry;
  }

  /** The PDF for a member who holds the presentation's file token. */
  fileFor(presentationId: string, fileToken: string): string {
    const entry = this.entries.get(presentationId);
    if (!entry?.file || !sameSecret(fileToken, entry.presentation.fileToken)) {
      throw new AulaError('not_found', 'no such slides');
    }
    return entry.file;
  }

  /** The presentation or the meeting ended: the PDF goes. */
  drop(presentationId: string): void {
    const entry = this.entries.get(presentationId);
    this.entries.delete(presentationId);
    if (entry?.file) fs.rmSync(entry.file, { force: true });
  }

  tooLarge(): string {
    const mb = this.limits.maxBytes / 1024 / 1024;
    return `the PDF is larger than ${mb >= 1 ? `${Math.round(mb)} MB` : `${Math.round(this.limits.maxBytes / 1024)} KB`}`;
  }

  /** How many PDFs are held now (tests, metrics). */
  get size(): number {
    return [...this.entries.values()].filter((e) => e.file).length;
  }
}
