// After a recording stops: one playable file. Audio tracks are mixed, videos
// composed into the frame (layout.ts: a grid of cameras, or a screen with a
// camera strip beside it, changing as tracks come and go), each tile
// labelled with its pseudonym. Runs in the background, one recording at a
// time, at the lowest CPU priority and with ffmpeg's fastest VP8 settings,
// so live rooms keep their share of the CPU. The tracks come in decrypted
// through pipes and the result goes out through one to be sealed again
// (sealed-file.ts): ffmpeg never sees a file. Progress and the CPU time it
// took go into the sidecar, where operators see them.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from '../log.js';
import { type Frame, isScreen, segments, tileKey } from './layout.js';
import type { RecordingStore, Sidecar, Track } from './store.js';

/** Debian's fonts-dejavu-core; without it the tiles have no labels (said in the log). */
export const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

export interface Composition extends Frame {
  fps: number;
}
export const DEFAULT_COMPOSITION: Composition = { width: 1280, height: 720, fps: 10 };

interface Input {
  track: Track;
  /** What ffmpeg reads it from, e.g. pipe:4. */
  file: string;
}

/** The file descriptor of ffmpeg's first input (0–2 are stdio, 3 the progress). */
const FIRST_INPUT_FD = 4;
const sec = (s: number) => s.toFixed(3);

/** The ffmpeg arguments that compose `inputs` into `out` (exported for tests). */
export function composeArgs(inputs: Input[], durationS: number, out: string, font: string | undefined, c: Composition = DEFAULT_COMPOSITION): string[] {
  const { width: W, height: H, fps: FPS } = c;
  const video = inputs.filter((i) => i.track.kind === 'video');
  const audio = inputs.filter((i) => i.track.kind === 'audio');
  const segs = segments(
    video.map((i) => i.track),
    durationS,
    c,
  );
  const f: string[] = [`color=c=0x202020:s=${W}x${H}:r=${FPS}:d=${sec(durationS)}[base]`];
  let last = 'base';
  inputs.forEach((input, n) => {
    const { track } = input;
    if (track.kind === 'audio') {
      f.push(`[${n}:a]aresample=async=1:first_pts=0,adelay=delays=${track.startMs}:all=1[a${n}]`);
      return;
    }
    const from = track.startMs / 1000;
    const to = Math.min(durationS, (track.endMs ?? durationS * 1000) / 1000);
    // One branch per segment this track is shown in, each cut to its segment.
    const parts = segs.map((s) => ({ cell: s.cells.get(tileKey(track)), a: Math.max(from, s.from), b: Math.min(to, s.to) })).filter((p) => p.cell && p.b > p.a);
    if (!parts.length) return void f.push(`[${n}:v]nullsink`);
    f.push(`[${n}:v]fps=${FPS},setpts=PTS-STARTPTS+${sec(from)}/TB,split=${parts.length}${parts.map((_, j) => `[s${n}_${j}]`).join('')}`);
    parts.forEach(({ cell, a, b }, j) => {
      const { w, h, x, y } = cell!;
      // A screen is letterboxed (its text must stay whole); a camera fills its tile.
      const fit = isScreen(tileKey(track))
        ? `scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2`
        : `scale=${w}:${h}:force_original_aspect_ratio=increase,crop=${w}:${h}`;
      f.push(`[s${n}_${j}]trim=start=${sec(a)}:end=${sec(b)},${fit},setsar=1[v${n}_${j}]`);
      f.push(`[${last}][v${n}_${j}]overlay=${x}:${y}:eof_action=pass:enable='between(t,${sec(a)},${sec(b)})'[o${n}_${j}]`);
      last = `o${n}_${j}`;
    });
  });
  if (font) {
    // A label per tile and segment, its size following the tile's.
    const labels = segs.flatMap((s) =>
      [...s.cells].map(([k, cell]) => {
        const name = k.split('|')[0]!; // "Participant N": letters, digits and a space only
        const size = Math.max(12, Math.round(cell.h / 14));
        return `drawtext=fontfile=${font}:text='${name}':x=${cell.x + Math.round(size / 2)}:y=${cell.y + cell.h - Math.round(size * 1.6)}:fontsize=${size}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=${Math.round(size / 4)}:enable='between(t,${sec(s.from)},${sec(s.to)})'`;
      }),
    );
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
  // About 1 bit per pixel and second at 10 fps: 600k at 640×360 and 2 Mbit/s at 1280×720.
  const bitrate = Math.round((W * H * FPS) / 4600 / 10) * 10;
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-nostats',
    '-progress',
    'pipe:3',
    ...inputs.flatMap((i) => ['-thread_queue_size', '64', '-i', i.file]),
    // One thread each for filters and encoder: the other core stays with the live rooms.
    '-filter_complex_threads',
    '1',
    '-filter_complex',
    f.join(';'),
    '-map',
    '[vout]',
    '-map',
    '[aout]',
    '-t',
    sec(durationS),
    '-threads',
    '1',
    '-c:v',
    'libvpx',
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    '-b:v',
    `${bitrate}k`,
    '-g',
    String(FPS * 5),
    '-c:a',
    'libopus',
    '-b:a',
    '64k',
    '-map_metadata',
    '-1',
    '-metadata',
    'title=-',
    '-f',
    'webm',
    out,
  ];
}

