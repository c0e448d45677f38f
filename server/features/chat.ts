// Room-wide chat: memory only (bounded history for late joiners), never
// written to disk or logs, gone when the meeting ends.
import { randomUUID } from 'node:crypto';
import { AulaError } from '../errors.js';
import type { Participant } from '../rooms/participant.js';
import { joinedHandler } from '../signalling/handler.js';

const BURST = 5;
const PER_SECOND = 1;

function takeChatToken(p: Participant): boolean {
  const now = Date.now();
  p.chatTokens = Math.min(BURST, p.chatTokens + ((now - p.chatRefilledAt) / 1000) * PER_SECOND);
  p.chatRefilledAt = now;
  if (p.chatTokens < 1) return false;
  p.chatTokens -= 1;
  return true;
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
