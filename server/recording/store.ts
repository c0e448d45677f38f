// Recordings on disk: <data.dir>/recordings/<random id>/ (0700), holding
//   recording.json   the sidecar: state, progress, times, tracks (pseudonyms only)
//   key.json         the recording's data key, sealed with the master key (as the ledger's meeting keys)
//   recording.webm   the composed result (after stop)            } sealed with the data key
//   transcript.txt   chat during the recording (pseudonyms only) } (sealed-file.ts): no
//   tracks/<random id>.webm   one file per captured track,       } plaintext media or chat
//                    deleted once composed                        } at rest
// Every file is 0600. Nothing here holds a display name or a room title.
// Deleting a recording deletes its key first: without it the rest is noise.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Readable } from 'node:stream';
import { readIfExists, writePrivateFile } from '../access/data-dir.js';
import { open, seal } from '../privacy/sealed.js';
import { readSealed, sealRecord, SealedWriter, sealedReadStream, countRecords } from './sealed-file.js';

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
  /** CPU seconds the composition took (its cost: see docs/RECORDING.md). */
  composeCpuSeconds: z.number().min(0).optional(),
  error: z.string().optional(),
});
export type Sidecar = z.infer<typeof sidecarSchema>;

export const randomId = () => randomBytes(16).toString('hex');

export class RecordingStore {
  readonly dir: string;
  private readonly keys = new Map<string, Buffer>();
  private readonly transcriptRecords = new Map<string, number>();

  constructor(
    dataDir: string,
    readonly retentionDays: number,
    /** Wraps each recording's data key (the ledger master key). */
    private readonly masterKey: Buffer,
  ) {
    this.dir = path.join(dataDir, 'recordings');
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(this.dir, 0o700);
  }

  create(roomId: string, now = new Date()): Sidecar {
    const id = randomId();
    fs.mkdirSync(this.tracksDir(id), { recursive: true, mode: 0o700 });
    const key = randomBytes(32);
    writePrivateFile(this.file(id, 'key.json'), JSON.stringify({ sealed: seal(this.masterKey, key, `recording-key:${id}`) }));
    this.keys.set(id, key);
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
    this.remove(id);
    return true;
  }

  /** Delete recordings older than the retention limit (counted from their start). */
  purge(now = new Date(), busy: (id: string) => boolean = () => false, purged: (id: string) => void = () => undefined): number {
    let n = 0;
    for (const id of fs.readdirSync(this.dir)) {
      if (!ID.test(id) || busy(id)) continue;
      const r = this.get(id);
      // A directory without a readable sidecar is judged by its age on disk.
      const started = r ? Date.parse(r.startedAt) : fs.statSync(path.join(this.dir, id)).mtimeMs;
      if (started + this.retentionDays * DAY > now.getTime()) continue;
      // On record first (the audit log), as the ledger does for meetings.
      purged(id);
      this.remove(id);
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
    const file = this.file(id, 'transcript.txt');
    const index = this.transcriptRecords.get(id) ?? countRecords(file);
    fs.appendFileSync(file, sealRecord(this.key(id), this.label(id, 'transcript.txt'), index, Buffer.from(`${line}\n`)), { mode: 0o600 });
    this.transcriptRecords.set(id, index + 1);
  }

  /** The transcript, decrypted (for the download). */
  transcript(id: string): string {
    return readSealed(this.file(id, 'transcript.txt'), this.key(id), this.label(id, 'transcript.txt')).toString('utf8');
  }

  /** A sealed writer for a media file of the recording (`name` relative to its directory). */
  writer(id: string, name: string): SealedWriter {
    return new SealedWriter(this.privateFile(id, name), this.key(id), this.label(id, name));
  }

  /** A media file of the recording, decrypted, as a stream. */
  reader(id: string, name: string): Readable {
    return sealedReadStream(this.file(id, name), this.key(id), this.label(id, name));
  }

  // The label binds a file's records to its recording and final name (a
  // ".part" file is the composed video before it is complete).
  private label(id: string, name: string): string {
    return `${id}/${name.replace(/\.part$/, '')}`;
  }

  private key(id: string): Buffer {
    let key = this.keys.get(id);
    if (!key) {
      const text = readIfExists(this.file(id, 'key.json'));
      if (!text) throw new Error('recording key not found');
      key = open(this.masterKey, (JSON.parse(text) as { sealed: string }).sealed, `recording-key:${id}`);
      this.keys.set(id, key);
    }
    return key;
  }

  // Key first: a crash half-way leaves only noise.
  private remove(id: string): void {
    fs.rmSync(this.file(id, 'key.json'), { force: true });
    this.keys.get(id)?.fill(0);
    this.keys.delete(id);
    this.transcriptRecords.delete(id);
    fs.rmSync(path.join(this.dir, id), { recursive: true, force: true });
  }
}
