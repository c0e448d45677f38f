// Strokes on a page: drawn on a canvas from their compact form (integer
// coordinates 0..10000 across the page), simplified before they are sent, and
// found again under the eraser.
import { PRESENTATION_LIMITS, type Stroke, type StrokeInput } from '../../../shared/presentation.js';

const C = PRESENTATION_LIMITS.coord;

/** Palette names to colours that read on a white page and in dark mode alike. */
export const COLOURS: Record<StrokeInput['colour'], string> = {
  black: '#1f2328',
  red: '#d1242f',
  blue: '#0969da',
  green: '#1a7f37',
  orange: '#e16f24',
  yellow: '#f2cc0c',
  white: '#ffffff',
};

/** Width is in thousandths of the page width, so a line looks the same at any size. */
export function drawStroke(ctx: CanvasRenderingContext2D, s: Pick<Stroke, 'tool' | 'colour' | 'width' | 'points'>): void {
  const { width: w, height: h } = ctx.canvas;
  const p = s.points;
  ctx.save();
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.strokeStyle = COLOURS[s.colour];
  ctx.fillStyle = COLOURS[s.colour];
  ctx.globalAlpha = s.tool === 'highlighter' ? 0.35 : 1;
  ctx.lineWidth = Math.max(1, (s.width / 1000) * w);
  if (p.length === 2) {
    ctx.beginPath();
    ctx.arc((p[0]! / C) * w, (p[1]! / C) * h, ctx.lineWidth / 2, 0, Math.PI * 2);
    ctx.fill();
  } else {
    ctx.beginPath();
    ctx.moveTo((p[0]! / C) * w, (p[1]! / C) * h);
    for (let i = 2; i < p.length; i += 2) ctx.lineTo((p[i]! / C) * w, (p[i + 1]! / C) * h);
    ctx.stroke();
  }
  ctx.restore();
}

export function redraw(canvas: HTMLCanvasElement, strokes: readonly Stroke[], pending?: StrokeInput): void {
  const ctx = canvas.getContext('2d')!;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  for (const s of strokes) drawStroke(ctx, s);
  if (pending) drawStroke(ctx, pending);
}

/** A pointer event's position on the page, in page coordinates. */
export function toPage(ev: PointerEvent, el: HTMLElement): [number, number] {
  const r = el.getBoundingClientRect();
  const clamp = (v: number) => Math.max(0, Math.min(C, Math.round(v)));
  return [clamp(((ev.clientX - r.left) / r.width) * C), clamp(((ev.clientY - r.top) / r.height) * C)];
}

/** Keep every point that moves the line by more than `tolerance`, and at most the protocol's bound. */
export function simplify(points: number[], tolerance = 15): number[] {
  const out = points.slice(0, 2);
  for (let i = 2; i < points.length; i += 2) {
    const dx = points[i]! - out[out.length - 2]!;
    const dy = points[i + 1]! - out[out.length - 1]!;
    if (dx * dx + dy * dy >= tolerance * tolerance || i === points.length - 2) out.push(points[i]!, points[i + 1]!);
  }
  const max = PRESENTATION_LIMITS.pointsPerStroke * 2;
  if (out.length <= max) return out;
  // Still too long: keep every n-th point (and the last).
  const step = Math.ceil(out.length / max) * 2;
  const thinned: number[] = [];
  for (let i = 0; i < out.length - 2 && thinned.length < max - 2; i += step) thinned.push(out[i]!, out[i + 1]!);
  thinned.push(out[out.length - 2]!, out[out.length - 1]!);
  return thinned;
}

/** The topmost stroke within reach of a point (for the eraser). */
export function strokeAt(strokes: readonly Stroke[], x: number, y: number, reach = 150): Stroke | undefined {
  for (let s = strokes.length - 1; s >= 0; s--) {
    const p = strokes[s]!.points;
    const r = reach + (strokes[s]!.width / 1000) * C;
    for (let i = 0; i < p.length; i += 2) {
      const ax = p[i]!;
      const ay = p[i + 1]!;
      const bx = p[i + 2] ?? ax;
      const by = p[i + 3] ?? ay;
      if (distanceToSegment(x, y, ax, ay, bx, by) <= r) return strokes[s];
    }
  }
  return undefined;
}

function distanceToSegment(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len = dx * dx + dy * dy;
  const t = len ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len)) : 0;
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}
