#!/usr/bin/env node
// Obtains a working mediasoup-worker binary without GitHub or PyPI.
//
// Order: MEDIASOUP_WORKER_BIN if set; else a worker cached by an earlier build
// (~/.cache/aula, keyed by mediasoup version + hash of this folder); else build
// it from the worker sources inside the mediasoup npm tarball, against Debian's
// libraries: meson from bookworm-backports (unpacked, not installed), libsrtp2
// from Debian's source package built with OpenSSL and linked statically
// (libsrtp.mjs), the rest from Debian 12's -dev packages through the shims in
// subprojects/. The result is copied to mediasoup's default path
// (node_modules/mediasoup/worker/out/Release/mediasoup-worker).
//
// mediasoup's own postinstall is denied in package.json ("allowScripts"),
// because it would try GitHub and then PyPI. This script is the root postinstall.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { privateApt } from './debian-apt.mjs';
import { buildLibsrtp, checkLinkage } from './libsrtp.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PINNED_VERSION = '3.27.1';
// mediasoup 3.27 wants meson >= 1.1; Debian 12 has 1.0.1, bookworm-backports 1.7.
// The .deb is pure Python: unpacked into the build directory and run from there.
const MESON_VERSION = '1.7.0-1~bpo12+1';

// dpkg-dev and xz-utils unpack the libsrtp2 source package; no libsrtp2-dev
// (it is built from source) and no meson (backports' is used).
export const BUILD_PACKAGES = [
  'build-essential',
  'dpkg-dev',
  'xz-utils',
  'pkg-config',
  'python3',
  'ninja-build',
  'libuv1-dev',
  'libssl-dev',
  'libabsl-dev',
  'flatbuffers-compiler',
  'libflatbuffers-dev',
];

const log = (msg) => console.log(`[aula worker] ${msg}`);

/** A failure whose message is the one line the user sees. */
export class WorkerError extends Error {}
const fail = (msg) => {
  throw new WorkerError(msg);
};

export function cacheRoot(env = process.env) {
  if (env.AULA_CACHE_DIR) return path.resolve(env.AULA_CACHE_DIR);
  const xdg = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(xdg, 'aula');
}

// Everything that changes the binary goes into the key: the mediasoup version
// and every file of this folder (script, shims, compat header).
export function cacheKey(version, scriptDir = HERE) {
  const hash = createHash('sha256').update(version);
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else hash.update(path.relative(scriptDir, full)).update(fs.readFileSync(full));
    }
  };
  walk(scriptDir);
  return `${version}-${hash.digest('hex').slice(0, 16)}`;
}

// mediasoup's own check: run with an empty environment, a real worker exits 41.
export function smokeTest(bin) {
  if (!fs.existsSync(bin)) return false;
  const res = spawnSync(bin, [], { env: {}, stdio: 'ignore', timeout: 10_000 });
  return res.status === 41;
}

function run(cmd, args, opts = {}) {
  log(`$ ${cmd} ${args.join(' ')}`);
  const res = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (res.status !== 0) fail(`worker build step failed (exit ${res.status}): ${cmd} ${args.join(' ')}`);
}

export function missingPackages() {
  const res = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\n', ...BUILD_PACKAGES], { encoding: 'utf8' });
  if (res.error) return BUILD_PACKAGES; // no dpkg: not Debian
  const installed = new Set(
    res.stdout
      .split('\n')
      .filter((l) => l.endsWith(' installed'))
      .map((l) => l.split(' ')[0]),
  );
  return BUILD_PACKAGES.filter((p) => !installed.has(p));
}

