// One resource link (platform issuer + deployment + resource_link.id) is one
// aula room, for good: its id is an HMAC of the three under a secret of this
// server, so no mapping table is kept and nothing about a person goes into it.
// The room is created on the link's first launch, with the link's title and
// the settings the teacher picked at Deep Linking.
import { createHmac } from 'node:crypto';
import type { Room } from '../rooms/room.js';
import type { RoomRegistry } from '../rooms/registry.js';

/** Where rooms come from: this node's registry, or (several nodes) the definitions in Redis. */
export type RoomSource = Pick<RoomRegistry, 'get' | 'create'>;

export const DEFAULT_TITLE = 'aula';

export class LtiRooms {
  private readonly creating = new Map<string, Promise<Room>>();

  constructor(
    private readonly rooms: RoomSource,
    private readonly secret: Buffer,
  ) {}

  idFor(issuer: string, deploymentId: string, resourceLinkId: string): string {
    return createHmac('sha256', this.secret)
      .update(JSON.stringify([issuer, deploymentId, resourceLinkId]))
      .digest('hex')
      .slice(0, 32);
  }

  /** The link's room, created on first use. Concurrent first launches share one creation. */
  async roomFor(id: string, title: string | undefined, custom: Record<string, string>): Promise<Room> {
    const existing = this.rooms.get(id);
    if (existing && !existing.isClosed) return existing;
    let pending = this.creating.get(id);
    if (!pending) {
      pending = this.rooms
        .create(
          {
            title: title || DEFAULT_TITLE,
            lobby: custom.aula_lobby === 'true',
            recording: custom.aula_recording === 'true',
            guestAccess: custom.aula_guest_link !== 'false',
          },
          id,
        )
        .finally(() => this.creating.delete(id));
      this.creating.set(id, pending);
    }
    return pending;
  }
}
