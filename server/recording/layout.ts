// Where each video tile of a composed recording goes, over time. The
// recording is cut into segments in which the same tiles are shown; each
// segment has its own layout:
//   - no screen: the cameras fill the frame as a grid (tiles between 1:1 and
//     16:9, cropped to fill them; the last row centred);
//   - a screen: it takes the frame but for a strip on the right where the
//     cameras stack (the screen is letterboxed, never cropped, so its text stays whole).
import type { Track } from './store.js';

export interface Cell {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Frame {
  width: number;
  height: number;
}

export interface Segment {
  /** Seconds from the start of the recording. */
  from: number;
  to: number;
  /** Tile key (`participant|source`) → where it goes in this segment. */
  cells: Map<string, Cell>;
}

/** At most this many layout changes; beyond, one layout with every tile for the whole recording. */
export const MAX_SEGMENTS = 24;
export const MAX_TILES = 16;

/** Sizes and positions even (yuv420p); a size at least 2. */
const even = (n: number) => Math.max(2, Math.floor(n / 2) * 2);
const pos = (n: number) => Math.max(0, Math.floor(n / 2) * 2);

export const tileKey = (t: Track) => `${t.participant}|${t.source}`;
export const isScreen = (key: string) => key.endsWith('|screen');

/** The grid that covers most of the frame with n tiles whose aspect stays between 1:1 and 16:9. */
function grid(n: number, area: Cell): Cell[] {
  let best: { cols: number; rows: number; w: number; h: number } | undefined;
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    let w = area.w / cols;
    let h = area.h / rows;
    // Clamp the tile's aspect: wider than 16:9 or narrower than square crops too much of a camera picture.
    if (w / h > 16 / 9) w = (h * 16) / 9;
    if (w / h < 1) h = w;
    if (!best || w * h > best.w * best.h) best = { cols, rows, w, h };
  }
  const { cols, rows } = best!;
  const w = even(best!.w);
  const h = even(best!.h);
  const top = area.y + pos((area.h - rows * h) / 2);
  return Array.from({ length: n }, (_, i) => {
    const row = Math.floor(i / cols);
    const inRow = row === rows - 1 ? n - row * cols : cols;
    const left = area.x + pos((area.w - inRow * w) / 2);
    return { x: left + (i % cols) * w, y: top + row * h, w, h };
  });
}

/** The layout of one moment: which tile goes where. */
export function layout(screens: string[], cameras: string[], f: Frame): Map<string, Cell> {
  const cells = new Map<string, Cell>();
  const full = { x: 0, y: 0, w: f.width, h: f.height };
  if (!screens.length) {
    grid(cameras.length, full).forEach((c, i) => cells.set(cameras[i]!, c));
    return cells;
  }
  // The strip: a fifth of the width, 16:9 tiles stacked (smaller if many).
  const stripW = cameras.length ? even(f.width / 5) : 0;
  const tileH = cameras.length ? even(Math.min((stripW * 9) / 16, f.height / cameras.length)) : 0;
  const tileW = cameras.length ? even(Math.min(stripW, (tileH * 16) / 9)) : 0;
  const top = pos((f.height - tileH * cameras.length) / 2);
  cameras.forEach((k, i) => cells.set(k, { x: f.width - stripW + pos((stripW - tileW) / 2), y: top + i * tileH, w: tileW, h: tileH }));
  const screenH = even(f.height / screens.length);
  screens.forEach((k, i) => cells.set(k, { x: 0, y: i * screenH, w: even(f.width - stripW), h: screenH }));
  return cells;
}

/** The segments of a recording of `duration` seconds, from its video tracks. */
export function segments(video: Track[], duration: number, f: Frame): Segment[] {
  const keys = [...new Set(video.map(tileKey))].slice(0, MAX_TILES);
  const span = (t: Track): [number, number] => [t.startMs / 1000, Math.min(duration, (t.endMs ?? duration * 1000) / 1000)];
  const shown = (from: number, to: number) => {
    const mid = (from + to) / 2;
    return keys.filter((k) => video.some((t) => tileKey(t) === k && span(t)[0] <= mid && mid < span(t)[1]));
  };
  const split = (active: string[]) =>
    layout(
      active.filter(isScreen),
      active.filter((k) => !isScreen(k)),
      f,
    );
  const bounds = [...new Set([0, duration, ...video.flatMap((t) => span(t))])].filter((b) => b >= 0 && b <= duration).sort((a, b) => a - b);
  const out: Array<{ from: number; to: number; active: string[] }> = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const active = shown(bounds[i]!, bounds[i + 1]!);
    const prev = out.at(-1);
    if (prev && prev.active.join('\n') === active.join('\n')) prev.to = bounds[i + 1]!;
    else out.push({ from: bounds[i]!, to: bounds[i + 1]!, active });
  }
  const used = out.filter((s) => s.active.length);
  if (used.length > MAX_SEGMENTS) return [{ from: 0, to: duration, cells: split(keys) }];
  return used.map((s) => ({ from: s.from, to: s.to, cells: split(s.active) }));
}
