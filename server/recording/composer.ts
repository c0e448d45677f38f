// After a recording stops: one playable file. Audio tracks are mixed, videos
// composed into a 640×360 grid (screen shares large, cameras in a column
// beside them), each tile labelled with its pseudonym. Runs in the
// background, one recording at a time, at the lowest CPU priority and with
// ffmpeg's fastest VP8 settings, so live rooms keep their share of the CPU.
// Progress goes into the sidecar, where operators see it.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../log.js';
import type { RecordingStore, Sidecar, Track } from './store.js';

const W = 640;
const H = 360;
const FPS = 10;
const MAX_TILES = 16;
/** Debian's fonts-dejavu-core; without it the tiles have no labels (said in the log). */
export const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

interface Cell {
  x: number;
  y: number;
  w: number;
  h: number;
}
interface Input {
  track: Track;
  file: string;
}

const even = (n: number) => Math.max(2, Math.floor(n / 2) * 2);
const sec = (ms: number) => (ms / 1000).toFixed(3);

/** Where each tile goes: screens share the big area, cameras a column beside it; without screens, a grid. */
export function layout(screens: number, cameras: number): { screens: Cell[]; cameras: Cell[] } {
  const column = (n: number, x: number, w: number, maxH: number): Cell[] =>
    Array.from({ length: n }, (_, i) => {
      const h = even(Math.min(maxH, H / n));
      return { x, y: i * h, w: even(w), h };
    });
  if (screens > 0) {
    const side = cameras > 0 ? W / 4 : 0;
    return { screens: column(screens, 0, W - side, H), cameras: column(cameras, W - side, side, side * (9 / 16)) };
  }
  const cols = Math.ceil(Math.sqrt(cameras)) || 1;
  const rows = Math.ceil(cameras / cols) || 1;
  const w = even(W / cols);
  const h = even(H / rows);
  return { screens: [], cameras: Array.from({ length: cameras }, (_, i) => ({ x: (i % cols) * w, y: Math.floor(i / cols) * h, w, h })) };
}

/** The ffmpeg arguments that compose `inputs` into `out` (exported for tests). */
export function composeArgs(inputs: Input[], durationS: number, out: string, font: string | undefined): string[] {
  const video = inputs.filter((i) => i.track.kind === 'video');
  const audio = inputs.filter((i) => i.track.kind === 'audio');
  // One tile per participant and source; their successive tracks (camera off, on again) share it.
  const key = (t: Track) => `${t.participant}|${t.source}`;
  const tiles = [...new Set(video.map((i) => key(i.track)))].slice(0, MAX_TILES);
  const screenKeys = tiles.filter((k) => k.endsWith('|screen'));
  const cameraKeys = tiles.filter((k) => !k.endsWith('|screen'));
  const cells = layout(screenKeys.length, cameraKeys.length);
  const cellOf = new Map<string, Cell>([
    ...screenKeys.map((k, i) => [k, cells.screens[i]!] as const),
    ...cameraKeys.map((k, i) => [k, cells.cameras[i]!] as const),
  ]);

  const f: string[] = [`color=c=0x202020:s=${W}x${H}:r=${FPS}:d=${durationS.toFixed(3)}[base]`];
  let last = 'base';
  inputs.forEach((input, n) => {
    const { track } = input;
    const start = sec(track.startMs);
    if (track.kind === 'audio') {
      f.push(`[${n}:a]aresample=async=1:first_pts=0,adelay=delays=${track.startMs}:all=1[a${n}]`);
      return;
    }
    const cell = cellOf.get(key(track));
    if (!cell) return;
    const end = sec(track.endMs ?? durationS * 1000);
    f.push(
      `[${n}:v]fps=${FPS},scale=${cell.w}:${cell.h}:force_original_aspect_ratio=decrease,` +
        `pad=${cell.w}:${cell.h}:(ow-iw)/2:(oh-ih)/2,setsar=1,setpts=PTS-STARTPTS+${start}/TB[v${n}]`,
    );
    f.push(`[${last}][v${n}]overlay=${cell.x}:${cell.y}:eof_action=pass:enable='between(t,${start},${end})'[o${n}]`);
    last = `o${n}`;
  });
  if (font) {
    const labels = tiles.map((k) => {
      const cell = cellOf.get(k)!;
      const name = k.split('|')[0]!; // "Participant N": letters, digits and a space only
      const ts = video.filter((i) => key(i.track) === k).map((i) => i.track);
      const from = sec(Math.min(...ts.map((t) => t.startMs)));
      const to = sec(Math.max(...ts.map((t) => t.endMs ?? durationS * 1000)));
      return `drawtext=fontfile=${font}:text='${name}':x=${cell.x + 4}:y=${cell.y + cell.h - 18}:fontsize=12:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=2:enable='between(t,${from},${to})'`;
    });
    if (labels.length) {
      f.push(`[${last}]${labels.join(',')}[labelled]`);
      last = 'labelled';
    }
  }
  f.push(`[${last}]format=yuv420p[vout]`);
  if (audio.length) {
    const mixed = audio.map((i) => `[a${inputs.indexOf(i)}]`).join('');
    f.push(`${mixed}amix=inputs=${audio.length}:duration=longest:normalize=0,apad,asetnsamples=n=960:p=0[aout]`);
  } else {
    // Opus takes at most 960 samples (20 ms) a frame.
    f.push(`anullsrc=r=48000:cl=stereo,asetnsamples=n=960:p=0[aout]`);
  }
  return [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-nostats', '-progress', 'pipe:1',
    ...inputs.flatMap((i) => ['-i', i.file]),
    // One thread each for filters and encoder: the other core stays with the live rooms.
    '-filter_complex_threads', '1', '-filter_complex', f.join(';'),
    '-map', '[vout]', '-map', '[aout]',
    '-t', durationS.toFixed(3),
    '-threads', '1', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '600k', '-g', String(FPS * 5),
    '-c:a', 'libopus', '-b:a', '64k',
    '-map_metadata', '-1', '-metadata', 'title=-',
    '-f', 'webm', '-y', out,
  ];
}

