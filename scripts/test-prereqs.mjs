#!/usr/bin/env node
// `npm test` needs Debian's Chromium and Firefox ESR for the browser tests (and coturn, ffmpeg,
// fonts-dejavu-core for the TURN and recording tests). Install it when we
// may (root on Debian), otherwise say exactly what to run. Never downloads a
// browser build of its own.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const chromium = process.env.AULA_CHROMIUM ?? '/usr/bin/chromium';
const missing = [
  ...(fs.existsSync(chromium) ? [] : ['chromium']),
  // Firefox ESR for the cross-browser test (tests/e2e/firefox.test.ts), iproute2 for its network namespace.
  ...(fs.existsSync(process.env.AULA_FIREFOX ?? '/usr/bin/firefox-esr') ? [] : ['firefox-esr']),
  ...(fs.existsSync('/usr/bin/ip') || fs.existsSync('/sbin/ip') ? [] : ['iproute2']),
  ...(fs.existsSync('/usr/bin/turnserver') ? [] : ['coturn']),
  // Recording: capture, composition and the tests' ffprobe; the tiles' label font.
  ...(fs.existsSync('/usr/bin/ffmpeg') ? [] : ['ffmpeg']),
  ...(fs.existsSync('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf') ? [] : ['fonts-dejavu-core']),
  // Several nodes: the tests start their own redis-server (and read it with redis-cli monitor).
  ...(fs.existsSync('/usr/bin/redis-server') && fs.existsSync('/usr/bin/redis-cli') ? [] : ['redis-server']),
];
if (missing.length) {
  const cmd = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !fs.existsSync('/etc/debian_version')) {
    console.error(`aula: the tests need ${missing.join(' and ')}; run: sudo apt-get update && sudo ${cmd}`);
    process.exit(1);
  }
  console.log(`[aula test] installing ${missing.join(', ')} for the browser and TURN tests`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-q'],
    ['install', '-y', '-q', '--no-install-recommends', ...missing],
  ]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) {
      console.error(`aula: apt-get ${args.join(' ')} failed`);
      process.exit(1);
    }
  }
}
