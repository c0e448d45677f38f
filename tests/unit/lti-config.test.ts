// The `lti` config section: validated like every other key, file only.
import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigInput, loadConfig } from '../../server/config/config.js';
import { platformOrigins } from '../../server/lti/router.js';

const moodle = {
  name: 'Moodle',
  issuer: 'https://moodle.school.example',
  clientId: 'AbCdEf123456789',
  deploymentIds: ['1'],
  authUrl: 'https://moodle.school.example/mod/lti/auth.php',
  jwksUrl: 'https://moodle.school.example/mod/lti/certs.php',
};

const attempt = (lti: unknown): string => {
  try {
    loadConfig({ env: {}, overrides: { lti } as ConfigInput });
    return 'no error';
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
};

describe('lti configuration', () => {
  it('is off by default, with name prefill off and teaching assistants as presenters', () => {
    expect(loadConfig({ env: {} }).lti).toEqual({ platforms: [], prefillName: false, teachingAssistantRole: 'presenter', launchValidityMinutes: 240 });
  });

  it('accepts a Moodle registration and adds its origin to the frame ancestors', () => {
    const c = loadConfig({ env: {}, overrides: { lti: { platforms: [moodle] } } });
    expect(c.lti.platforms).toHaveLength(1);
    expect(platformOrigins(c.lti)).toEqual(['https://moodle.school.example']);
  });

  it('refuses bad registrations with one line naming the key', () => {
    expect(attempt({ platforms: [{ ...moodle, authUrl: 'http://moodle.school.example/mod/lti/auth.php' }] })).toMatch(
      /lti\.platforms\.0\.authUrl: authUrl must use https/,
    );
    expect(attempt({ platforms: [{ ...moodle, jwksUrl: 'ftp://x' }] })).toMatch(/lti\.platforms\.0\.jwksUrl/);
    expect(attempt({ platforms: [{ ...moodle, deploymentIds: [] }] })).toMatch(/lti\.platforms\.0\.deploymentIds/);
    expect(attempt({ platforms: [moodle, { ...moodle, name: 'Again' }] })).toMatch(/each \(issuer, clientId\) may be registered once/);
    expect(attempt({ platforms: [{ ...moodle, secret: 'x' }] })).toMatch(/lti\.platforms\.0/);
    expect(attempt({ teachingAssistantRole: 'admin' })).toMatch(/lti\.teachingAssistantRole/);
    expect(attempt({ launchValidityMinutes: 0 })).toMatch(/lti\.launchValidityMinutes/);
    // Loopback may use plain http (a lab, the tests).
    expect(attempt({ platforms: [{ ...moodle, authUrl: 'http://127.0.0.1:8080/auth', jwksUrl: 'http://localhost:8080/certs' }] })).toBe('no error');
  });

  it('has no environment variable (file only)', () => {
    const c = loadConfig({ env: { AULA_LTI_PREFILL_NAME: 'true' } });
    expect(c.lti.prefillName).toBe(false);
  });
});