/** How long a (possibly unfinished) track lasts: the time of its last packet. */
async function lastPacketSeconds(ffprobe: string, file: string): Promise<number> {
  try {
    const { stdout } = await promisify(execFile)(ffprobe, ['-v', 'error', '-select_streams', '0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file], {
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return Number(stdout.trim().split('\n').pop()) || 0;
  } catch {
    return 0;
  }
}

/** Whether ffprobe finds a stream in a (possibly partial) track file. */
async function readable(ffprobe: string, file: string): Promise<boolean> {
  try {
    const { stdout } = await promisify(execFile)(ffprobe, ['-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'csv=p=0', file], { timeout: 30_000 });
    return stdout.trim().length > 0;
  } catch {
    return false;
  }
}

export class Composer {
  private readonly queue: string[] = [];
  private running: Promise<void> | undefined;
  current: string | undefined;
  private child: ChildProcess | undefined;
  private readonly font: string | undefined;

  constructor(
    private readonly store: RecordingStore,
    private readonly ffmpeg: string,
    private readonly log: Logger,
  ) {
    this.font = fs.existsSync(FONT) ? FONT : undefined;
    if (!this.font) log.warn({ font: FONT }, 'recording: no font found (install fonts-dejavu-core); composed videos get no labels');
  }

  enqueue(id: string): void {
    if (!this.queue.includes(id) && this.current !== id) this.queue.push(id);
    this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  /** Server shutdown: stop composing; the next start composes again (the sidecar still says processing). */
  close(): void {
    this.queue.length = 0;
    this.child?.kill('SIGKILL');
  }

  /** Resolves when everything queued so far is composed (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    for (let id = this.queue.shift(); id; id = this.queue.shift()) {
      this.current = id;
      try {
        await this.compose(id);
      } catch (err) {
        this.update(id, { state: 'failed', error: (err as Error).message.slice(0, 200) });
        this.log.error({ recording: id, err: (err as Error).message.slice(0, 200) }, 'recording: composition failed');
      }
      this.current = undefined;
    }
  }

  private async compose(id: string): Promise<void> {
    const sidecar = this.store.get(id);
    if (!sidecar) return; // deleted meanwhile
    // ffprobe comes with ffmpeg, next to it.
    const ffprobe = this.ffmpeg.includes('/') ? path.join(path.dirname(this.ffmpeg), 'ffprobe') : 'ffprobe';
    const inputs: Input[] = [];
    for (const track of sidecar.tracks) {
      const file = path.join(this.store.tracksDir(id), track.file);
      if (fs.existsSync(file) && (await readable(ffprobe, file))) inputs.push({ track, file });
    }
    // A recording cut off by a crash knows its length only from its tracks.
    let known = sidecar.durationSeconds;
    if (known === undefined) {
      known = 0;
      for (const i of inputs) known = Math.max(known, i.track.startMs / 1000 + (await lastPacketSeconds(ffprobe, i.file)));
      this.update(id, { durationSeconds: Math.round(known * 10) / 10 });
    }
    const duration = Math.max(1, known);
    const partial = this.store.privateFile(id, 'recording.webm.part');
    const args = composeArgs(inputs, duration, partial, this.font);
    await this.run(id, args, duration);
    fs.renameSync(partial, this.store.file(id, 'recording.webm'));
    fs.rmSync(this.store.tracksDir(id), { recursive: true, force: true });
    this.update(id, { state: 'ready', progress: 1 });
    this.log.info({ recording: id, tracks: inputs.length, seconds: duration }, 'recording composed');
  }

  private run(id: string, args: string[], duration: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      this.child = child;
      child.once('exit', () => (this.child = undefined));
      // Lowest priority: live media forwarding comes first.
      if (child.pid) os.setPriority(child.pid, 19);
      let err = '';
      let savedAt = 0;
      child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-400)));
      child.stdout.on('data', (d: Buffer) => {
        const m = /out_time_us=(\d+)/.exec(d.toString());
        if (!m || Date.now() - savedAt < 1000) return;
        savedAt = Date.now();
        this.update(id, { progress: Math.min(0.99, Number(m[1]) / 1e6 / duration) });
      });
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code}: ${err.trim().split('\n').pop() ?? ''}`))));
    });
  }

  private update(id: string, change: Partial<Sidecar>): void {
    const s = this.store.get(id);
    if (s) this.store.save({ ...s, ...change });
  }
}
