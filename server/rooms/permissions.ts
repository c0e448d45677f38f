// The one table of who may do what. Feature handlers name the permission they
// need; the dispatcher checks it before the handler runs. Changing a role's
// rights is changing a line here (and tests/integration/roles.test.ts).
import type { Permission, Role } from '../../shared/protocol.js';

const everyone: Permission[] = ['publish', 'subscribe', 'rename', 'chat', 'raiseHand', 'vote', 'optOutOfRecording'];

const table: Record<Role, ReadonlySet<Permission>> = {
  moderator: new Set<Permission>([
    ...everyone,
    'shareScreen',
    'bypassLobby',
    'bypassLock',
    'admitLobby',
    'setRole',
    'lockRoom',
    'lowerHands',
    'muteOthers',
    'removeParticipant',
    'endMeeting',
    'manageScreens',
    'record',
    'managePolls',
    'manageBreakout',
    'present',
    'manageDrawing',
    'spotlight',
  ]),
  presenter: new Set<Permission>([...everyone, 'shareScreen', 'bypassLobby', 'present']),
  participant: new Set<Permission>(everyone),
};

export const hasPermission = (role: Role, permission: Permission): boolean => table[role].has(permission);

export const permissionsOf = (role: Role): Permission[] => [...table[role]];
