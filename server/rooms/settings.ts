import { z } from 'zod';

/** A room's settings, as the operator sets them (admin API and CLI). */
export const roomSettingsSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    /** Guests wait in a lobby until a moderator admits them. */
    lobby: z.boolean().default(false),
    maxParticipants: z.number().int().min(1).max(1000).default(100),
    /** Whether moderators may record (the join page tells guests). */
    recording: z.boolean().default(false),
    /** Whether guest links (role participant) work; moderator links and organisation tokens always do. */
    guestAccess: z.boolean().default(true),
    /**
     * The pre-join page of a moderator's link starts with camera and
     * microphone switched on (they can still turn them off). Guests always
     * start with both off.
     */
    moderatorDevicesOn: z.boolean().default(false),
    /**
     * Organisation issuers (their `iss`) whose tokens work in this room; no
     * other issuer's do. Unset: see OrgIssuers.mayGrant.
     */
    issuers: z.array(z.string().min(1).max(512)).min(1).max(8).optional(),
  })
  .strict();

export type RoomSettings = z.infer<typeof roomSettingsSchema>;
export type RoomSettingsInput = z.input<typeof roomSettingsSchema>;
