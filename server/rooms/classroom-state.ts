// The in-memory state of classroom features in one room: chat history,
// raised hands, the screen-share policy, the active speaker. Memory only:
// gone when the room ends, never written anywhere.
import type { z } from 'zod';
import type { chatMessage } from '../../shared/protocol.js';

type ChatMessage = z.infer<typeof chatMessage>;

/** Late joiners see this many recent messages. */
export const CHAT_HISTORY = 100;

export class ClassroomState {
  readonly chat: ChatMessage[] = [];
  /** Peer ids in the order the hands went up. */
  readonly hands: string[] = [];
  multipleScreens = false;
  /** Screen shares being set up right now (they count before they exist). */
  screensPending = 0;
  activeSpeaker: string | null = null;
  /** Who a moderator shows large on everyone's stage (features/spotlight.ts). */
  spotlight: string | null = null;
  /** Identities a moderator removed from this meeting (memory only). */
  readonly barred = new Set<string>();
  /** Identities a moderator muted without allowing them to unmute. */
  readonly muteLocked = new Set<string>();

  addChat(message: ChatMessage): void {
    this.chat.push(message);
    if (this.chat.length > CHAT_HISTORY) this.chat.splice(0, this.chat.length - CHAT_HISTORY);
  }

  raise(peerId: string): boolean {
    if (this.hands.includes(peerId)) return false;
    this.hands.push(peerId);
    return true;
  }

  lower(peerId: string): boolean {
    const i = this.hands.indexOf(peerId);
    if (i < 0) return false;
    this.hands.splice(i, 1);
    return true;
  }

  /** Forget everything (the meeting ended). */
  reset(): void {
    this.chat.length = 0;
    this.hands.length = 0;
    this.multipleScreens = false;
    this.activeSpeaker = null;
    this.spotlight = null;
    this.barred.clear();
    this.muteLocked.clear();
  }
}
