// The id_token of a launch, checked as the LTI Security Framework (§5.1.3)
// and OIDC ID Token Validation say: RS256 only, iss, aud/azp, exp/iat with a
// small leeway, the nonce of this login used once, LTI version, message type,
// deployment on the allow-list, target_link_uri pointing at aula. What comes
// out is only what aula needs; sub, names, e-mail, lis, NRPS/AGS and every
// other claim stay inside this function and are dropped with the payload.
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { Role } from '../../shared/protocol.js';
import type { LaunchStore, PendingLogin } from './launch-store.js';
import { PlatformKeyError, type PlatformKeys } from './platform-keys.js';
import { aulaRole } from './roles.js';
import type { LtiConfig, LtiPlatform } from './schema.js';

const L = 'https://purl.imsglobal.org/spec/lti/claim/';
const DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/';
/** Clock skew allowed between the platform and aula. */
export const LEEWAY_SECONDS = 30;
/** How old an id_token may be (Moodle's live 60 s; others up to an hour). */
const MAX_AGE_SECONDS = 3600;

/** Why a launch was refused: a log reason code and the page the person sees. */
export type RefusalReason =
  | 'platform_error'
  | 'state_missing'
  | 'state_unknown'
  | 'token_missing'
  | 'replayed'
  | 'bad_algorithm'
  | 'bad_signature'
  | 'platform_keys_unavailable'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'token_expired'
  | 'token_not_yet_valid'
  | 'bad_token'
  | 'nonce_mismatch'
  | 'wrong_version'
  | 'wrong_message_type'
  | 'unknown_deployment'
  | 'wrong_target'
  | 'no_resource_link'
  | 'bad_deep_linking'
  | 'not_instructor'
  | 'unknown_platform'
  | 'bad_login'
  | 'busy'
  | 'room_unavailable'
  | 'deep_link_expired';

export class Refusal extends Error {
  constructor(readonly reason: RefusalReason) {
    super(reason);
  }
}

export interface ResourceLinkLaunch {
  kind: 'resource';
  platform: number;
  deploymentId: string;
  role: Role;
  resourceLinkId: string;
  title?: string;
  /** Room settings chosen at Deep Linking (custom parameters), applied when the room is created. */
  custom: Record<string, string>;
  prefillName?: string;
}

export interface DeepLinkingLaunch {
  kind: 'deepLinking';
  platform: number;
  deploymentId: string;
  role: Role;
  returnUrl: string;
  data?: string;
  targets: string[];
  title?: string;
}

export type Launch = ResourceLinkLaunch | DeepLinkingLaunch;

const str = (v: unknown, max = 1024): string | undefined => (typeof v === 'string' && v.length > 0 && v.length <= max ? v : undefined);

export async function validateLaunch(
  form: { id_token?: unknown; state?: unknown },
  deps: { store: LaunchStore; platforms: LtiPlatform[]; keys: (platform: number) => PlatformKeys; config: LtiConfig; isOwnUrl(url: string): boolean },
): Promise<Launch> {
  const state = str(form.state, 256);
  if (!state) throw new Refusal('state_missing');
  const token = str(form.id_token, 64 * 1024);
  const login = deps.store.takeLogin(state);
  if (!login) {
    // The state is gone: used (a replay of the same launch), expired, or never issued.
    throw new Refusal(token && deps.store.wasNonceUsed(unverifiedNonce(token)) ? 'replayed' : 'state_unknown');
  }
  if (!token) throw new Refusal('token_missing');
  const platform = deps.platforms[login.platform]!;
  const payload = await verifyToken(token, platform, deps.keys(login.platform));
  return claimsOf(payload, login, platform, deps);
}

function unverifiedNonce(token: string): string {
  try {
    const n = decodeJwt(token).nonce;
    return typeof n === 'string' ? n : '';
  } catch {
    return '';
  }
}

async function verifyToken(token: string, platform: LtiPlatform, keys: PlatformKeys): Promise<Record<string, unknown>> {
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw new Refusal('bad_token');
  }
  // Checked before any key is looked up: "none" and HMAC never get near a key.
  if (alg !== 'RS256') throw new Refusal('bad_algorithm');
  try {
    const { payload } = await jwtVerify(token, keys.getKey, {
      algorithms: ['RS256'],
      issuer: platform.issuer,
      audience: platform.clientId,
      clockTolerance: LEEWAY_SECONDS,
      maxTokenAge: MAX_AGE_SECONDS,
      requiredClaims: ['exp', 'iat', 'nonce'],
    });
    return payload;
  } catch (err) {
    throw new Refusal(verifyReason(err));
  }
}

