// Firefox ESR and Chromium in one room: see, hear and chat with each other.
// Firefox gathers no loopback ICE candidates, so the whole session (server
// and both browsers, tests/e2e/firefox-session.ts) runs in a network namespace
// made here: a veth pair with 10.99.0.1/.2 and a default route that leads
// nowhere outside it. Needs root (as in CI) and Debian's firefox-esr.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const FIREFOX = process.env.AULA_FIREFOX ?? '/usr/bin/firefox-esr';
const NS = `aula-ff-${process.pid}`;
const ROOT = path.resolve(import.meta.dirname, '../..');

function makeNamespace(): string | null {
  if (!fs.existsSync(FIREFOX)) return `${FIREFOX} is not installed`;
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
  try {
    ip('netns', 'add', NS);
    ip('-n', NS, 'link', 'set', 'lo', 'up');
    ip('-n', NS, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
    ip('-n', NS, 'addr', 'add', '10.99.0.1/24', 'dev', 'v0');
    ip('-n', NS, 'addr', 'add', '10.99.0.2/24', 'dev', 'v1');
    ip('-n', NS, 'link', 'set', 'v0', 'up');
    ip('-n', NS, 'link', 'set', 'v1', 'up');
    ip('-n', NS, 'route', 'add', 'default', 'via', '10.99.0.2', 'dev', 'v0');
    return null;
  } catch (err) {
    return `cannot make a network namespace: ${(err as Error).message.split('\n')[0]}`;
  }
}

const skip = makeNamespace();
if (skip) console.warn(`firefox.test.ts skipped: ${skip}`);

afterAll(() => {
  if (!skip) execFileSync('ip', ['netns', 'del', NS], { stdio: 'pipe' });
});

describe.skipIf(skip !== null)('Firefox ESR and Chromium together', () => {
  it('see, hear and chat with each other', { timeout: 300_000 }, async () => {
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn('ip', ['netns', 'exec', NS, process.execPath, path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'tests/e2e/firefox-session.ts'], {
        cwd: ROOT,
        env: { ...process.env, AULA_TEST_MEDIA_IP: '10.99.0.1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      let errText = '';
      child.stdout.on('data', (d) => (text += d));
      child.stderr.on('data', (d) => (errText += d));
      child.on('error', reject);
      child.on('exit', () => (text.includes('AULA-RESULT') ? resolve(text) : reject(new Error(`session gave no result: ${errText.slice(-2000)}`))));
    });
    const result = JSON.parse(out.slice(out.indexOf('AULA-RESULT ') + 12).split('\n')[0]!);
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({
      firefoxJoined: true,
      firefoxSeesAndHearsChromium: true,
      chromiumSeesAndHearsFirefox: true,
      chatBothWays: true,
      left: true,
      pageErrors: [],
    });
    expect(result.firefoxTileWidth).toBeGreaterThan(0);
  });
});
