import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, workerCount } from '../../server/config/config.js';

describe('configuration', () => {
  it('has safe localhost defaults', () => {
    const c = loadConfig({ env: {} });
    expect(c.http).toMatchObject({ host: '127.0.0.1', port: 3000 });
    expect(c.media.listenIp).toBe('127.0.0.1');
    expect(c.media.announcedAddress).toBeUndefined();
    expect(workerCount(c)).toBe(os.cpus().length);
  });

  it('takes environment overrides', () => {
    const c = loadConfig({
      env: { AULA_HTTP_PORT: '8080', AULA_MEDIA_LISTEN_IP: '0.0.0.0', AULA_MEDIA_ANNOUNCED_ADDRESS: '203.0.113.7', AULA_ROOMS_DEMO_ROOM: 'false' },
    });
    expect(c.http.port).toBe(8080);
    expect(c.media).toMatchObject({ listenIp: '0.0.0.0', announcedAddress: '203.0.113.7' });
    expect(c.rooms.demoRoom).toBe(false);
  });

  it('fails with one line naming the key and the problem', () => {
    const attempt = (env: Record<string, string>) => {
      try {
        loadConfig({ env });
        return 'no error';
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
    };
    const port = attempt({ AULA_HTTP_PORT: 'eighty' });
    expect(port).toMatch(/^invalid configuration: http\.port: /);
    expect(port).not.toContain('\n');
    expect(attempt({ AULA_MEDIA_LISTEN_IP: 'not-an-ip' })).toMatch(/media\.listenIp/);
    expect(attempt({ AULA_MEDIA_RTC_MIN_PORT: '50000', AULA_MEDIA_RTC_MAX_PORT: '40000' })).toMatch(/media\.rtcMinPort: rtcMinPort must not exceed/);
    expect(attempt({ AULA_MEDIA_ICE_TRANSPORT_POLICY: 'relay' })).toMatch(/media\.iceTransportPolicy: relay-only ICE needs a TURN server/);
    expect(attempt({ AULA_METRICS_HOST: '0.0.0.0' })).toMatch(/metrics\.token: metrics on a non-loopback address need metrics\.token/);
    expect(attempt({ AULA_MEDIA_WEBRTC_SERVER_PORT: '65535', AULA_MEDIA_WORKERS: '2' })).toMatch(/webRtcServerPort plus one port per worker/);
  });

  it('rejects unknown keys instead of ignoring a typo', () => {
    expect(() => loadConfig({ env: {}, overrides: { http: { prot: 1 } } as never })).toThrow(/http/);
  });
});
