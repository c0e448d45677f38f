// The LTI 1.3 endpoints, fixed so platforms can be configured from docs/LTI.md:
//   GET|POST /lti/login   third-party initiated login → auto-POST auth request
//   POST     /lti/launch  the id_token (resource link or Deep Linking request)
//   POST     /lti/deeplink the teacher's room settings → signed response to the platform
//   GET      /lti/jwks    aula's public key for Deep Linking responses
// Each page sets its own CSP: form-action allows exactly the one URL its form posts to.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { hasPermission } from '../rooms/permissions.js';
import type { Room } from '../rooms/room.js';
import type { Logger } from '../log.js';
import { signDeepLinkingResponse } from './deep-linking.js';
import type { LtiGrants } from './grant.js';
import { LaunchStore } from './launch-store.js';
import { autoPostPage, deepLinkPage, langOf, launchPage, refusalPage, refusalStatus } from './pages.js';
import { PlatformKeys } from './platform-keys.js';
import { LtiRooms, type RoomSource } from './rooms.js';
import type { LtiConfig } from './schema.js';
import type { ToolKey } from './tool-key.js';
import { Refusal, type RefusalReason, type ResourceLinkLaunch, validateLaunch } from './validate.js';

const ASSETS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets');

export interface LtiDeps {
  config: LtiConfig;
  rooms: RoomSource;
  grants: LtiGrants;
  toolKey: ToolKey;
  /** aula's public base URL (known once the port is). */
  publicUrl(): string;
  frameAncestors: string[];
  /** A guest link for the room, when guest links are allowed there. */
  guestLink(room: Room): Promise<string>;
  log: Logger;
}

/** The platforms' origins (issuer and auth URL), which may frame aula. */
export function platformOrigins(config: LtiConfig): string[] {
  const out = new Set<string>();
  for (const p of config.platforms) {
    for (const u of [p.issuer, p.authUrl]) {
      try {
        const url = new URL(u);
        if (url.protocol === 'https:' || url.protocol === 'http:') out.add(url.origin);
      } catch {
        // An issuer need not be a URL.
      }
    }
  }
  return [...out];
}