function ensureBuildPackages(system) {
  const missing = system.missingPackages();
  if (missing.length === 0) return;
  const cmd = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const { isDebian, isRoot } = system;
  if (!isDebian) fail(`building the mediasoup worker needs Debian/Ubuntu packages; on Debian run: sudo ${cmd}`);
  if (!isRoot) fail(`missing packages to build the mediasoup worker; run: sudo apt-get update && sudo ${cmd}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-q'], { env });
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env });
}

function patchFile(file, from, to) {
  const text = fs.readFileSync(file, 'utf8');
  if (!text.includes(from)) fail(`patch target not found in ${path.basename(file)}: ${from}`);
  fs.writeFileSync(file, text.replace(from, to));
}

function build(mediasoupDir, cacheDir, outBin, system) {
  ensureBuildPackages(system);
  const buildRoot = fs.mkdtempSync(path.join(cacheDir, 'build-'));
  const worker = path.join(buildRoot, 'worker');
  log(`building mediasoup-worker in ${buildRoot} (10-20 minutes on 2 cores)`);

  const apt = privateApt(path.join(buildRoot, 'apt'), run);
  // Backports keeps only its newest meson: take the pinned one, else the newest offered.
  const offered = apt.binaryVersions('meson');
  const mesonVersion = offered.includes(MESON_VERSION) ? MESON_VERSION : offered[0];
  if (!mesonVersion) fail('bookworm-backports offers no meson (mediasoup 3.27 needs meson >= 1.1)');
  if (mesonVersion !== MESON_VERSION) log(`NOTE: bookworm-backports has meson ${mesonVersion}, not ${MESON_VERSION}; using it`);
  const mesonDir = apt.unpack('meson', mesonVersion, path.join(buildRoot, 'meson'));
  // /usr/bin/python3: a python3 earlier on PATH (pyenv) may be another version.
  const meson = ['/usr/bin/python3', path.join(mesonDir, 'usr/bin/meson')];
  const env = { ...process.env, PYTHONPATH: path.join(mesonDir, 'usr/lib/python3/dist-packages') };
  const pkgconfig = buildLibsrtp({ apt, buildRoot, meson, run, env, log });
  env.PKG_CONFIG_PATH = [pkgconfig, process.env.PKG_CONFIG_PATH].filter(Boolean).join(':');

  fs.cpSync(path.join(mediasoupDir, 'worker'), worker, { recursive: true });
  // Replace the download-only wraps with shims that use Debian's libraries.
  const subprojects = path.join(worker, 'subprojects');
  for (const f of fs.readdirSync(subprojects)) if (f.endsWith('.wrap')) fs.rmSync(path.join(subprojects, f));
  fs.rmSync(path.join(subprojects, 'packagefiles'), { recursive: true, force: true });
  fs.cpSync(path.join(HERE, 'subprojects'), subprojects, { recursive: true });

  // Required: Debian's OpenSSL has kTLS; mediasoup's BIO callback answers 1 to
  // BIO_CTRL_GET_KTLS_SEND, OpenSSL then allocates no write buffer and the
  // worker segfaults on the first DTLS handshake. Return `ret` for every
  // *_RETURN phase, as the OpenSSL callback contract says.
  patchFile(
    path.join(worker, 'src/RTC/DtlsTransport.cpp'),
    '(operationType == BIO_CB_RETURN) ? static_cast<long>(ret) : 1;',
    '(operationType & BIO_CB_RETURN) ? static_cast<long>(ret) : 1;',
  );

  const out = path.join(worker, 'out/Release');
  const jobs = String(Math.max(1, os.cpus().length));
  const [cmd, ...pre] = meson;
  run(
    cmd,
    [
      ...pre,
      'setup',
      '--prefix',
      out,
      '--bindir',
      '',
      '--libdir',
      '',
      '--buildtype',
      'release',
      '-Db_ndebug=true',
      '--wrap-mode=nodownload',
      path.join(out, 'build'),
    ],
    { cwd: worker, env },
  );
  // flatbuffers-generator writes FBS/*.h that the worker sources include.
  run(cmd, [...pre, 'compile', '-C', path.join(out, 'build'), 'flatbuffers-generator'], { cwd: worker, env });
  run(cmd, [...pre, 'compile', '-C', path.join(out, 'build'), '-j', jobs, 'mediasoup-worker'], { cwd: worker, env });

  const built = path.join(out, 'build', 'mediasoup-worker');
  if (!smokeTest(built)) fail(`the freshly built worker did not pass its smoke test: ${built}`);
  const linkage = checkLinkage(built);
  if (!linkage.ok) fail(`the freshly built worker ${linkage.problem}: ${built}`);
  fs.mkdirSync(path.dirname(outBin), { recursive: true });
  const tmp = `${outBin}.tmp-${process.pid}`;
  fs.copyFileSync(built, tmp);
  fs.chmodSync(tmp, 0o755);
  fs.renameSync(tmp, outBin); // atomic: a concurrent install never sees half a binary
  fs.rmSync(buildRoot, { recursive: true, force: true });
}

function install(bin, target) {
  if (path.resolve(bin) === target) return;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  fs.copyFileSync(bin, tmp);
  fs.chmodSync(tmp, 0o755);
  fs.renameSync(tmp, target);
}

const realSystem = {
  missingPackages,
  isDebian: fs.existsSync('/etc/debian_version'),
  isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
};

/**
 * Put a working worker at mediasoup's default path inside projectDir and say
 * where it came from: 'env', 'cache' or 'build'.
 */
export function obtainWorker({ projectDir = path.resolve(HERE, '../..'), env = process.env, system = realSystem } = {}) {
  const mediasoupDir = path.join(projectDir, 'node_modules/mediasoup');
  const target = path.join(mediasoupDir, 'worker/out/Release/mediasoup-worker');
  if (!fs.existsSync(path.join(mediasoupDir, 'package.json'))) fail('node_modules/mediasoup is missing; run npm install first');
  const { version } = JSON.parse(fs.readFileSync(path.join(mediasoupDir, 'package.json'), 'utf8'));
  if (version !== PINNED_VERSION) fail(`mediasoup ${version} installed, but this build script is for ${PINNED_VERSION}`);

  const fromEnv = env.MEDIASOUP_WORKER_BIN;
  if (fromEnv) {
    if (!smokeTest(fromEnv)) fail(`MEDIASOUP_WORKER_BIN=${fromEnv} is not a working mediasoup-worker (run alone, a worker exits with code 41)`);
    install(fromEnv, target);
    log(`using MEDIASOUP_WORKER_BIN ${fromEnv}`);
    return 'env';
  }

  const cacheDir = cacheRoot(env);
  const cached = path.join(cacheDir, 'mediasoup-worker', cacheKey(version), 'mediasoup-worker');
  if (smokeTest(cached)) {
    install(cached, target);
    log(`using cached worker ${cached}`);
    return 'cache';
  }
  if (fs.existsSync(cached)) log(`cached worker ${cached} does not run here (missing libraries?); rebuilding`);
  fs.mkdirSync(cacheDir, { recursive: true });
  build(mediasoupDir, cacheDir, cached, system);
  install(cached, target);
  log(`built and cached ${cached}`);
  return 'build';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    obtainWorker();
  } catch (err) {
    console.error(`aula: ${err instanceof WorkerError ? err.message : err}`);
    process.exit(1);
  }
}
