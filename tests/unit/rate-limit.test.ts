// The one token bucket (server/rate-limit.ts) that signalling, chat, slides,
// joins and problem reports share, on a clock the test moves.
import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../server/rate-limit.js';

describe('token bucket', () => {
  it('gives its capacity at once, then refills at its rate, never above capacity', () => {
    let now = 1_000_000;
    const b = new TokenBucket(3, 2, () => now);
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
    now += 500; // one token back at two per second
    expect([b.take(), b.take()]).toEqual([true, false]);
    now += 60_000;
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
  });

  it('says how many whole seconds until the next token', () => {
    const b = new TokenBucket(1, 0.5, () => 0);
    expect(b.take(0)).toBe(true);
    expect(b.take(0)).toBe(false);
    expect(b.secondsToNext()).toBe(2);
    expect(b.take(1000)).toBe(false);
    expect(b.secondsToNext()).toBe(1);
    expect(b.take(2000)).toBe(true);
  });

  it('takes nothing away when the clock goes back', () => {
    let now = 10_000;
    const b = new TokenBucket(1, 1, () => now);
    expect(b.take()).toBe(true);
    now -= 5000;
    expect(b.take()).toBe(false);
    now += 1000; // a second later a token is back: the jump cost no debt
    expect(b.take()).toBe(true);
  });
});
