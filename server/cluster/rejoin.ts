// Rejoin tickets: when a room moves to another node (its node died), the
// browser joins again by itself with its link, its own name and this ticket,
// so that someone already admitted does not wait in the lobby again. The ticket
// holds no name: room, the identity hash hello computes, the meeting it was
// issued in, expiry; HMAC-signed with a key derived from cluster.secret, so any
// node checks it and none stores it.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

interface Ticket {
  r: string; // room
  i: string; // identity hash (sha256 of link and browser id, as hello computes it)
  m: string; // meeting id, or '' if none was open
  exp: number; // ms
}

/** A ticket is worth nothing after this; a meeting that runs longer re-issues none (the meeting id binds it anyway). */
const VALID_MS = 12 * 3600_000;

export class RejoinTickets {
  private readonly key: Buffer;

  constructor(
    secret: string,
    /** The meeting now open in a room, as this node knows it. */
    private readonly meetingOf: (roomId: string) => string | undefined,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'aula rejoin ticket', 32));
  }

  issue(roomId: string, identity: string, now = Date.now()): string {
    const body = Buffer.from(JSON.stringify({ r: roomId, i: identity, m: this.meetingOf(roomId) ?? '', exp: now + VALID_MS } satisfies Ticket)).toString(
      'base64url',
    );
    return `${body}.${this.mac(body)}`;
  }

  /** Whether the ticket lets this identity back into this room's current meeting without the lobby. */
  valid(ticket: string, roomId: string, identity: string, now = Date.now()): boolean {
    const [body, mac] = ticket.split('.');
    if (!body || !mac) return false;
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    let t: Ticket;
    try {
      t = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Ticket;
    } catch {
      return false;
    }
    // Last week's ticket is worthless: the meeting it was issued in must still be the open one.
    return t.r === roomId && t.i === identity && t.exp > now && t.m !== '' && t.m === this.meetingOf(roomId);
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
