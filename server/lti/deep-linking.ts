// The Deep Linking response (LTI Deep Linking 2.0): a JWT signed with aula's
// tool key, holding one ltiResourceLink whose custom parameters carry the room
// settings the teacher picked. iss is aula's client_id, aud the platform.
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { PendingDeepLink } from './launch-store.js';
import type { LtiPlatform } from './schema.js';
import type { ToolKey } from './tool-key.js';

const L = 'https://purl.imsglobal.org/spec/lti/claim/';
const DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/';

export interface RoomChoice {
  title: string;
  lobby: boolean;
  recording: boolean;
  guests: boolean;
  target: 'window' | 'iframe';
}

export function signDeepLinkingResponse(
  key: ToolKey,
  platform: LtiPlatform,
  pending: PendingDeepLink,
  launchUrl: string,
  choice: RoomChoice | undefined,
): Promise<string> {
  const items = choice
    ? [
        {
          type: 'ltiResourceLink',
          title: choice.title,
          url: launchUrl,
          custom: {
            aula_lobby: String(choice.lobby),
            aula_recording: String(choice.recording),
            aula_guest_link: String(choice.guests),
          },
          ...(choice.target === 'window' ? { window: { targetName: 'aula' } } : { iframe: {} }),
        },
      ]
    : [];
  return new SignJWT({
    nonce: randomBytes(16).toString('base64url'),
    azp: platform.clientId,
    [`${L}message_type`]: 'LtiDeepLinkingResponse',
    [`${L}version`]: '1.3.0',
    [`${L}deployment_id`]: pending.deploymentId,
    [`${DL}content_items`]: items,
    ...(pending.data !== undefined ? { [`${DL}data`]: pending.data } : {}),
  })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .setIssuer(platform.clientId)
    .setAudience(platform.issuer)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key.privateKey);
}
