// LTI 1.3 against the platform simulator, driven over HTTP by following the
// auto-submitted forms as a browser would (the Chromium run is in
// tests/e2e/lti.test.ts): the OIDC login, every refusal with its page and log
// reason code, roles, rooms per resource link, Deep Linking, the platform
// key cache.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.js';
import { LtiPlatformSim, ROLE, type Scenario } from '../helpers/lti-platform.js';
import { startTestServer, waitFor } from '../helpers/server.js';
import { TestClient } from '../helpers/ws-client.js';

let sim: LtiPlatformSim;
let server: RunningServer;
const logLines: string[] = [];
const clients: TestClient[] = [];
const L = 'https://purl.imsglobal.org/spec/lti/claim/';

const user = (n: string) => ({ sub: `sub-${n}`, name: `Name ${n}`, given_name: `Given ${n}`, email: `${n}@school.example` });

const decode = (s: string) =>
  s.replace(/&(#\d+|amp|lt|gt|quot|#39);/g, (_m, e: string) =>
    e.startsWith('#') ? String.fromCharCode(Number(e.slice(1))) : ({ amp: '&', lt: '<', gt: '>', quot: '"' } as Record<string, string>)[e]!,
  );

/** The one form on an auto-submitting page: where it posts and its hidden fields. */
function formOf(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1];
  if (action === undefined) throw new Error(`no form in: ${html.slice(0, 400)}`);
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) fields[decode(m[1]!)] = decode(m[2]!);
  return { action: decode(action), fields };
}

interface Page {
  status: number;
  html: string;
  headers: Headers;
}

async function post(url: string, fields: Record<string, string>): Promise<Page> {
  const res = await fetch(url, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
  return { status: res.status, html: await res.text(), headers: res.headers };
}

/** Login initiation → auth request → authentication response → aula's answer. */
async function launch(s: Scenario): Promise<Page & { id: string; loginPage: Page }> {
  const { id } = sim.launch(s);
  const loginFields = sim.loginFields(id);
  const loginPage =
    s.loginMethod === 'GET'
      ? await fetch(`${server.url}/lti/login?${new URLSearchParams(loginFields)}`).then(async (r) => ({
          status: r.status,
          html: await r.text(),
          headers: r.headers,
        }))
      : await post(`${server.url}/lti/login`, loginFields);
  if (loginPage.status !== 200) return { ...loginPage, id, loginPage };
  const auth = formOf(loginPage.html);
  const response = formOf((await post(auth.action, auth.fields)).html);
  return { ...(await post(response.action, response.fields)), id, loginPage };
}

/** The room token in a launch page's join link. */
function roomLinkOf(html: string): { roomId: string; token: string } {
  const m = /id="join"[^>]*href="\/r\/([0-9a-f]+)#t=([^"]+)"/.exec(html);
  if (!m) throw new Error(`no join link in: ${html.slice(0, 600)}`);
  return { roomId: m[1]!, token: decode(m[2]!) };
}

async function hello(roomId: string, token: string) {
  const c = await TestClient.connect(server.url);
  clients.push(c);
  return c.request('hello', { roomId, token });
}

const instructor = (n = 'teacher', extra: Partial<Scenario> = {}): Scenario => ({ roles: [ROLE.instructor], user: user(n), ...extra });

beforeAll(async () => {
  sim = await LtiPlatformSim.start();
  server = await startTestServer({ lti: { platforms: [sim.registration()] } }, { logSink: (l) => logLines.push(l) });
  sim.aulaUrl = server.url;
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.close();
  await sim?.close();
});

