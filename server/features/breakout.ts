// Breakout rooms: a moderator splits the class into groups (at random or by
// hand, optionally with a timer), moves people, visits groups, sends a
// message to all groups, closes a group or calls everyone back. Each group is
// a router of its own; see rooms/breakout.ts for what moving means.
import { randomInt } from 'node:crypto';
import { AulaError } from '../errors.js';
import type { Participant } from '../rooms/participant.js';
import { hasPermission } from '../rooms/permissions.js';
import { Breakout, closeGroup, endBreakout, moveParticipant, NO_BREAKOUT } from '../rooms/breakout.js';
import type { Room } from '../rooms/room.js';
import { joinedHandler } from '../signalling/handler.js';

const active = (room: Room): Breakout => {
  if (!room.breakout) throw new AulaError('not_found', 'there are no breakout groups');
  return room.breakout;
};

const shuffle = <T>(list: T[]): T[] => {
  for (let i = list.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
};

export const breakoutHandlers = [
  joinedHandler('startBreakout', 'manageBreakout', async ({ room, services }, { groups, mode, assign, minutes }) => {
    if (room.breakout) throw new AulaError('busy', 'breakout groups are running; call everyone back first');
    // Check the whole plan before creating anything.
    const plan = new Map<Participant, number>();
    if (mode === 'random') {
      const learners = shuffle([...room.participants.values()].filter((p) => !hasPermission(p.role, 'manageBreakout')));
      learners.forEach((p, i) => plan.set(p, i % groups));
    }
    for (const a of assign ?? []) {
      const p = room.participants.get(a.peerId);
      if (!p) throw new AulaError('not_found', 'startBreakout: no such participant');
      if (a.group >= groups) throw new AulaError('invalid_params', 'startBreakout: no such group');
      plan.set(p, a.group);
    }
    const routers = [];
    try {
      for (let i = 0; i < groups; i++) routers.push(await services.newRouter());
    } catch (err) {
      for (const r of routers) r.close();
      throw err;
    }
    // Another moderator may have started meanwhile, or everyone left.
    if (room.breakout || room.participants.size === 0) {
      for (const r of routers) r.close();
      throw new AulaError('busy', 'breakout groups are running already');
    }
    const breakout = new Breakout(routers);
    room.breakout = breakout;
    if (minutes) breakout.setTimer(minutes, () => room.breakout === breakout && endBreakout(room));
    room.broadcast('breakoutChanged', breakout.state());
    const ids = [...breakout.groups.keys()];
    for (const [p, i] of plan) moveParticipant(room, p, ids[i]);
    services.log.info({ room: room.id, groups, mode, moved: plan.size }, 'breakout started');
    return breakout.state();
  }),

  joinedHandler('moveToGroup', 'manageBreakout', async ({ room }, { peerId, group }) => {
    const target = room.participants.get(peerId);
    if (!target) throw new AulaError('not_found', 'no such participant');
    if (group && !active(room).groups.has(group)) throw new AulaError('not_found', 'no such group');
    moveParticipant(room, target, group);
    return {};
  }),

  // Anyone may go back to the main room early (to ask the teacher, or leave a
  // group that is done).
  joinedHandler('leaveGroup', undefined, async ({ room, participant }) => {
    moveParticipant(room, participant, undefined);
    return {};
  }),

  joinedHandler('breakoutMessage', 'manageBreakout', async ({ room, participant }, { text }) => {
    active(room);
    room.broadcast('breakoutMessage', { text, from: participant.displayName });
    return {};
  }),

  joinedHandler('closeGroup', 'manageBreakout', async ({ room, services }, { group }) => {
    const breakout = active(room);
    if (!breakout.groups.has(group)) throw new AulaError('not_found', 'no such group');
    closeGroup(room, group);
    if (breakout.groups.size === 0) endBreakout(room);
    else room.broadcast('breakoutChanged', breakout.state());
    services.log.info({ room: room.id, groupsLeft: breakout.groups.size }, 'breakout group closed');
    return {};
  }),

  joinedHandler('endBreakout', 'manageBreakout', async ({ room, services }) => {
    if (room.breakout) {
      endBreakout(room);
      services.log.info({ room: room.id }, 'breakout ended');
    } else room.broadcast('breakoutChanged', NO_BREAKOUT);
    return {};
  }),
];
