// The schema of one organisation issuer (LMS, intranet): how its tokens are
// verified, and which rooms it may grant access to.
import { z } from 'zod';

const LOOPBACK_HOSTS = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])$/;

/**
 * Keys are fetched from jwksUrl, so whoever can swap that document can mint
 * moderator tokens: https only, plain http only on loopback (tests, a local
 * IdP). Parsed as a URL rather than matched as text, so that user-info such as
 * http://localhost:x@evil.example cannot pass for loopback.
 */
export function jwksUrlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'jwksUrl is not a URL';
  }
  if (url.username || url.password) return 'jwksUrl must not contain user-info (user:password@)';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.test(url.hostname)) return undefined;
  return 'jwksUrl must use https (plain http only on loopback)';
}

export const issuerSchema = z
  .object({
    /** Expected `iss` claim; also how a token is matched to its issuer. */
    issuer: z
      .string()
      .min(1)
      .max(512)
      .refine((i) => i !== 'aula' && i !== 'aula-lti', '"aula" and "aula-lti" are the issuers of aula\'s own room tokens'),
    /** Expected `aud` claim. */
    audience: z.string().min(1).max(512),
    /** Where the issuer publishes its keys (JWKS). Use https outside a lab. */
    jwksUrl: z
      .string()
      .max(2048)
      .superRefine((u, ctx) => {
        const problem = jwksUrlProblem(u);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
    /** Or a static public key: a JWK object or an SPKI PEM string. */
    publicKey: z.union([z.record(z.string(), z.unknown()), z.string().startsWith('-----BEGIN PUBLIC KEY-----')]).optional(),
    /** Signature algorithms accepted from this issuer. */
    algorithms: z
      .array(z.enum(['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA']))
      .min(1)
      .default(['RS256', 'ES256', 'EdDSA']),
    /** Claim holding the role: moderator, presenter or participant. */
    roleClaim: z.string().min(1).max(64).default('aula_role'),
    /** Claim holding the room id. */
    roomClaim: z.string().min(1).max(64).default('aula_room'),
    /** Claim whose value may prefill the display name (not stored). Unset: none. */
    nameClaim: z.string().min(1).max(64).optional(),
    /**
     * Rooms (ids) bound to this issuer: its tokens work there and no other
     * issuer's do. Rooms can also name their issuer (room setting `issuer`).
     */
    rooms: z
      .array(z.string().regex(/^[0-9a-f]{32}$/, 'issuers[].rooms: room ids (32 hex characters)'))
      .max(10_000)
      .default([]),
  })
  .strict()
  .refine((i) => Boolean(i.jwksUrl) !== Boolean(i.publicKey), { message: 'give exactly one of jwksUrl and publicKey' });

export type IssuerConfig = z.infer<typeof issuerSchema>;

export const issuersSchema = z
  .array(issuerSchema)
  .max(32)
  .default([])
  .refine((list) => new Set(list.map((i) => i.issuer)).size === list.length, 'each issuer may be configured once')
  .refine((list) => {
    const rooms = list.flatMap((i) => i.rooms);
    return new Set(rooms).size === rooms.length;
  }, 'a room may be bound to one issuer only (issuers[].rooms)');