describe('LTI login and launch', () => {
  it('publishes one RS256 signing key at /lti/jwks, kept in the data directory (0600)', async () => {
    const res = await fetch(`${server.url}/lti/jwks`);
    const jwks = (await res.json()) as { keys: Array<Record<string, string>> };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', e: 'AQAB' });
    expect(Buffer.from(jwks.keys[0]!.n!, 'base64url').length).toBeGreaterThanOrEqual(256);
    expect(jwks.keys[0]!.d).toBeUndefined();
    const file = path.join(server.dataDir, 'lti-key.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('sends the authentication request as an auto-submitted POST form, allowed by exactly one form-action', async () => {
    const r = await launch(instructor());
    const auth = formOf(r.loginPage.html);
    expect(auth.action).toBe(`${sim.base}/mod/lti/auth.php`);
    expect(r.loginPage.html).toContain('<script src="/lti/assets/autosubmit.js"');
    expect(r.loginPage.html).not.toMatch(/<script>/);
    const csp = r.loginPage.headers.get('content-security-policy')!;
    expect(csp).toContain(`form-action ${sim.base}/mod/lti/auth.php;`);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`frame-ancestors ${sim.base}`);
    expect(r.loginPage.headers.get('set-cookie')).toBeNull();
    const req = sim.authRequests.at(-1)!;
    expect(req.method).toBe('POST');
    expect(req.params).toMatchObject({
      scope: 'openid',
      response_type: 'id_token',
      response_mode: 'form_post',
      prompt: 'none',
      client_id: sim.clientId,
      redirect_uri: `${server.url}/lti/launch`,
      login_hint: 'sub-teacher',
      lti_message_hint: JSON.stringify({ launchid: r.id }),
    });
    expect(req.params.state!.length).toBeGreaterThanOrEqual(22);
    expect(req.params.nonce!.length).toBeGreaterThanOrEqual(22);
    expect(r.status).toBe(200);
    // The autosubmit script exists and is served from aula's origin.
    const js = await fetch(`${server.url}/lti/assets/autosubmit.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
  });

  it('accepts a login initiated with GET and with lti_deployment_id and client_id', async () => {
    const r = await launch(instructor('get', { loginMethod: 'GET', sendDeployment: true }));
    expect(r.status).toBe(200);
    const { roomId, token } = roomLinkOf(r.html);
    expect(await hello(roomId, token)).toMatchObject({ ok: true, data: { role: 'moderator' } });
  });

  it('maps LTI roles to aula roles (only course roles count)', async () => {
    const cases: Array<[string[], string]> = [
      [[ROLE.instructor], 'moderator'],
      [[ROLE.admin], 'moderator'],
      [[ROLE.contentDeveloper], 'moderator'],
      [['Instructor'], 'moderator'],
      [[ROLE.ta], 'presenter'],
      [[ROLE.learner], 'participant'],
      [['Learner'], 'participant'],
      [[ROLE.learner, ROLE.faculty, ROLE.siteAdmin], 'participant'],
      [[], 'participant'],
      [[ROLE.ta, ROLE.instructor], 'moderator'],
    ];
    for (const [roles, role] of cases) {
      const r = await launch({ roles, user: user('roles') });
      expect(r.status, roles.join()).toBe(200);
      const { roomId, token } = roomLinkOf(r.html);
      expect(await hello(roomId, token), roles.join()).toMatchObject({ ok: true, data: { role } });
    }
  });

  it("maps one resource link to one stable room with the link's title, created on the first launch", async () => {
    const before = server.rooms.list().length;
    const a = roomLinkOf((await launch(instructor('a', { resourceLink: { id: 'rl-100', title: 'Physics 7c — live' } }))).html);
    const b = roomLinkOf((await launch({ roles: [ROLE.learner], user: user('b'), resourceLink: { id: 'rl-100', title: 'renamed later' } })).html);
    const c = roomLinkOf((await launch(instructor('c', { resourceLink: { id: 'rl-101', title: 'Chemistry' } }))).html);
    expect(a.roomId).toBe(b.roomId);
    expect(c.roomId).not.toBe(a.roomId);
    expect(server.rooms.get(a.roomId)!.title).toBe('Physics 7c — live');
    expect(server.rooms.get(c.roomId)!.title).toBe('Chemistry');
    expect(server.rooms.list().length).toBe(before + 2);
    // Persisted like any room, with nothing about the people who launched it.
    const stored = fs.readFileSync(path.join(server.dataDir, 'rooms.json'), 'utf8');
    expect(stored).toContain(a.roomId);
    expect(stored).not.toContain('sub-a');
  });

  it('a learner in a lobby room waits; the grant is not a guest link, so "no guest links" does not lock learners out', async () => {
    const r = await launch({
      roles: [ROLE.learner],
      user: user('lob'),
      resourceLink: { id: 'rl-lobby' },
      custom: { aula_lobby: 'true', aula_guest_link: 'false' },
    });
    const { roomId, token } = roomLinkOf(r.html);
    const room = server.rooms.get(roomId)!;
    expect(room.settings).toMatchObject({ lobby: true, guestAccess: false, recording: false });
    expect(await hello(roomId, token)).toMatchObject({ ok: true, data: { role: 'participant', lobby: true } });
    // An aula guest link for that room does not work.
    const guest = (await server.links(room)).guest.split('#t=')[1]!;
    expect(await hello(roomId, guest)).toMatchObject({ ok: false, error: { code: 'invalid_link' } });
  });

  it('shows a moderator the guest link when the room allows one', async () => {
    const r = await launch(instructor('gl', { resourceLink: { id: 'rl-guests' } }));
    const guest = /id="guest-link" readonly value="([^"]+)"/.exec(r.html)?.[1];
    expect(guest).toBeDefined();
    const [, roomId, token] = /\/r\/([0-9a-f]+)#t=(.+)$/.exec(decode(guest!))!;
    expect(await hello(roomId!, token!)).toMatchObject({ ok: true, data: { role: 'participant' } });
    const learner = await launch({ roles: [ROLE.learner], user: user('gl2'), resourceLink: { id: 'rl-guests' } });
    expect(learner.html).not.toContain('guest-link');
  });

  it("allows the platform to frame aula: the room page's frame-ancestors name the platform", async () => {
    const res = await fetch(`${server.url}/r/${server.rooms.list()[0]!.id}`);
    expect(res.headers.get('content-security-policy')).toMatch(new RegExp(`frame-ancestors ${sim.base.replace(/[.]/g, '\\.')}`));
    expect(res.headers.get('x-frame-options')).toBeNull();
  });

  it('accepts a token a little past exp, within the clock leeway', async () => {
    const r = await launch(instructor('skew', { claims: (c) => ((c.iat = Math.floor(Date.now() / 1000) - 70), (c.exp = Math.floor(Date.now() / 1000) - 10)) }));
    expect(r.status).toBe(200);
  });

  it('does not prefill the display name by default', async () => {
    const { roomId, token } = roomLinkOf((await launch(instructor('np'))).html);
    const reply = await hello(roomId, token);
    expect(reply.ok).toBe(true);
    expect(reply.data.prefillName).toBeUndefined();
  });
});

describe('LTI launches that must not pass', () => {
  const past = () => Math.floor(Date.now() / 1000) - 600;
  const cases: Array<[string, Scenario, string, RegExp]> = [
    ['wrong aud', instructor('x', { claims: (c) => (c.aud = 'someone-else') }), 'wrong_audience', /Ask your course administrator/],
    ['aud array without azp', instructor('x', { claims: (c) => (c.aud = [sim.clientId, 'other']) }), 'wrong_audience', /Ask your course administrator/],
    ['azp not aula', instructor('x', { claims: (c) => (c.azp = 'other') }), 'wrong_audience', /Ask your course administrator/],
    ['wrong iss', instructor('x', { claims: (c) => (c.iss = 'https://evil.example') }), 'wrong_issuer', /Ask your course administrator/],
    ['unknown deployment', instructor('x', { claims: (c) => (c[`${L}deployment_id`] = '99') }), 'unknown_deployment', /Ask your course administrator/],
    ['expired', instructor('x', { claims: (c) => ((c.iat = past() - 60), (c.exp = past())) }), 'token_expired', /Go back to your course/],
    [
      'issued in the future',
      instructor('x', { claims: (c) => ((c.iat = Math.floor(Date.now() / 1000) + 600), (c.exp = (c.iat as number) + 60)) }),
      'token_not_yet_valid',
      /Go back to your course/,
    ],
    ['missing state', instructor('x', { dropState: true }), 'state_missing', /Go back to your course/],
    ['alg none', instructor('x', { signing: 'none' }), 'bad_algorithm', /Ask your course administrator/],
    ['HS256 with the public key', instructor('x', { signing: 'HS256' }), 'bad_algorithm', /Ask your course administrator/],
    ["a key not the platform's", instructor('x', { signing: 'foreign' }), 'bad_signature', /Ask your course administrator/],
    ['wrong version', instructor('x', { claims: (c) => (c[`${L}version`] = '1.1') }), 'wrong_version', /Ask your course administrator/],
    [
      'unknown message type',
      instructor('x', { claims: (c) => (c[`${L}message_type`] = 'LtiSubmissionReviewRequest') }),
      'wrong_message_type',
      /Ask your course administrator/,
    ],
    [
      'target elsewhere',
      instructor('x', { claims: (c) => (c[`${L}target_link_uri`] = 'https://evil.example/lti/launch') }),
      'wrong_target',
      /Ask your course administrator/,
    ],
    ['other nonce', instructor('x', { claims: (c) => (c.nonce = 'a-nonce-aula-never-issued') }), 'nonce_mismatch', /Go back to your course/],
    ['no resource link', instructor('x', { claims: (c) => delete c[`${L}resource_link`] }), 'no_resource_link', /Ask your course administrator/],
  ];

  for (const [what, scenario, reason, advice] of cases) {
    it(`refuses ${what} (${reason}) with a page and a log line`, async () => {
      const from = logLines.length;
      const r = await launch(scenario);
      expect(r.status).toBe(400);
      expect(r.html).toMatch(advice);
      expect(r.html).toContain(`<code>${reason}</code>`);
      expect(r.html).not.toContain('/r/');
      expect(r.headers.get('content-security-policy')).toContain("form-action 'none'");
      const lines = logLines.slice(from).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.some((l) => l.msg === 'lti launch refused' && l.reason === reason)).toBe(true);
      const token = sim.responses.get(r.id)?.id_token;
      if (token) for (const part of token.split('.').filter((p) => p.length > 8)) expect(logLines.join('\n')).not.toContain(part);
    });
  }

  it('refuses a replayed authentication response (same id_token, same state and nonce)', async () => {
    const first = await launch(instructor('replay'));
    expect(first.status).toBe(200);
    const again = await post(`${server.url}/lti/launch`, sim.responses.get(first.id)!);
    expect(again.status).toBe(400);
    expect(again.html).toContain('<code>replayed</code>');
    expect(again.html).toMatch(/already used/);
  });

  it("refuses an unknown platform at login, and the platform's own error response", async () => {
    const login = await post(`${server.url}/lti/login`, { iss: 'https://unknown.example', login_hint: 'x', target_link_uri: `${server.url}/lti/launch` });
    expect(login.status).toBe(400);
    expect(login.html).toContain('<code>unknown_platform</code>');
    const other = await post(`${server.url}/lti/login`, { iss: sim.base, login_hint: 'x', target_link_uri: 'https://evil.example/' });
    expect(other.html).toContain('<code>wrong_target</code>');
    const err = await post(`${server.url}/lti/launch`, { error: 'access_denied', error_description: 'no', state: 'whatever' });
    expect(err.status).toBe(400);
    expect(err.html).toMatch(/did not complete the launch/);
    expect(err.html).not.toContain('no<');
  });

  it('answers in German to a German browser', async () => {
    const res = await fetch(`${server.url}/lti/launch`, {
      method: 'POST',
      body: new URLSearchParams({ id_token: 'x' }),
      headers: { 'accept-language': 'de-DE,de;q=0.9' },
    });
    const html = await res.text();
    expect(html).toContain('lang="de"');
    expect(html).toMatch(/Gehen Sie zurück in Ihren Kurs/);
  });
});

describe('Deep Linking', () => {
  async function deepLink(scenario: Scenario, choices: Record<string, string>) {
    const r = await launch({ ...scenario, message: 'LtiDeepLinkingRequest' });
    if (r.status !== 200) return { settings: r };
    const session = /name="session" value="([^"]+)"/.exec(r.html)![1]!;
    const answer = await post(`${server.url}/lti/deeplink`, { session, ...choices });
    return { settings: r, answer };
  }

  it('a teacher picks the room settings; the platform verifies the signed response against /lti/jwks and gets one ltiResourceLink', async () => {
    const { settings, answer } = await deepLink(instructor('dl', { deepLinkData: 'opaque-42' }), {
      title: 'Weekly office hour',
      lobby: 'true',
      recording: 'true',
      target: 'window',
      action: 'add',
    });
    expect(settings.html).toMatch(/Add a video conference/);
    expect(settings.html).toContain('name="lobby"');
    expect(answer!.headers.get('content-security-policy')).toContain(`form-action ${sim.base}/mod/lti/contentitem_return.php;`);
    const form = formOf(answer!.html);
    expect(form.action).toBe(`${sim.base}/mod/lti/contentitem_return.php`);
    expect(Object.keys(form.fields)).toEqual(['JWT']);
    const back = await post(form.action, form.fields);
    expect(sim.deepLinkErrors).toEqual([]);
    expect(back.html).toContain('Activity added');
    const result = sim.deepLinks.at(-1)!;
    expect(result.header).toMatchObject({ alg: 'RS256' });
    const items = result.claims['https://purl.imsglobal.org/spec/lti-dl/claim/content_items'] as Array<Record<string, unknown>>;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      type: 'ltiResourceLink',
      title: 'Weekly office hour',
      url: `${server.url}/lti/launch`,
      custom: { aula_lobby: 'true', aula_recording: 'true', aula_guest_link: 'false' },
      window: { targetName: 'aula' },
    });
    expect(result.claims['https://purl.imsglobal.org/spec/lti-dl/claim/data']).toBe('opaque-42');

    // The platform now launches the new activity with those custom parameters.
    const r = await launch(
      instructor('dl2', { resourceLink: { id: 'rl-dl-1', title: 'Weekly office hour' }, custom: items[0]!.custom as Record<string, string> }),
    );
    const room = server.rooms.get(roomLinkOf(r.html).roomId)!;
    expect(room.settings).toMatchObject({ title: 'Weekly office hour', lobby: true, recording: true, guestAccess: false });
  });

  it('cancel returns an empty selection; a learner may not deep link; a settings page is good once', async () => {
    const { settings, answer } = await deepLink(instructor('dlc'), { action: 'cancel' });
    await post(formOf(answer!.html).action, formOf(answer!.html).fields);
    expect(sim.deepLinks.at(-1)!.claims['https://purl.imsglobal.org/spec/lti-dl/claim/content_items']).toEqual([]);
    const session = /name="session" value="([^"]+)"/.exec(settings.html)![1]!;
    const again = await post(`${server.url}/lti/deeplink`, { session, action: 'add', title: 'x' });
    expect(again.html).toContain('<code>deep_link_expired</code>');
    const learner = await deepLink({ roles: [ROLE.learner], user: user('dll') }, {});
    expect(learner.settings.status).toBe(403);
    expect(learner.settings.html).toMatch(/Only teachers of the course can add aula/);
  });
});

describe("the platform's keys", () => {
  it('are cached, and fetched again when the platform signs with a new kid', async () => {
    const fetches = sim.jwksFetches;
    expect((await launch(instructor('k1'))).status).toBe(200);
    expect(sim.jwksFetches).toBe(fetches);
    sim.rotateKey();
    // The refetch is rate-limited (a few seconds); a launch soon after the rotation may be refused, a later one passes.
    await waitFor(async () => (await launch(instructor('k2'))).status === 200, 30_000, 'a launch signed with the new key');
    expect(sim.jwksFetches).toBeGreaterThan(fetches);
  });
});

describe('a platform whose key endpoint never answers', () => {
  it('is refused once the JWKS fetch times out, and aula keeps serving', async () => {
    const hanging = await import('node:http').then((h) => h.createServer(() => {}));
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', () => r()));
    const port = (hanging.address() as { port: number }).port;
    const sim3 = await LtiPlatformSim.start();
    const s3 = await startTestServer({ lti: { platforms: [{ ...sim3.registration(), jwksUrl: `http://127.0.0.1:${port}/certs` }] } });
    sim3.aulaUrl = s3.url;
    const previous = { sim, server };
    try {
      sim = sim3;
      server = s3;
      const r = await launch(instructor('hang'));
      expect(r.html).toContain('<code>platform_keys_unavailable</code>');
      expect((await fetch(`${s3.url}/healthz`)).status).toBe(200);
    } finally {
      ({ sim, server } = previous);
      await s3.close();
      await sim3.close();
      hanging.closeAllConnections();
      hanging.close();
    }
  });
});

describe('lti.prefillName and limits', () => {
  it('prefills the display name from given_name when switched on; a huge platform JWKS is not read', async () => {
    const sim2 = await LtiPlatformSim.start();
    const big = await LtiPlatformSim.start();
    big.hugeJwks = true;
    const s2 = await startTestServer({ lti: { prefillName: true, platforms: [sim2.registration('A'), big.registration('B')] } });
    sim2.aulaUrl = s2.url;
    big.aulaUrl = s2.url;
    try {
      const previous = { sim, server };
      sim = sim2;
      server = s2;
      try {
        const { roomId, token } = roomLinkOf((await launch(instructor('pf'))).html);
        expect(await hello(roomId, token)).toMatchObject({ ok: true, data: { prefillName: 'Given pf' } });
        sim = big;
        const r = await launch(instructor('big'));
        expect(r.html).toContain('<code>platform_keys_unavailable</code>');
        expect(big.jwksFetches).toBeGreaterThan(0);
      } finally {
        ({ sim, server } = previous);
      }
    } finally {
      await s2.close();
      await sim2.close();
      await big.close();
    }
  });
});
