// The presentation's own rules without a server: stroke schema bounds, pages,
// strokes per page, erasing, and the drawing rate's token bucket on a clock
// the test turns (no wall-clock timing).
import { describe, expect, it } from 'vitest';
import { PRESENTATION_LIMITS, strokeInput } from '../../shared/presentation.js';
import { requests } from '../../shared/protocol.js';
import { Presentation } from '../../server/presentation/presentation.js';
import { TokenBucket } from '../../server/rate-limit.js';

const pen = (points: number[]) => ({ tool: 'pen' as const, colour: 'blue' as const, width: 3, points });

describe('stroke schema', () => {
  it('takes integer x, y pairs inside the page, within the point bound', () => {
    expect(strokeInput.safeParse(pen([0, 0, 10_000, 10_000])).success).toBe(true);
    expect(strokeInput.safeParse(pen(Array(PRESENTATION_LIMITS.pointsPerStroke * 2).fill(5))).success).toBe(true);
    for (const points of [[], [1], [1, 2, 3], [-1, 0], [0, 10_001], [0.5, 1], Array(PRESENTATION_LIMITS.pointsPerStroke * 2 + 2).fill(5)]) {
      expect(strokeInput.safeParse(pen(points)).success, JSON.stringify(points).slice(0, 40)).toBe(false);
    }
  });
  it('refuses other tools, colours outside the palette, widths out of range and unknown fields', () => {
    expect(strokeInput.safeParse({ ...pen([1, 1]), tool: 'laser' }).success).toBe(false);
    expect(strokeInput.safeParse({ ...pen([1, 1]), colour: '#fff;background:url(x)' }).success).toBe(false);
    expect(strokeInput.safeParse({ ...pen([1, 1]), width: 0 }).success).toBe(false);
    expect(strokeInput.safeParse({ ...pen([1, 1]), width: 41 }).success).toBe(false);
    expect(strokeInput.safeParse({ ...pen([1, 1]), by: 'someone' }).success).toBe(false);
    expect(requests.drawStroke.params.safeParse({ page: 1, stroke: pen([1, 1]), extra: 1 }).success).toBe(false);
  });
});

describe('Presentation', () => {
  it('keeps pages in range and strokes per page bounded', () => {
    const p = new Presentation('slides', 'peer', 3);
    expect(() => p.setPage(4)).toThrow('out of range');
    expect(() => p.setPage(0)).toThrow('out of range');
    expect(() => p.addPage()).toThrow('whiteboard');
    p.setPage(3);
    for (let i = 0; i < PRESENTATION_LIMITS.strokesPerPage; i++) p.addStroke(2, pen([i, i]));
    expect(() => p.addStroke(2, pen([1, 1]))).toThrow(`at most ${PRESENTATION_LIMITS.strokesPerPage} strokes`);
    expect(p.addStroke(1, pen([1, 1])).id).toMatch(/^[A-Za-z0-9_-]{11}$/);
    p.clearPage(2);
    expect(p.strokesOn(2)).toEqual([]);
    expect(p.state(() => '/f').strokes).toEqual([]); // page 3 is shown
  });
  it('a whiteboard grows to its page bound; erasing needs a stroke that exists; disposing runs once', () => {
    let disposed = 0;
    const p = new Presentation('whiteboard', 'peer', 1, () => disposed++);
    expect(p.ready).toBe(true);
    while (p.pageCount < PRESENTATION_LIMITS.whiteboardPages) p.addPage();
    expect(() => p.addPage()).toThrow(`at most ${PRESENTATION_LIMITS.whiteboardPages} pages`);
    expect(p.page).toBe(PRESENTATION_LIMITS.whiteboardPages);
    const s = p.addStroke(1, pen([2, 2]));
    expect(() => p.eraseStroke(1, 'nope')).toThrow('no such stroke');
    p.eraseStroke(1, s.id);
    expect(p.strokesOn(1)).toEqual([]);
    p.dispose();
    p.dispose();
    expect(disposed).toBe(1);
    expect(p.state(() => '/f').file).toBeUndefined();
  });
});

describe('TokenBucket', () => {
  it('lets a burst through, then refills at its rate', () => {
    let t = 0;
    const b = new TokenBucket(20, 5, () => t);
    const burst = Array.from({ length: 25 }, () => b.take());
    expect(burst.filter(Boolean)).toHaveLength(20);
    t += 1000; // five more after a second
    expect(Array.from({ length: 6 }, () => b.take()).filter(Boolean)).toHaveLength(5);
    t += 60_000; // never above the capacity
    expect(Array.from({ length: 30 }, () => b.take()).filter(Boolean)).toHaveLength(20);
  });
});
