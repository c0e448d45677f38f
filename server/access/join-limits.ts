// How often a link may be used to join a room: token buckets kept in memory
// only (never written, gone with the room's last use), per room.
//
// "Identity" here is what the server can tell apart without knowing who
// anyone is:
//  - a person: the hash aula already keeps for removal (an organisation
//    token's hash; for a room link, the link plus the browser's random id);
//  - a shared room link as a whole (the hash of the link token), because the
//    browser's id is the browser's to choose: someone looping joins with a
//    fresh id each time is still bounded by the link's bucket, which is big
//    enough for a whole class arriving at once.
// A moderator who sees a link abused re-issues the links (a new generation).
import { createHash } from 'node:crypto';
import { AulaError } from '../errors.js';
import { TokenBucket } from '../rate-limit.js';
import type { Room } from '../rooms/room.js';

/** A person may join this many times in a row, then `joinsPerMinute` (signalling config) per minute. */
const PERSON_BURST = 5;

class Buckets {
  private readonly map = new Map<string, TokenBucket>();

  constructor(private readonly bound: number) {}

  /** 0 if a join may go ahead, else the seconds to wait. */
  take(key: string, burst: number, perSecond: number, now: number): number {
    const b = this.map.get(key) ?? new TokenBucket(burst, perSecond, () => now);
    this.map.delete(key); // re-insert: the map is in order of last use
    this.map.set(key, b);
    // Bounded memory: the least recently used go first (a full bucket is as good as none).
    for (const k of this.map.keys()) {
      if (this.map.size <= this.bound) break;
      this.map.delete(k);
    }
    return b.take(now) ? 0 : b.secondsToNext();
  }
}

const perRoom = new WeakMap<Room, Buckets>();

/** The key of a link's bucket: a hash of the token (the token itself is not kept). */
export const linkKey = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * Count one join attempt; throws `rate_limited` (with the seconds to wait)
 * when the person or the link has used up its joins.
 */
export function takeJoin(room: Room, who: { identity: string; link: string; via: 'link' | 'organisation' }, joinsPerMinute: number, now = Date.now()): void {
  let buckets = perRoom.get(room);
  if (!buckets) {
    buckets = new Buckets(4 * room.settings.maxParticipants + 100);
    perRoom.set(room, buckets);
  }
  const wait = (s: number) => new AulaError('rate_limited', `too many join attempts: try again in ${s} s`);
  const person = buckets.take(`p:${who.identity}`, Math.max(PERSON_BURST, joinsPerMinute / 60), joinsPerMinute / 60, now);
  if (person) throw wait(person);
  if (who.via === 'link') {
    // A whole class may arrive at once, twice over (reloads, a second device).
    const size = Math.max(room.settings.maxParticipants, joinsPerMinute);
    const link = buckets.take(`l:${who.link}`, 2 * size, size / 60, now);
    if (link) throw wait(link);
  }
}
