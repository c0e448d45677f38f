// One poll's state. What is kept is the point of this file:
// - the tallies (counts per option), for as long as the meeting lasts;
// - while the poll is open, and only in memory, each voter's current choice
//   keyed by the participant's random session id (never a name), because
//   changing a vote needs the old choice to take it off the tally.
// close() drops that map: afterwards nothing links a person to a choice.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { pollInfo, pollResults } from '../../shared/protocol.js';
import { AulaError } from '../errors.js';

export type PollInfo = z.infer<typeof pollInfo>;
export type PollResults = z.infer<typeof pollResults>;

/** What a transcript may record when a poll closes: no voters, counts only. */
export interface PollSummary {
  question: string;
  options: string[];
  multiple: boolean;
  counts: number[];
  voters: number;
}

export class Poll {
  readonly id = randomUUID();
  readonly counts: number[];
  private votersCount = 0;
  /** Session id → current choices; only while open (see above). */
  private ballots: Map<string, number[]> | null = new Map();

  constructor(
    readonly question: string,
    readonly options: readonly string[],
    readonly multiple: boolean,
  ) {
    this.counts = options.map(() => 0);
  }

  get open(): boolean {
    return this.ballots !== null;
  }

  /** Record or replace a voter's choice. Never counts one voter twice. */
  vote(voter: string, choices: number[]): void {
    if (!this.ballots) throw new AulaError('invalid_params', 'this poll is closed');
    const unique = [...new Set(choices)];
    if (unique.length !== choices.length) throw new AulaError('invalid_params', 'vote: an option is chosen twice');
    if (!this.multiple && unique.length !== 1) throw new AulaError('invalid_params', 'vote: choose exactly one option');
    if (unique.some((c) => c >= this.options.length)) throw new AulaError('invalid_params', 'vote: no such option');
    const before = this.ballots.get(voter);
    if (before) for (const c of before) this.counts[c]!--;
    else this.votersCount++;
    for (const c of unique) this.counts[c]!++;
    this.ballots.set(voter, unique);
  }

  /** Close: forget who voted; only the counts remain. */
  close(): PollSummary {
    this.ballots?.clear();
    this.ballots = null;
    return this.summary();
  }

  summary(): PollSummary {
    return { question: this.question, options: [...this.options], multiple: this.multiple, counts: [...this.counts], voters: this.votersCount };
  }

  info(): PollInfo {
    return { id: this.id, question: this.question, options: [...this.options], multiple: this.multiple, open: this.open };
  }

  results(): PollResults {
    return { pollId: this.id, counts: [...this.counts], voters: this.votersCount, final: !this.open };
  }
}
