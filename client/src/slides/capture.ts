// While a recording runs, the presenter's browser publishes the stage (the
// page with its strokes) as a video track with source "screen", so the
// existing capture path records it and the composer shows it large, as it
// does a shared screen. Drawn from the canvases only: no name is in it.
import { conference } from '../room-controller.js';

const WIDTH = 1280;
const HEIGHT = 720;
const FPS = 5;

/** Start publishing; the returned function stops it. */
export function startRecordingCapture(canvases: () => Array<HTMLCanvasElement | null>): () => void {
  const conf = conference();
  if (!conf || conf.hasProducer('screen')) return () => undefined; // a real screen share is recorded instead
  const out = document.createElement('canvas');
  out.width = WIDTH;
  out.height = HEIGHT;
  const ctx = out.getContext('2d')!;
  const paint = () => {
    ctx.fillStyle = '#202124';
    ctx.fillRect(0, 0, WIDTH, HEIGHT);
    const layers = canvases().filter((c): c is HTMLCanvasElement => !!c && c.width > 1);
    const base = layers[0];
    if (!base) return;
    // Letterboxed at the page's aspect.
    const scale = Math.min(WIDTH / base.width, HEIGHT / base.height);
    const w = base.width * scale;
    const h = base.height * scale;
    for (const layer of layers) ctx.drawImage(layer, (WIDTH - w) / 2, (HEIGHT - h) / 2, w, h);
  };
  paint();
  const timer = setInterval(paint, 1000 / FPS);
  const track = out.captureStream(FPS).getVideoTracks()[0]!;
  let stopped = false;
  void conf.publish('screen', track).catch(() => undefined);
  return () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    void conf.stopScreen();
    track.stop();
  };
}