/** Feed a decrypted file into a child's pipe; the child may stop reading early (EPIPE is fine). */
function feed(source: Readable, into: Writable | null | undefined): void {
  if (!into) return void source.destroy();
  into.on('error', () => source.destroy());
  source.on('error', () => into.destroy());
  source.pipe(into);
}

/** What ffprobe says about a decrypted stream (fed through its stdin). */
function probe(ffprobe: string, source: Readable, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(ffprobe, ['-v', 'error', ...args, '-of', 'csv=p=0', '-i', 'pipe:0'], { stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4096)));
    child.once('error', () => resolve(''));
    child.once('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    feed(source, child.stdin);
  });
}

/** How long a (possibly unfinished) track lasts: the time of its last packet. */
async function lastPacketSeconds(ffprobe: string, source: Readable): Promise<number> {
  const out = await probe(ffprobe, source, ['-select_streams', '0', '-show_entries', 'packet=pts_time']);
  return Number(out.trim().split('\n').pop()) || 0;
}

/** Whether ffprobe finds a stream in a (possibly partial) track. */
async function readable(ffprobe: string, source: Readable): Promise<boolean> {
  return (await probe(ffprobe, source, ['-show_entries', 'stream=codec_type'])).trim().length > 0;
}

/** CPU seconds a running child has used so far (Linux /proc; undefined elsewhere). */
function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (100/s on Linux)
  } catch {
    return undefined;
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
    private readonly composition: Composition = DEFAULT_COMPOSITION,
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
    const tracks: Track[] = [];
    const name = (t: Track) => `tracks/${t.file}`;
    for (const track of sidecar.tracks) {
      if (fs.existsSync(this.store.file(id, name(track))) && (await readable(ffprobe, this.store.reader(id, name(track))))) tracks.push(track);
    }
    // A recording cut off by a crash knows its length only from its tracks.
    let known = sidecar.durationSeconds;
    if (known === undefined) {
      known = 0;
      for (const t of tracks) known = Math.max(known, t.startMs / 1000 + (await lastPacketSeconds(ffprobe, this.store.reader(id, name(t)))));
      this.update(id, { durationSeconds: Math.round(known * 10) / 10 });
    }
    const duration = Math.max(1, known);
    const inputs = tracks.map((track, i) => ({ track, file: `pipe:${FIRST_INPUT_FD + i}` }));
    const args = composeArgs(inputs, duration, 'pipe:1', this.font, this.composition);
    const cpu = await this.run(
      id,
      args,
      duration,
      tracks.map((t) => this.store.reader(id, name(t))),
    );
    fs.renameSync(this.store.file(id, 'recording.webm.part'), this.store.file(id, 'recording.webm'));
    fs.rmSync(this.store.tracksDir(id), { recursive: true, force: true });
    this.update(id, { state: 'ready', progress: 1, ...(cpu !== undefined ? { composeCpuSeconds: cpu } : {}) });
    this.log.info({ recording: id, tracks: inputs.length, seconds: duration, cpuSeconds: cpu }, 'recording composed');
  }

  /** Run the composing ffmpeg: tracks in through pipes, the result sealed; resolves with its CPU seconds. */
  private run(id: string, args: string[], duration: number, sources: Readable[]): Promise<number | undefined> {
    return new Promise((resolve, reject) => {
      const out = this.store.writer(id, 'recording.webm.part');
      const stdio = ['ignore', 'pipe', 'pipe', 'pipe', ...sources.map(() => 'pipe' as const)] as const;
      const child = spawn(this.ffmpeg, args, { stdio: [...stdio] });
      this.child = child;
      // Lowest priority: live media forwarding comes first.
      if (child.pid) os.setPriority(child.pid, 19);
      sources.forEach((s, i) => feed(s, child.stdio[FIRST_INPUT_FD + i] as Writable));
      let err = '';
      let savedAt = 0;
      let cpu: number | undefined;
      child.stdout!.on('data', (d: Buffer) => out.write(d));
      child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-400)));
      (child.stdio[3] as Readable).on('data', (d: Buffer) => {
        const text = d.toString();
        // The last reading before ffmpeg exits ("progress=end") is its total.
        cpu = cpuSeconds(child.pid) ?? cpu;
        const m = /out_time_us=(\d+)/.exec(text);
        if (!m || Date.now() - savedAt < 1000) return;
        savedAt = Date.now();
        this.update(id, { progress: Math.min(0.99, Number(m[1]) / 1e6 / duration) });
      });
      child.once('error', (e) => {
        out.close();
        reject(e);
      });
      child.once('close', (code) => {
        this.child = undefined;
        out.close();
        for (const s of sources) s.destroy();
        if (code === 0) resolve(cpu);
        else reject(new Error(`ffmpeg exited with ${code}: ${err.trim().split('\n').pop() ?? ''}`));
      });
    });
  }

  private update(id: string, change: Partial<Sidecar>): void {
    const s = this.store.get(id);
    if (s) this.store.save({ ...s, ...change });
  }
}
