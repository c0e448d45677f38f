// The `lti` configuration section (file only: a platform registration is a
// structured list, like `issuers`). Imported by server/config/config.ts.
import { z } from 'zod';

// Plain http only on loopback (a lab or the tests); a platform on the network must use https.
const platformUrl = (what: string) =>
  z.url().refine((u) => u.startsWith('https://') || /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])[:/]/.test(u), {
    message: `${what} must use https (plain http only on loopback)`,
  });

const platformSchema = z
  .object({
    /** A name for the operator (logs and docs); never shown to participants. */
    name: z.string().regex(/^[A-Za-z0-9 ._-]{1,64}$/, 'lti platform name: 1-64 of A-Z a-z 0-9 space . _ -'),
    /** The platform's `iss` (Moodle: its wwwroot, e.g. https://moodle.school.example). */
    issuer: z.string().min(1).max(512),
    /** The client ID the platform assigned to aula. */
    clientId: z.string().min(1).max(255),
    /** Deployment IDs accepted from this platform (Moodle: the tool's id, e.g. "1"). */
    deploymentIds: z.array(z.string().min(1).max(255)).min(1).max(64),
    /** The platform's authentication request URL (Moodle: /mod/lti/auth.php). */
    authUrl: platformUrl('authUrl'),
    /** The platform's public keys (Moodle: /mod/lti/certs.php). */
    jwksUrl: platformUrl('jwksUrl'),
  })
  .strict();

export type LtiPlatform = z.infer<typeof platformSchema>;

export const ltiSchema = z
  .object({
    /** LMS platforms that may launch aula (LTI 1.3). Empty: LTI is off (no /lti endpoints, no tool key). */
    platforms: z
      .array(platformSchema)
      .max(32)
      .default([])
      .refine((list) => new Set(list.map((p) => `${p.issuer} ${p.clientId}`)).size === list.length, 'each (issuer, clientId) may be registered once')
      .refine((list) => new Set(list.map((p) => p.name)).size === list.length, 'lti platform names must be unique'),
    /** Prefill the display name from the launch's given_name/name (not stored; the person can change it). */
    prefillName: z.boolean().default(false),
    /** The aula role of an LTI TeachingAssistant. */
    teachingAssistantRole: z.enum(['moderator', 'presenter', 'participant']).default('presenter'),
    /** How long the room entry from one launch stays valid (joining, the lobby, "open in a new window"). */
    launchValidityMinutes: z.number().int().min(5).max(1440).default(240),
  })
  .strict()
  .prefault({});

export type LtiConfig = z.infer<typeof ltiSchema>;
