// Recordings on disk: <data.dir>/recordings/<random id>/ (0700), holding
//   recording.json   the sidecar: state, progress, times, tracks (pseudonyms only)
//   recording.webm   the composed result (after stop)
//   transcript.txt   chat during the recording (pseudonyms only)
//   tracks/<random id>.webm   one file per captured track, deleted once composed
// Every file is 0600. Nothing here holds a display name or a room title.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { readIfExists, writePrivateFile } from '../access/data-dir.js';

const DAY = 86_400_000;
const ID = /^[0-9a-f]{32}$/;

export const trackSchema = z.object({
  file: z.string().regex(/^[0-9a-f]{32}\.webm$/),
  kind: z.enum(['audio', 'video']),
  source: z.enum(['mic', 'camera', 'screen']),
  participant: z.string().regex(/^Participant \d+$/),
  /** Milliseconds after the recording started. */
  startMs: z.number().int().min(0),
  endMs: z.number().int().min(0).optional(),
});
export type Track = z.infer<typeof trackSchema>;

export const sidecarSchema = z.object({
  id: z.string().regex(ID),
  roomId: z.string(),
  state: z.enum(['recording', 'processing', 'ready', 'failed']),
  startedAt: z.string(),
  stoppedAt: z.string().optional(),
  /** Composition progress, 0–1. */
  progress: z.number().min(0).max(1),
  durationSeconds: z.number().min(0).optional(),
  participants: z.number().int().min(0),
  chatMessages: z.number().int().min(0),
  tracks: z.array(trackSchema),
  /** Set when the server stopped without stopping the recording; the track files are partial. */
  interrupted: z.boolean().optional(),
  error: z.string().optional(),
});
export type Sidecar = z.infer<typeof sidecarSchema>;

export const randomId = () => randomBytes(16).toString('hex');

export class RecordingStore {
  readonly dir: string;

  constructor(
    dataDir: string,
    readonly retentionDays: number,
  ) {
    this.dir = path.join(dataDir, 'recordings');
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(this.dir, 0o700);
  }

  create(roomId: string, now = new Date()): Sidecar {
    const id = randomId();
    fs.mkdirSync(this.tracksDir(id), { recursive: true, mode: 0o700 });
    const sidecar: Sidecar = {
      id,
      roomId,
      state: 'recording',
      startedAt: now.toISOString(),
      progress: 0,
      participants: 0,
      chatMessages: 0,
      tracks: [],
    };
    this.save(sidecar);
    return sidecar;
  }

  save(sidecar: Sidecar): void {
    writePrivateFile(this.file(sidecar.id, 'recording.json'), JSON.stringify(sidecar, null, 2));
  }

  get(id: string): Sidecar | undefined {
    if (!ID.test(id)) return undefined;
    const text = readIfExists(this.file(id, 'recording.json'));
    try {
      return text ? sidecarSchema.parse(JSON.parse(text)) : undefined;
    } catch {
      return undefined; // a damaged sidecar must not stop the others from being listed or purged
    }
  }

  list(): Sidecar[] {
    return fs
      .readdirSync(this.dir)
      .map((id) => this.get(id))
      .filter((r): r is Sidecar => Boolean(r))
      .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  }

  delete(id: string): boolean {
    if (!ID.test(id) || !fs.existsSync(path.join(this.dir, id))) return false;
    fs.rmSync(path.join(this.dir, id), { recursive: true, force: true });
    return true;
  }

  /** Delete recordings older than the retention limit (counted from their start). */
  purge(now = new Date(), busy: (id: string) => boolean = () => false): number {
    let n = 0;
    for (const id of fs.readdirSync(this.dir)) {
      if (!ID.test(id) || busy(id)) continue;
      const r = this.get(id);
      // A directory without a readable sidecar is judged by its age on disk.
      const started = r ? Date.parse(r.startedAt) : fs.statSync(path.join(this.dir, id)).mtimeMs;
      if (started + this.retentionDays * DAY > now.getTime()) continue;
      fs.rmSync(path.join(this.dir, id), { recursive: true, force: true });
      n++;
    }
    return n;
  }

  /** Create an empty 0600 file for ffmpeg to write into (it keeps the mode of an existing file). */
  privateFile(id: string, name: string): string {
    const file = this.file(id, name);
    fs.closeSync(fs.openSync(file, 'w', 0o600));
    fs.chmodSync(file, 0o600);
    return file;
  }

  file(id: string, name: string): string {
    return path.join(this.dir, id, name);
  }

  tracksDir(id: string): string {
    return path.join(this.dir, id, 'tracks');
  }

  appendTranscript(id: string, line: string): void {
    fs.appendFileSync(this.file(id, 'transcript.txt'), `${line}\n`, { mode: 0o600 });
  }
}
