// A token bucket: `capacity` at once, refilled at `perSecond`. Counts only;
// it never keeps who was limited. The one bucket of aula: signalling frames,
// chat messages, slide strokes, join attempts and problem reports all use it.
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = capacity;
    this.last = now();
  }

  take(now = this.now()): boolean {
    this.tokens = Math.min(this.capacity, this.tokens + (Math.max(0, now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whole seconds until the next token (after a refused take()). */
  secondsToNext(): number {
    return Math.ceil((1 - this.tokens) / this.perSecond);
  }
}
