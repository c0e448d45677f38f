// The moderator's spotlight on the wire: one person shown large on everyone's
// stage until a moderator removes it or the person leaves. shared/protocol.ts
// spreads these into its requests and notifications; docs/PROTOCOL.md and
// docs/CLIENT.md describe the flow and how it meets a person's own pin.
import * as z from 'zod/mini';

const id = z.string().check(z.minLength(1), z.maxLength(64));

export const spotlightRequests = {
  /** `peerId`: who is shown large for everyone (permission `spotlight`); `null` removes the spotlight. */
  setSpotlight: { params: z.strictObject({ peerId: z.nullable(id) }), result: z.strictObject({}) },
} as const;

export const spotlightNotifications = {
  /** To everyone in the room: the spotlight moved, or ended (`null`; also when the person left). */
  spotlightChanged: z.object({ peerId: z.nullable(id) }),
} as const;
