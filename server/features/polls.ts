// Anonymous polls: a moderator asks, everyone votes (and may change the vote
// until the poll closes), results are counts only. See rooms/poll.ts for what
// is kept. Nothing here logs a vote, a voter or the question's text.
import { AulaError } from '../errors.js';
import { Poll } from '../rooms/poll.js';
import type { Room } from '../rooms/room.js';
import { joinedHandler } from '../signalling/handler.js';

const pollOf = (room: Room, pollId: string): Poll => {
  if (!room.poll || room.poll.id !== pollId) throw new AulaError('not_found', 'no such poll');
  return room.poll;
};

/** Live counts to those who manage polls; a voter learns nothing of others' choices while it is open. */
const sendLiveResults = (room: Room, poll: Poll) => room.notifyWith('managePolls', 'pollResults', poll.results());

export const pollHandlers = [
  joinedHandler('createPoll', 'managePolls', async ({ room, services }, { question, options, multiple }) => {
    if (room.poll?.open) throw new AulaError('busy', 'close the open poll first');
    const poll = new Poll(question, options, multiple);
    room.poll = poll;
    room.broadcast('pollOpened', poll.info());
    sendLiveResults(room, poll);
    services.log.info({ room: room.id, poll: poll.id, options: options.length, multiple }, 'poll opened');
    return { pollId: poll.id };
  }),

  joinedHandler('vote', 'vote', async ({ room, participant }, { pollId, choices }) => {
    const poll = pollOf(room, pollId);
    poll.vote(participant.id, choices);
    sendLiveResults(room, poll);
    return {};
  }),

  joinedHandler('closePoll', 'managePolls', async ({ room, services }, { pollId }) => {
    const poll = pollOf(room, pollId);
    if (!poll.open) throw new AulaError('invalid_params', 'this poll is closed already');
    const summary = poll.close();
    room.broadcast('pollClosed', { pollId });
    sendLiveResults(room, poll);
    room.pollClosed(summary);
    services.log.info({ room: room.id, poll: poll.id, voters: summary.voters }, 'poll closed');
    return poll.results();
  }),

  joinedHandler('showPollResults', 'managePolls', async ({ room }, { pollId }) => {
    const poll = pollOf(room, pollId);
    if (poll.open) throw new AulaError('invalid_params', 'close the poll before showing its results');
    room.broadcast('pollResults', poll.results());
    return {};
  }),
];