/** A CSP source for exactly this URL: origin and path (CSP ignores the query). */
const exactSource = (url: string): string => {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`.replace(/[;,\s]/g, encodeURIComponent);
};

export function ltiRouter(deps: LtiDeps): { router: express.Router; close(): void } {
  const { config, log } = deps;
  const store = new LaunchStore();
  const keys = config.platforms.map((p) => new PlatformKeys(p.jwksUrl));
  const ltiRooms = new LtiRooms(deps.rooms, deps.toolKey.roomSecret);
  const frameAncestors = deps.frameAncestors.length ? deps.frameAncestors.join(' ') : "'none'";
  const isOwnUrl = (url: string): boolean => {
    try {
      return new URL(url).origin === new URL(deps.publicUrl()).origin;
    } catch {
      return false;
    }
  };
  const launchUrl = () => `${deps.publicUrl()}/lti/launch`;

  const send = (res: express.Response, status: number, html: string, formAction: string) => {
    res.setHeader(
      'Content-Security-Policy',
      `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action ${formAction}; frame-ancestors ${frameAncestors}`,
    );
    res.setHeader('Cache-Control', 'no-store');
    res.status(status).type('html').send(html);
  };
  const refuse = (req: express.Request, res: express.Response, reason: RefusalReason, platform?: number) => {
    // The reason code only: never the token, login_hint or any claim.
    log.warn({ reason, ...(platform !== undefined ? { platform: config.platforms[platform]!.name } : {}) }, 'lti launch refused');
    send(res, refusalStatus(reason), refusalPage(reason, langOf(req.get('accept-language'))), "'none'");
  };

  const router = express.Router();
  router.use('/assets', express.static(ASSETS, { index: false, maxAge: '1h' }));
  router.use(express.urlencoded({ extended: false, limit: '128kb', parameterLimit: 32 }));

  router.get('/jwks', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json({ keys: [deps.toolKey.publicJwk] });
  });

  // Third-party initiated login (OIDC Core §4): GET from some platforms, POST from Moodle.
  router.all('/login', (req, res) => {
    if (req.method !== 'GET' && req.method !== 'POST') return void res.status(405).end();
    const params = (req.method === 'POST' ? req.body : req.query) as Record<string, unknown>;
    const s = (k: string, max = 2048) => {
      const v = params?.[k];
      return typeof v === 'string' && v.length <= max ? v : undefined;
    };
    const iss = s('iss', 512);
    const clientId = s('client_id', 255);
    const candidates = config.platforms.map((p, i) => ({ p, i })).filter(({ p }) => p.issuer === iss && (!clientId || p.clientId === clientId));
    if (candidates.length !== 1) return refuse(req, res, 'unknown_platform');
    const { p: platform, i } = candidates[0]!;
    const loginHint = s('login_hint');
    const target = s('target_link_uri');
    if (!loginHint) return refuse(req, res, 'bad_login', i);
    if (!target || !isOwnUrl(target)) return refuse(req, res, 'wrong_target', i);
    const deploymentId = s('lti_deployment_id', 255);
    if (deploymentId !== undefined && !platform.deploymentIds.includes(deploymentId)) return refuse(req, res, 'unknown_deployment', i);
    const started = store.startLogin({ platform: i, targetLinkUri: target, ...(deploymentId !== undefined ? { deploymentId } : {}) });
    if (!started) return refuse(req, res, 'busy', i);
    const messageHint = s('lti_message_hint', 4096);
    const fields: Record<string, string> = {
      scope: 'openid',
      response_type: 'id_token',
      response_mode: 'form_post',
      prompt: 'none',
      client_id: platform.clientId,
      redirect_uri: launchUrl(),
      login_hint: loginHint,
      ...(messageHint !== undefined ? { lti_message_hint: messageHint } : {}),
      state: started.state,
      nonce: started.nonce,
    };
    send(res, 200, autoPostPage(langOf(req.get('accept-language')), platform.authUrl, fields), exactSource(platform.authUrl));
  });

  router.post('/launch', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body.error === 'string') {
      const code = /^[a-z_]{1,64}$/.test(body.error) ? body.error : 'other';
      log.warn({ reason: 'platform_error', platformError: code }, 'lti launch refused');
      return send(res, 400, refusalPage('platform_error', langOf(req.get('accept-language'))), "'none'");
    }
    let launch;
    try {
      launch = await validateLaunch(body, { store, platforms: config.platforms, keys: (i) => keys[i]!, config, isOwnUrl });
    } catch (err) {
      if (err instanceof Refusal) return refuse(req, res, err.reason);
      throw err;
    }
    const lang = langOf(req.get('accept-language'));
    const platform = config.platforms[launch.platform]!;
    if (launch.kind === 'deepLinking') {
      const session = store.startDeepLink({
        platform: launch.platform,
        deploymentId: launch.deploymentId,
        returnUrl: launch.returnUrl,
        targets: launch.targets,
        ...(launch.data !== undefined ? { data: launch.data } : {}),
      });
      if (!session) return refuse(req, res, 'busy', launch.platform);
      log.info({ platform: platform.name }, 'lti deep linking started');
      const title = launch.title ?? (lang === 'de' ? 'Videokonferenz' : 'Video conference');
      return send(res, 200, deepLinkPage(lang, { session, title, targets: launch.targets }), "'self'");
    }
    await enterRoom(req, res, launch);
  });

  async function enterRoom(req: express.Request, res: express.Response, launch: ResourceLinkLaunch) {
    const platform = config.platforms[launch.platform]!;
    let room: Room;
    try {
      room = await ltiRooms.roomFor(ltiRooms.idFor(platform.issuer, launch.deploymentId, launch.resourceLinkId), launch.title, launch.custom);
    } catch (err) {
      log.error({ platform: platform.name, err: (err as Error).message }, 'lti: no room for the resource link');
      return refuse(req, res, 'room_unavailable', launch.platform);
    }
    const token = await deps.grants.issue(room.id, launch.role, config.launchValidityMinutes * 60, launch.prefillName);
    const href = `/r/${room.id}#t=${token}`;
    const guestLink = hasPermission(launch.role, 'admitLobby') && room.settings.guestAccess ? await deps.guestLink(room) : undefined;
    log.info({ platform: platform.name, room: room.id, role: launch.role }, 'lti launch');
    send(
      res,
      200,
      launchPage(langOf(req.get('accept-language')), { title: room.title, href, role: launch.role, ...(guestLink ? { guestLink } : {}) }),
      "'none'",
    );
  }

  router.post('/deeplink', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const pending = typeof body.session === 'string' ? store.takeDeepLink(body.session) : undefined;
    if (!pending) return refuse(req, res, 'deep_link_expired');
    const platform = config.platforms[pending.platform]!;
    const title = typeof body.title === 'string' && body.title.trim() ? body.title.trim().slice(0, 200) : 'aula';
    const choice =
      body.action === 'cancel'
        ? undefined
        : {
            title,
            lobby: body.lobby === 'true',
            recording: body.recording === 'true',
            guests: body.guests === 'true',
            // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- without it the object literal widens the target to string
            target: (body.target === 'iframe' || (body.target === undefined && !pending.targets.includes('window')) ? 'iframe' : 'window') as
              'iframe' | 'window',
          };
    const jwt = await signDeepLinkingResponse(deps.toolKey, platform, pending, launchUrl(), choice);
    log.info({ platform: platform.name, items: choice ? 1 : 0 }, 'lti deep linking response');
    send(res, 200, autoPostPage(langOf(req.get('accept-language')), pending.returnUrl, { JWT: jwt }, true), exactSource(pending.returnUrl));
  });

  // A body too large or malformed: a refusal page, not a stack trace.
  router.use((err: unknown, req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const type = (err as { type?: unknown }).type;
    log.warn({ reason: 'bad_request', type: typeof type === 'string' ? type : 'other' }, 'lti request refused');
    send(res, 400, refusalPage('bad_token', langOf(req.get('accept-language'))), "'none'");
  });

  return { router, close: () => store.close() };
}
