// The poll's state: counts move with changed votes, nobody counts twice, and
// closing leaves nothing that ties a voter to a choice.
import { describe, expect, it } from 'vitest';
import { Poll } from '../../server/rooms/poll.js';

describe('Poll', () => {
  it('replaces a changed vote and counts each voter once', () => {
    const poll = new Poll('Q', ['a', 'b', 'c'], false);
    poll.vote('v1', [0]);
    poll.vote('v2', [1]);
    poll.vote('v1', [1]);
    poll.vote('v1', [1]);
    expect(poll.results()).toEqual({ pollId: poll.id, counts: [0, 2, 0], voters: 2, final: false });
  });

  it('refuses malformed votes without changing the counts', () => {
    const single = new Poll('Q', ['a', 'b'], false);
    single.vote('v1', [0]);
    for (const bad of [[0, 1], [2], [1, 1]]) expect(() => single.vote('v1', bad)).toThrow();
    expect(single.counts).toEqual([1, 0]);
    const multi = new Poll('Q', ['a', 'b', 'c'], true);
    multi.vote('v1', [0, 2]);
    multi.vote('v1', [2]);
    expect(multi.counts).toEqual([0, 0, 1]);
  });

  it('close keeps counts only and refuses further votes', () => {
    const poll = new Poll('Q', ['a', 'b'], true);
    poll.vote('voter-canary-id', [0, 1]);
    expect(poll.close()).toEqual({ question: 'Q', options: ['a', 'b'], multiple: true, counts: [1, 1], voters: 1 });
    expect(JSON.stringify(poll, (_k, v) => (v instanceof Map ? [...v] : v))).not.toContain('voter-canary-id');
    expect(() => poll.vote('v2', [0])).toThrow(/closed/);
    expect(poll.info().open).toBe(false);
  });
});
