// The one table of who may do what. Feature handlers name the permission they
// need; the dispatcher checks it before the handler runs.
export type Role = 'moderator' | 'guest';

export type Permission = 'publish' | 'subscribe';

const table: Record<Role, ReadonlySet<Permission>> = {
  moderator: new Set<Permission>(['publish', 'subscribe']),
  guest: new Set<Permission>(['publish', 'subscribe']),
};

export const hasPermission = (role: Role, permission: Permission): boolean => table[role].has(permission);
