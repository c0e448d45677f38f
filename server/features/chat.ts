// Room-wide chat: memory only (bounded history for late joiners), never
// written to disk or logs, gone when the meeting ends.
import { randomUUID } from 'node:crypto';
import { AulaError } from '../errors.js';
import { TokenBucket } from '../rate-limit.js';
import type { Participant } from '../rooms/participant.js';
import { joinedHandler } from '../signalling/handler.js';

const BURST = 5;
const PER_SECOND = 1;
// Kept beside the participant, gone with it: nothing about who was limited stays.
const buckets = new WeakMap<Participant, TokenBucket>();

function takeChatToken(p: Participant): boolean {
  let bucket = buckets.get(p);
  if (!bucket) buckets.set(p, (bucket = new TokenBucket(BURST, PER_SECOND)));
  return bucket.take();
}

export const chatHandlers = [
  joinedHandler('sendChat', 'chat', async ({ room, participant, services }, { text }) => {
    if (!takeChatToken(participant)) throw new AulaError('rate_limited', 'slow down: at most 5 messages in a row, then one a second');
    const message = { id: randomUUID(), peerId: participant.id, displayName: participant.displayName, text, at: new Date().toISOString() };
    // A breakout group's chat stays in the group and keeps no history.
    if (!participant.group) room.classroom.addChat(message);
    participant.notify('chatMessage', message);
    room.broadcastNear(participant, 'chatMessage', message);
    // The recording is of the main room; its transcript has pseudonyms only, names inside the text replaced.
    if (!participant.group) services.recordings?.chat(room, message);
    return { id: message.id };
  }),
];
