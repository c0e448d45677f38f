// Breakout groups of one room. Everyone stays a participant of the room (one
// meeting in the attendance ledger, one roster, one hand queue); what changes
// is the router their media runs on. A group is a router of its own, made by
// the media port wherever it has room.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { breakoutState } from '../../shared/protocol.js';
import type { MediaRouter } from '../media/port.js';
import type { Participant } from './participant.js';
import type { Room } from './room.js';

export type BreakoutState = z.infer<typeof breakoutState>;

export interface Group {
  id: string;
  /** "1", "2", …: the client words it ("Group 1", "Gruppe 1"). */
  name: string;
  router: MediaRouter;
}

export class Breakout {
  readonly groups = new Map<string, Group>();
  private timer: NodeJS.Timeout | undefined;
  endsAt: number | undefined;

  constructor(routers: MediaRouter[]) {
    routers.forEach((router, i) => {
      const id = randomUUID();
      this.groups.set(id, { id, name: String(i + 1), router });
    });
  }

  /** Call `onEnd` after `minutes`; the process need not stay up for it. */
  setTimer(minutes: number, onEnd: () => void): void {
    this.endsAt = Date.now() + minutes * 60_000;
    this.timer = setTimeout(onEnd, minutes * 60_000);
    this.timer.unref();
  }

  state(): BreakoutState {
    return {
      active: true,
      groups: [...this.groups.values()].map(({ id, name }) => ({ id, name })),
      ...(this.endsAt ? { endsAt: new Date(this.endsAt).toISOString() } : {}),
    };
  }

  /** Close every group router (members must have been moved out first). */
  dispose(): void {
    clearTimeout(this.timer);
    for (const g of this.groups.values()) g.router.close();
    this.groups.clear();
  }
}

export const NO_BREAKOUT: BreakoutState = { active: false, groups: [] };

/**
 * Move a participant's media to a group's router (or the main room's), tell
 * the room who is where, and tell the participant where to reconnect.
 */
export function moveParticipant(room: Room, p: Participant, group: string | undefined): boolean {
  if (p.group === group || !room.participants.has(p.id)) return false;
  const target = group ? room.breakout?.groups.get(group) : undefined;
  if (group && !target) return false;
  p.moveMedia(room.routerOf(group), group);
  room.broadcast('peerUpdated', { peer: p.info() });
  p.notify('movedToGroup', {
    ...(target ? { group: target.id, name: target.name } : {}),
    routerRtpCapabilities: room.routerOf(group).rtpCapabilities,
    producers: room.producers(p),
  });
  return true;
}

/** Everyone in `groupId` back to the main room, and the group's router closed. */
export function closeGroup(room: Room, groupId: string): void {
  const group = room.breakout?.groups.get(groupId);
  if (!group) return;
  for (const p of [...room.participants.values()]) if (p.group === groupId) moveParticipant(room, p, undefined);
  room.breakout!.groups.delete(groupId);
  group.router.close();
}

/** Call everyone back: all to the main room, all group routers closed. */
export function endBreakout(room: Room): void {
  const breakout = room.breakout;
  if (!breakout) return;
  for (const p of [...room.participants.values()]) if (p.group) moveParticipant(room, p, undefined);
  room.breakout = undefined;
  breakout.dispose();
  room.broadcast('breakoutChanged', NO_BREAKOUT);
}
