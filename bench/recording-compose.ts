// What composing a recording costs: CPU seconds per recorded minute, at
// 640×360 and at the default 1280×720, in one run (compare the ratio, not the
// absolute figure, across machines). Run: npx tsx bench/recording-compose.ts
// [--seconds 60] [--fps 10]. The lesson is synthetic but shaped like one: two
// cameras (640×360, 15 fps VP8) and two microphones (Opus) all along, a
// screen share (1280×720, 5 fps) for the middle third, all sealed at rest as
// the recorder writes them; the real Composer then decrypts, composes (nice
// 19, one thread) and seals the result. CPU comes from /proc (the composer
// records it in the sidecar as composeCpuSeconds).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../server/log.js';
import { Composer } from '../server/recording/composer.js';
import { randomId, RecordingStore, type Track } from '../server/recording/store.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, fps: { type: 'string', default: '10' } } });
const seconds = Number(values.seconds);
const fps = Number(values.fps);

/** One plain track made by ffmpeg (once per run). */
function make(dir: string, name: string, input: string[], codec: string[], duration: number): Promise<string> {
  const file = path.join(dir, `${name}.webm`);
  return new Promise((resolve, reject) => {
    const ff = spawn('ffmpeg', ['-v', 'error', ...input, '-t', String(duration), ...codec, '-f', 'webm', '-y', file], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    ff.once('close', (code) => (code === 0 ? resolve(file) : reject(new Error(`ffmpeg exited with ${code}`))));
  });
}

/** A plain track sealed into a recording, as a capture would have written it. */
function seal(store: RecordingStore, id: string, plain: string): string {
  const file = `${randomId()}.webm`;
  const writer = store.writer(id, `tracks/${file}`);
  writer.write(fs.readFileSync(plain));
  writer.close();
  return file;
}

async function sources(dir: string): Promise<Record<'cam1' | 'cam2' | 'screen' | 'mic1' | 'mic2', string>> {
  const vp8 = ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '600k'];
  const opus = ['-c:a', 'libopus', '-b:a', '32k'];
  const [cam1, cam2, screen, mic1, mic2] = await Promise.all([
    make(dir, 'cam1', ['-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=15'], vp8, seconds),
    make(dir, 'cam2', ['-f', 'lavfi', '-i', 'smptehdbars=s=640x360:r=15', '-vf', 'noise=alls=8:allf=t'], vp8, seconds),
    make(dir, 'screen', ['-f', 'lavfi', '-i', 'testsrc=s=1280x720:r=5'], vp8, Math.round(seconds / 3)),
    make(dir, 'mic1', ['-f', 'lavfi', '-i', 'sine=f=440:r=48000'], opus, seconds),
    make(dir, 'mic2', ['-f', 'lavfi', '-i', 'sine=f=660:r=48000'], opus, seconds),
  ]);
  return { cam1: cam1, cam2: cam2, screen: screen, mic1: mic1, mic2: mic2 };
}

function lesson(store: RecordingStore, src: Awaited<ReturnType<typeof sources>>): string {
  const s = store.create('bench');
  const third = Math.round(seconds / 3);
  const t = (plain: string, kind: Track['kind'], source: Track['source'], participant: string, startMs = 0): Track => ({
    file: seal(store, s.id, plain),
    kind,
    source,
    participant,
    startMs,
  });
  store.save({
    ...s,
    state: 'processing',
    durationSeconds: seconds,
    participants: 2,
    tracks: [
      t(src.cam1, 'video', 'camera', 'Participant 1'),
      t(src.cam2, 'video', 'camera', 'Participant 2'),
      { ...t(src.screen, 'video', 'screen', 'Participant 1', third * 1000), endMs: 2 * third * 1000 },
      t(src.mic1, 'audio', 'mic', 'Participant 1'),
      t(src.mic2, 'audio', 'mic', 'Participant 2'),
    ],
  });
  return s.id;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aula-bench-rec-'));
const store = new RecordingStore(dir, 1, randomBytes(32));
const rows: Array<{ size: string; cpu: number; wall: number }> = [];
try {
  const src = await sources(dir);
  for (const [width, height] of [
    [640, 360],
    [1280, 720],
  ] as const) {
    const id = lesson(store, src);
    const composer = new Composer(store, 'ffmpeg', createLogger('silent'), { width, height, fps });
    const t0 = Date.now();
    composer.enqueue(id);
    await composer.idle();
    const r = store.get(id)!;
    if (r.state !== 'ready') throw new Error(`composition failed: ${r.error}`);
    rows.push({ size: `${width}×${height}`, cpu: r.composeCpuSeconds ?? NaN, wall: (Date.now() - t0) / 1000 });
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
const [cpu] = os.cpus();
console.log(
  `recording composition: ${seconds} s lesson (2 cameras, 2 microphones, a screen for a third), ${fps} fps; ${os.cpus().length} × ${cpu?.model ?? '?'}, load ${os.loadavg()[0]!.toFixed(2)}`,
);
console.log('| size | CPU s | CPU s per recorded minute | wall s |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(`| ${r.size} | ${r.cpu.toFixed(1)} | ${((r.cpu / seconds) * 60).toFixed(1)} | ${r.wall.toFixed(1)} |`);
console.log(`1280×720 ÷ 640×360: ${(rows[1]!.cpu / rows[0]!.cpu).toFixed(2)}× CPU`);
