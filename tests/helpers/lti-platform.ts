// An LTI 1.3 platform for the tests, written from the specs (LTI Core 1.3,
// Security Framework 1.0, Deep Linking 2.0, OIDC Core) and not from aula's
// code: its own RSA key, its JWKS over local HTTP, the OIDC third-party
// login, the authentication endpoint that checks the tool's request the way
// Moodle does, and a Deep Linking return URL that verifies aula's response
// against aula's /lti/jwks. Tokens are signed with jsonwebtoken (aula uses jose).
import { createPublicKey, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';

const L = 'https://purl.imsglobal.org/spec/lti/claim/';
const DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/';
export const ROLE = {
  instructor: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
  learner: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner',
  ta: 'http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant',
  admin: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Administrator',
  contentDeveloper: 'http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper',
  faculty: 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor',
  siteAdmin: 'http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator',
};

export interface LaunchUser {
  sub: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  email?: string;
  sourcedId?: string;
}

export interface Scenario {
  message?: 'LtiResourceLinkRequest' | 'LtiDeepLinkingRequest';
  roles: string[];
  user: LaunchUser;
  resourceLink?: { id: string; title?: string };
  custom?: Record<string, string>;
  /** Change the id_token's claims before signing (wrong aud, expired …). */
  claims?: (c: Record<string, unknown>) => void;
  /** How the id_token is signed: our key (default), another RSA key, HS256, or not at all. */
  signing?: 'platform' | 'foreign' | 'HS256' | 'none';
  /** Leave state out of the authentication response. */
  dropState?: boolean;
  /** Initiate the login with GET (query string) instead of Moodle's POST. */
  loginMethod?: 'GET' | 'POST';
  /** Send lti_deployment_id and client_id in the login initiation (optional per spec). */
  sendDeployment?: boolean;
  deepLinkData?: string;
}

export interface AuthRequest {
  method: string;
  params: Record<string, string>;
}

export interface DeepLinkResult {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A page that auto-submits a POST form, as platforms send them (inline script: the platform's own page). */
export function autoPost(action: string, fields: Record<string, string>, target = ''): string {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('');
  return `<!doctype html><html><body><form id="f" method="post" action="${esc(action)}"${target ? ` target="${target}"` : ''}>${inputs}<button>Go</button></form><script>document.getElementById('f').submit()</script></body></html>`;
}

export class LtiPlatformSim {
  readonly clientId = `client-${randomBytes(6).toString('hex')}`;
  readonly deploymentId = '1';
  private key = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private kid = 'platform-key-1';
  private readonly foreign = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private server!: http.Server;
  base = '';
  aulaUrl = '';
  private readonly launches = new Map<string, Scenario>();
  readonly authRequests: AuthRequest[] = [];
  /** What the platform posted back to the tool, per launch (for replays). */
  readonly responses = new Map<string, Record<string, string>>();
  readonly deepLinks: DeepLinkResult[] = [];
  readonly deepLinkErrors: string[] = [];
  jwksFetches = 0;
  /** Serve a JWKS far larger than any real one (aula must not read it all). */
  hugeJwks = false;

  static async start(): Promise<LtiPlatformSim> {
    const sim = new LtiPlatformSim();
    sim.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        sim.handle(req, body, res).catch((err) => res.writeHead(500).end(String(err)));
      });
    });
    await new Promise<void>((r) => sim.server.listen(0, '127.0.0.1', () => r()));
    sim.base = `http://127.0.0.1:${(sim.server.address() as AddressInfo).port}`;
    return sim;
  }

  /** The registration an aula operator would copy from the platform. */
  registration(name = 'Test Moodle') {
    return {
      name,
      issuer: this.base,
      clientId: this.clientId,
      deploymentIds: [this.deploymentId],
      authUrl: `${this.base}/mod/lti/auth.php`,
      jwksUrl: `${this.base}/mod/lti/certs.php`,
    };
  }

  /** Register a launch; returns the URL of the course page that starts it (top level), and of one that frames it. */
  launch(s: Scenario): { id: string; url: string; framedUrl: string } {
    const id = `launch-${randomBytes(6).toString('hex')}`;
    this.launches.set(id, s);
    return { id, url: `${this.base}/course/launch/${id}`, framedUrl: `${this.base}/course/view/${id}` };
  }

  /** A page that posts the same authentication response once more (a replay). */
  replayUrl(id: string): string {
    return `${this.base}/replay/${id}`;
  }

  /** A new platform key with a new kid: tokens signed from now on need aula to refetch the JWKS. */
  rotateKey(): void {
    this.key = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.kid = `platform-key-${randomBytes(4).toString('hex')}`;
  }

  /** The login initiation form fields (OIDC third-party initiated login). */
  loginFields(id: string): Record<string, string> {
    const s = this.launches.get(id)!;
    return {
      iss: this.base,
      login_hint: s.user.sub,
      target_link_uri: `${this.aulaUrl}/lti/launch`,
      lti_message_hint: JSON.stringify({ launchid: id }),
      ...(s.sendDeployment ? { lti_deployment_id: this.deploymentId, client_id: this.clientId } : {}),
    };
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  private async handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url!, this.base);
    const html = (status: number, text: string): void => void res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(text);
    let m: RegExpExecArray | null;
    if (url.pathname === '/mod/lti/certs.php') {
      this.jwksFetches++;
      if (this.hugeJwks) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ keys: [], padding: 'x'.repeat(2 * 1024 * 1024) }));
      }
      const jwk = { ...this.key.publicKey.export({ format: 'jwk' }), kid: this.kid, alg: 'RS256', use: 'sig' };
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    }
    if ((m = /^\/course\/view\/([\w-]+)$/.exec(url.pathname))) {
      // Moodle's activity page (mod/lti/view.php): the tool in an iframe, camera and microphone
      // delegated to the tool's origin, no display-capture.
      const tool = new URL(this.aulaUrl).origin;
      return html(
        200,
        `<!doctype html><html><body><h1>Course page</h1><iframe id="tool" name="tool" width="1000" height="700" allow="microphone ${tool}; camera ${tool}; autoplay ${tool}" src="/course/launch/${m[1]}"></iframe></body></html>`,
      );
    }
    if ((m = /^\/course\/launch\/([\w-]+)$/.exec(url.pathname))) {
      const s = this.launches.get(m[1]!);
      if (!s) return html(404, 'no such launch');
      const fields = this.loginFields(m[1]!);
      if (s.loginMethod === 'GET') {
        return void res.writeHead(302, { location: `${this.aulaUrl}/lti/login?${new URLSearchParams(fields)}` }).end();
      }
      return html(200, autoPost(`${this.aulaUrl}/lti/login`, fields));
    }
    if (url.pathname === '/mod/lti/auth.php') {
      const params = Object.fromEntries(new URLSearchParams(req.method === 'POST' ? body : url.search));
      this.authRequests.push({ method: req.method!, params });
      return this.authenticate(params, res);
    }
    if ((m = /^\/replay\/([\w-]+)$/.exec(url.pathname))) {
      const fields = this.responses.get(m[1]!);
      if (!fields) return html(404, 'nothing to replay');
      return html(200, autoPost(`${this.aulaUrl}/lti/launch`, fields));
    }
    if (url.pathname === '/mod/lti/contentitem_return.php' && req.method === 'POST') {
      const token = new URLSearchParams(body).get('JWT') ?? '';
      try {
        this.deepLinks.push(await this.verifyDeepLink(token));
        return html(200, '<!doctype html><html><body><h1>Activity added</h1></body></html>');
      } catch (err) {
        this.deepLinkErrors.push((err as Error).message);
        return html(400, `<!doctype html><html><body><h1>Deep linking response refused</h1><p>${esc((err as Error).message)}</p></body></html>`);
      }
    }
    html(404, 'not found');
  }

  /** Security Framework §5.1.1.2 from the platform's side: the checks Moodle's auth.php makes. */
  private authenticate(p: Record<string, string>, res: http.ServerResponse): void {
    const fail = (error: string): void =>
      void res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(autoPost(p.redirect_uri ?? `${this.aulaUrl}/lti/launch`, { error, error_description: error, ...(p.state ? { state: p.state } : {}) }));
    let launchId: string | undefined;
    try {
      launchId = JSON.parse(p.lti_message_hint ?? '').launchid;
    } catch {
      return fail('invalid_request');
    }
    const s = launchId ? this.launches.get(launchId) : undefined;
    if (!s) return fail('invalid_request');
    if (p.scope !== 'openid') return fail('invalid_scope');
    if (p.response_type !== 'id_token') return fail('unsupported_response_type');
    if (p.response_mode !== 'form_post') return fail('invalid_request');
    if (p.prompt !== 'none') return fail('invalid_request');
    if (p.client_id !== this.clientId) return fail('unauthorized_client');
    if (p.redirect_uri !== `${this.aulaUrl}/lti/launch`) return fail('invalid_request');
    if (p.login_hint !== s.user.sub) return fail('access_denied');
    if (!p.nonce || p.nonce.length < 16 || !p.state || p.state.length < 16) return fail('invalid_request');

    const now = Math.floor(Date.now() / 1000);
    const deepLinking = s.message === 'LtiDeepLinkingRequest';
    const claims: Record<string, unknown> = {
      iss: this.base,
      aud: this.clientId,
      sub: s.user.sub,
      iat: now,
      exp: now + 60, // Moodle's lifetime
      nonce: p.nonce,
      ...(s.user.name ? { name: s.user.name } : {}),
      ...(s.user.given_name ? { given_name: s.user.given_name } : {}),
      ...(s.user.family_name ? { family_name: s.user.family_name } : {}),
      ...(s.user.email ? { email: s.user.email } : {}),
      [`${L}deployment_id`]: this.deploymentId,
      [`${L}message_type`]: deepLinking ? 'LtiDeepLinkingRequest' : 'LtiResourceLinkRequest',
      [`${L}version`]: '1.3.0',
      [`${L}target_link_uri`]: `${this.aulaUrl}/lti/launch`,
      [`${L}roles`]: s.roles,
      [`${L}context`]: { id: '42', label: 'PHY7', title: 'Physics 7c', type: ['CourseSection'] },
      [`${L}tool_platform`]: { guid: 'sim.example', name: 'Simulated Moodle', product_family_code: 'moodle', version: '2024100700' },
      [`${L}launch_presentation`]: { locale: 'en', document_target: 'iframe', return_url: `${this.base}/course` },
      [`${L}lis`]: { person_sourcedid: s.user.sourcedId ?? '', course_section_sourcedid: '' },
      [`${L}custom`]: s.custom ?? {},
      'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice': {
        context_memberships_url: `${this.base}/mod/lti/services.php/42/bindings/1/memberships`,
        service_versions: ['1.0', '2.0'],
      },
      'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint': { scope: [], lineitems: `${this.base}/mod/lti/services.php/42/lineitems` },
    };
    if (deepLinking) {
      claims[`${DL}deep_linking_settings`] = {
        deep_link_return_url: `${this.base}/mod/lti/contentitem_return.php`,
        accept_types: ['ltiResourceLink'],
        accept_presentation_document_targets: ['frame', 'iframe', 'window'],
        accept_multiple: true,
        auto_create: false,
        ...(s.deepLinkData ? { data: s.deepLinkData } : {}),
      };
    } else {
      claims[`${L}resource_link`] = s.resourceLink ?? { id: '7', title: 'Video conference' };
    }
    s.claims?.(claims);
    const fields: Record<string, string> = { id_token: this.sign(claims, s.signing ?? 'platform') };
    if (!s.dropState) fields.state = p.state;
    this.responses.set(launchId!, fields);
    res.writeHead(200, { 'content-type': 'text/html' }).end(autoPost(p.redirect_uri, fields));
  }

  private sign(claims: Record<string, unknown>, how: NonNullable<Scenario['signing']>): string {
    const pem = (k: KeyObject) => k.export({ format: 'pem', type: 'pkcs8' }).toString();
    if (how === 'none') {
      const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.`;
    }
    if (how === 'HS256') {
      // Algorithm confusion: the platform's public key as the HMAC secret.
      const secret = this.key.publicKey.export({ format: 'pem', type: 'spki' }).toString();
      return jwt.sign(claims, secret, { algorithm: 'HS256', keyid: this.kid });
    }
    const key = how === 'foreign' ? this.foreign.privateKey : this.key.privateKey;
    return jwt.sign(claims, pem(key), { algorithm: 'RS256', keyid: this.kid });
  }

  /** Deep Linking 2.0 §4.2 from the platform's side: verified against the tool's JWKS URL. */
  private async verifyDeepLink(token: string): Promise<DeepLinkResult> {
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') throw new Error('not a JWT');
    const res = await fetch(`${this.aulaUrl}/lti/jwks`);
    const jwks = (await res.json()) as { keys: Array<Record<string, unknown>> };
    const jwk = jwks.keys.find((k) => k.kid === decoded.header.kid);
    if (!jwk) throw new Error('no key with this kid in the tool JWKS');
    if (jwk.alg !== 'RS256') throw new Error('tool key without alg RS256');
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    const claims = jwt.verify(token, key, { algorithms: ['RS256'], issuer: this.clientId, audience: this.base }) as Record<string, unknown>;
    if (claims[`${L}message_type`] !== 'LtiDeepLinkingResponse') throw new Error('wrong message_type');
    if (claims[`${L}version`] !== '1.3.0') throw new Error('wrong version');
    if (claims[`${L}deployment_id`] !== this.deploymentId) throw new Error('wrong deployment_id');
    if (typeof claims.nonce !== 'string') throw new Error('no nonce');
    if (!Array.isArray(claims[`${DL}content_items`])) throw new Error('no content_items');
    return { header: decoded.header as unknown as Record<string, unknown>, claims };
  }
}