function verifyReason(err: unknown): RefusalReason {
  if (err instanceof PlatformKeyError) return err.reason === 'unknown_key' ? 'bad_signature' : 'platform_keys_unavailable';
  if (err instanceof errors.JWTExpired) return 'token_expired';
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey) return 'bad_signature';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'bad_algorithm';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return 'wrong_issuer';
    if (err.claim === 'aud') return 'wrong_audience';
    if (err.claim === 'iat' || err.claim === 'nbf') return err.reason === 'check_failed' ? 'token_not_yet_valid' : 'bad_token';
    return 'bad_token';
  }
  return 'bad_token';
}

function claimsOf(
  p: Record<string, unknown>,
  login: PendingLogin,
  platform: LtiPlatform,
  deps: { store: LaunchStore; config: LtiConfig; isOwnUrl(url: string): boolean },
): Launch {
  // Several audiences: the authorised party must be aula; azp, if present, always.
  if (Array.isArray(p.aud) && p.aud.length > 1 && p.azp === undefined) throw new Refusal('wrong_audience');
  if (p.azp !== undefined && p.azp !== platform.clientId) throw new Refusal('wrong_audience');
  if (p.nonce !== login.nonce) throw new Refusal('nonce_mismatch');
  if (!deps.store.useNonce(login.nonce, Number(p.exp) * 1000)) throw new Refusal('replayed');
  if (p[`${L}version`] !== '1.3.0') throw new Refusal('wrong_version');
  const deploymentId = str(p[`${L}deployment_id`], 255);
  if (!deploymentId || !platform.deploymentIds.includes(deploymentId)) throw new Refusal('unknown_deployment');
  if (login.deploymentId !== undefined && login.deploymentId !== deploymentId) throw new Refusal('unknown_deployment');
  const target = str(p[`${L}target_link_uri`], 2048);
  if (!target || target !== login.targetLinkUri || !deps.isOwnUrl(target)) throw new Refusal('wrong_target');
  const role = aulaRole(p[`${L}roles`], deps.config.teachingAssistantRole);
  const type = p[`${L}message_type`];
  if (type === 'LtiResourceLinkRequest') {
    const link = p[`${L}resource_link`] as Record<string, unknown> | undefined;
    const id = str(link?.id, 255);
    if (!id) throw new Refusal('no_resource_link');
    const launch: ResourceLinkLaunch = {
      kind: 'resource',
      platform: login.platform,
      deploymentId,
      role,
      resourceLinkId: id,
      title: str(link?.title, 200)?.trim() || undefined,
      custom: aulaCustom(p[`${L}custom`]),
    };
    if (deps.config.prefillName) {
      const name = str(p.given_name, 256) ?? str(p.name, 256);
      if (name) launch.prefillName = name;
    }
    return launch;
  }
  if (type === 'LtiDeepLinkingRequest') {
    const s = p[`${DL}deep_linking_settings`] as Record<string, unknown> | undefined;
    const returnUrl = str(s?.deep_link_return_url, 2048);
    const accept = Array.isArray(s?.accept_types) ? s.accept_types : [];
    if (!returnUrl || !/^https?:\/\//.test(returnUrl) || !accept.includes('ltiResourceLink')) throw new Refusal('bad_deep_linking');
    if (role !== 'moderator') throw new Refusal('not_instructor');
    const targets = Array.isArray(s?.accept_presentation_document_targets)
      ? s.accept_presentation_document_targets.filter((t): t is string => t === 'iframe' || t === 'window')
      : [];
    return {
      kind: 'deepLinking',
      platform: login.platform,
      deploymentId,
      role,
      returnUrl,
      data: str(s?.data, 4096),
      targets,
      title: str(s?.title, 200),
    };
  }
  throw new Refusal('wrong_message_type');
}

/** Only aula's own custom parameters (set by Deep Linking); anything else may carry substitution variables. */
function aulaCustom(custom: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!custom || typeof custom !== 'object') return out;
  for (const key of ['aula_lobby', 'aula_recording', 'aula_guest_link']) {
    const v = (custom as Record<string, unknown>)[key];
    if (v === 'true' || v === 'false') out[key] = v;
  }
  return out;
}
