#!/usr/bin/env node
// libsrtp for the worker: Debian's own libsrtp2 source package, built with
// OpenSSL for AES and HMAC and linked statically into mediasoup-worker.
//
// Why: Debian's libsrtp2-1 is built against NSS, whose AES-CTR context libsrtp
// recreates for every packet (4.4 µs per 1200-byte packet here, 0.95 µs with
// OpenSSL). Same source, same version, same wire output; only the crypto
// backend differs.
//
// Security fixes: the version below is pinned, and this folder's hash is part
// of the worker cache key. When Debian publishes a fixed libsrtp2 (bookworm or
// bookworm-security), bump LIBSRTP_VERSION; every installation then misses its
// cache on the next `npm ci` and rebuilds the worker with the fix.
// `node scripts/mediasoup-worker/libsrtp.mjs --check` compares the pin with
// what Debian offers now (exit 1 when Debian has a newer one).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { debCompare, privateApt } from './debian-apt.mjs';

export const LIBSRTP_PACKAGE = 'libsrtp2';
export const LIBSRTP_VERSION = '2.5.0-3';

/**
 * Build libsrtp into `<buildRoot>/libsrtp` and return the directory of its
 * pkg-config file. `meson` is [command, ...args]; `run` throws on failure.
 */
export function buildLibsrtp({ apt, buildRoot, meson, run, env, log }) {
  const offered = apt.sourceVersions(LIBSRTP_PACKAGE);
  if (offered.length && debCompare(offered[0], LIBSRTP_VERSION) > 0) {
    log(
      `NOTE: Debian offers ${LIBSRTP_PACKAGE} ${offered[0]}, newer than the pinned ${LIBSRTP_VERSION} ` +
        '(a security fix?): update LIBSRTP_VERSION in scripts/mediasoup-worker/libsrtp.mjs',
    );
  }
  if (!offered.includes(LIBSRTP_VERSION)) {
    throw new Error(
      `Debian no longer offers ${LIBSRTP_PACKAGE} ${LIBSRTP_VERSION} (it offers ${offered.join(', ') || 'none'}); ` +
        'update LIBSRTP_VERSION in scripts/mediasoup-worker/libsrtp.mjs',
    );
  }
  const tree = apt.source(LIBSRTP_PACKAGE, LIBSRTP_VERSION, path.join(buildRoot, 'libsrtp-src'));
  const prefix = path.join(buildRoot, 'libsrtp');
  const build = path.join(tree, 'aula-build');
  const [cmd, ...pre] = meson;
  run(
    cmd,
    [
      ...pre,
      'setup',
      '--prefix',
      prefix,
      '--libdir',
      'lib',
      '--buildtype',
      'release',
      '-Ddefault_library=static',
      '-Dcrypto-library=openssl',
      '-Dcrypto-library-kdf=disabled',
      '-Dtests=disabled',
      '-Ddoc=disabled',
      '-Dpcap-tests=disabled',
      build,
    ],
    { cwd: tree, env },
  );
  run(cmd, [...pre, 'compile', '-C', build], { cwd: tree, env });
  run(cmd, [...pre, 'install', '-C', build, '--no-rebuild'], { cwd: tree, env });
  const pkgconfig = path.join(prefix, 'lib/pkgconfig');
  if (!fs.existsSync(path.join(pkgconfig, 'libsrtp2.pc'))) throw new Error(`libsrtp build left no ${pkgconfig}/libsrtp2.pc`);
  return pkgconfig;
}

/** What `ldd` of a worker must (not) show: OpenSSL yes, NSS and a shared libsrtp no. '' when fine. */
export function linkageProblem(ldd) {
  if (/libnss3\.so|libsoftokn3\.so|libnspr4\.so/.test(ldd)) return 'links NSS (libnss3)';
  if (/libsrtp2?\.so/.test(ldd)) return 'links a shared libsrtp instead of the static OpenSSL build';
  if (!/libcrypto\.so\.3/.test(ldd)) return 'does not link OpenSSL libcrypto';
  return '';
}

export function checkLinkage(bin) {
  const res = spawnSync('ldd', [bin], { encoding: 'utf8' });
  if (res.status !== 0) return { ok: false, problem: `ldd failed: ${(res.stderr ?? '').trim()}` };
  const problem = linkageProblem(res.stdout);
  return { ok: problem === '', problem };
}

function check() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aula-libsrtp-check-'));
  try {
    const run = (cmd, args, opts = {}) => {
      const res = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], ...opts });
      if (res.status !== 0) throw new Error(`${cmd} failed (exit ${res.status})`);
    };
    const offered = privateApt(dir, run).sourceVersions(LIBSRTP_PACKAGE);
    const newest = offered[0];
    console.log(`pinned ${LIBSRTP_PACKAGE} ${LIBSRTP_VERSION}; Debian offers ${offered.join(', ') || 'none'}`);
    return newest && debCompare(newest, LIBSRTP_VERSION) > 0 ? 1 : 0;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--check')) {
  process.exit(check());
}
