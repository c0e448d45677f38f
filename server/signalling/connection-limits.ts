// Who may hold a signalling socket: at most connectionsPerAddress per client
// address (as ClientAddress determines it), and at most unjoinedConnections
// sockets server-wide that are not in a room, so that nobody can take every
// slot without a link. Counts live in memory only and are never logged.
import type { ErrorCode } from '../../shared/protocol.js';
import type { Session } from './session.js';

export interface Refusal {
  code: Extract<ErrorCode, 'too_many_connections' | 'server_busy'>;
  message: string;
  /** WebSocket close code: 1008 policy (this address), 1013 try again later (the server). */
  closeCode: 1008 | 1013;
}

export class ConnectionLimits {
  private readonly perAddress = new Map<string, number>();
  private readonly sessions = new Set<Session>();

  constructor(
    private readonly maxPerAddress: number,
    private readonly maxUnjoined: number,
  ) {}

  /** Admit a new socket, or say why not. On success, call the returned release once when it closes. */
  admit(address: string, session: Session): Refusal | (() => void) {
    const open = (this.perAddress.get(address) ?? 0) + 1;
    if (open > this.maxPerAddress) {
      return { code: 'too_many_connections', message: 'too many connections from your address', closeCode: 1008 };
    }
    // Sessions move in and out of rooms without telling us, so count now:
    // a linear pass over open sockets, cheap next to the upgrade itself.
    if (this.unjoined() >= this.maxUnjoined) {
      return { code: 'server_busy', message: 'the server is busy; try again shortly', closeCode: 1013 };
    }
    this.perAddress.set(address, open);
    this.sessions.add(session);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.sessions.delete(session);
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left <= 0) this.perAddress.delete(address);
      else this.perAddress.set(address, left);
    };
  }

  /** Open sockets that are not in a room (before or after hello, or waiting in a lobby). */
  unjoined(): number {
    let n = 0;
    for (const s of this.sessions) if (!s.participant) n++;
    return n;
  }
}
