// Where the composer puts each tile: a grid of cameras that fills the frame,
// or a large screen with the cameras in a strip beside it, changing over time.
import { describe, expect, it } from 'vitest';
import { composeArgs } from '../../server/recording/composer.js';
import { type Cell, layout, MAX_SEGMENTS, segments } from '../../server/recording/layout.js';
import type { Track } from '../../server/recording/store.js';

const F = { width: 1280, height: 720 };
const area = (cells: Iterable<Cell>) => [...cells].reduce((n, c) => n + c.w * c.h, 0) / (F.width * F.height);
const inside = (c: Cell) => c.x >= 0 && c.y >= 0 && c.x + c.w <= F.width && c.y + c.h <= F.height;
const overlap = (a: Cell, b: Cell) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const cam = (n: number) => `Participant ${n}|camera`;
const track = (participant: number, source: Track['source'], startMs: number, endMs?: number): Track => ({
  file: `${'0'.repeat(31)}${participant}.webm`,
  kind: 'video',
  source,
  participant: `Participant ${participant}`,
  startMs,
  ...(endMs !== undefined ? { endMs } : {}),
});

describe('recording layout', () => {
  it('without a screen, cameras fill most of the frame, inside it and apart', () => {
    const covered: Record<number, number> = {};
    for (let n = 1; n <= 16; n++) {
      const cells = [
        ...layout(
          [],
          Array.from({ length: n }, (_, i) => cam(i + 1)),
          F,
        ).values(),
      ];
      expect(cells).toHaveLength(n);
      for (const c of cells) expect(inside(c)).toBe(true);
      for (const [i, a] of cells.entries()) for (const b of cells.slice(i + 1)) expect(overlap(a, b)).toBe(false);
      covered[n] = area(cells);
      expect(covered[n]).toBeGreaterThan(0.55);
    }
    expect(covered[1]).toBe(1);
    expect(covered[2]).toBeGreaterThan(0.85);
    expect(covered[4]).toBe(1);
  });

  it('with a screen, the screen is large and the cameras a strip on the right', () => {
    const cells = layout(['Participant 1|screen'], [cam(1), cam(2), cam(3)], F);
    const screen = cells.get('Participant 1|screen')!;
    expect(area([screen])).toBeGreaterThan(0.75);
    for (const k of [cam(1), cam(2), cam(3)]) {
      const c = cells.get(k)!;
      expect(inside(c)).toBe(true);
      expect(c.x).toBeGreaterThanOrEqual(screen.x + screen.w);
      expect(overlap(c, screen)).toBe(false);
    }
  });

  it('changes layout when the screen share starts and ends', () => {
    const segs = segments([track(1, 'camera', 400), track(2, 'camera', 500), track(1, 'screen', 5000, 9000)], 12, F);
    expect(segs.map((s) => [s.from, s.to, s.cells.size])).toEqual([
      [0.4, 0.5, 1],
      [0.5, 5, 2],
      [5, 9, 3],
      [9, 12, 2],
    ]);
    expect(area(segs[1]!.cells.values())).toBeGreaterThan(0.85);
    expect(area([segs[2]!.cells.get('Participant 1|screen')!])).toBeGreaterThan(0.75);
  });

  it('falls back to one layout when tracks come and go very often', () => {
    const flapping = Array.from({ length: MAX_SEGMENTS + 5 }, (_, i) => track(2, 'camera', i * 1000, i * 1000 + 500));
    const segs = segments([track(1, 'camera', 0), ...flapping], 60, F);
    expect(segs).toHaveLength(1);
    expect(segs[0]!.cells.size).toBe(2);
  });

  it('composes at the configured size, labels growing with the tile', () => {
    const inputs = [track(1, 'camera', 0), track(2, 'camera', 0)].map((t, i) => ({ track: t, file: `pipe:${4 + i}` }));
    const small = composeArgs(inputs, 10, 'pipe:1', '/font.ttf', { width: 640, height: 360, fps: 10 }).join(' ');
    const big = composeArgs(inputs, 10, 'pipe:1', '/font.ttf').join(' ');
    expect(small).toContain('s=640x360');
    expect(big).toContain('s=1280x720');
    const size = (args: string) => Math.max(...[...args.matchAll(/fontsize=(\d+)/g)].map((m) => Number(m[1])));
    expect(size(big)).toBeGreaterThan(size(small));
    expect(big).toContain('-i pipe:4');
  });
});
