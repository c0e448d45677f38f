// The order in which `npm install` obtains the mediasoup worker. Uses a stand-in
// worker (a script that exits 41, as a real worker does when run alone) in a
// throw-away project folder, so that the real node_modules is never touched;
// the real build is exercised by `npm install` / CI itself.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { debCompare, machineMirrors, sourcesList } from '../../scripts/mediasoup-worker/debian-apt.mjs';
import { LIBSRTP_VERSION } from '../../scripts/mediasoup-worker/libsrtp.mjs';
import { cacheKey, obtainWorker, smokeTest, WorkerError } from '../../scripts/mediasoup-worker/obtain.mjs';

let dir: string;
let project: string;
let cache: string;
const installed = () => path.join(project, 'node_modules/mediasoup/worker/out/Release/mediasoup-worker');
const script = (name: string, code: number) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n# ${name}\nexit ${code}\n`, { mode: 0o755 });
  return file;
};
const nothingMissing = { missingPackages: () => [], isDebian: true, isRoot: true };

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aula-obtain-'));
  project = path.join(dir, 'project');
  cache = path.join(dir, 'cache');
  fs.mkdirSync(path.join(project, 'node_modules/mediasoup/worker'), { recursive: true });
  fs.writeFileSync(path.join(project, 'node_modules/mediasoup/package.json'), JSON.stringify({ version: '3.27.1' }));
});

describe('obtaining the mediasoup worker', () => {
  it('recognises a worker by its exit code 41', () => {
    expect(smokeTest(script('worker', 41))).toBe(true);
    expect(smokeTest(script('not-a-worker', 0))).toBe(false);
    expect(smokeTest(path.join(dir, 'missing'))).toBe(false);
  });

  it("uses MEDIASOUP_WORKER_BIN first and installs it at mediasoup's default path", () => {
    const worker = script('worker', 41);
    const cached = path.join(cache, 'mediasoup-worker', cacheKey('3.27.1'), 'mediasoup-worker');
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    fs.copyFileSync(script('other', 41), cached);
    expect(obtainWorker({ projectDir: project, env: { MEDIASOUP_WORKER_BIN: worker, AULA_CACHE_DIR: cache }, system: nothingMissing })).toBe('env');
    expect(fs.readFileSync(installed(), 'utf8')).toBe(fs.readFileSync(worker, 'utf8'));
  });

  it('refuses a MEDIASOUP_WORKER_BIN that is not a worker, with one line', () => {
    const run = () => obtainWorker({ projectDir: project, env: { MEDIASOUP_WORKER_BIN: script('fake', 0) }, system: nothingMissing });
    expect(run).toThrow(WorkerError);
    expect(run).toThrow(/^MEDIASOUP_WORKER_BIN=.* is not a working mediasoup-worker/);
  });

  it('uses a cached worker keyed by version and build-script hash', () => {
    const cached = path.join(cache, 'mediasoup-worker', cacheKey('3.27.1'), 'mediasoup-worker');
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    fs.copyFileSync(script('cached', 41), cached);
    expect(obtainWorker({ projectDir: project, env: { AULA_CACHE_DIR: cache }, system: nothingMissing })).toBe('cache');
    expect(smokeTest(installed())).toBe(true);
    expect(cacheKey('3.27.1')).toMatch(/^3\.27\.1-[0-9a-f]{16}$/);
    expect(cacheKey('3.27.2')).not.toBe(cacheKey('3.27.1'));
  });

  it('changes the cache key when anything in the build folder changes', () => {
    const scripts = path.join(dir, 'scripts');
    fs.mkdirSync(path.join(scripts, 'subprojects/x'), { recursive: true });
    fs.writeFileSync(path.join(scripts, 'subprojects/x/meson.build'), "project('x')\n");
    const before = cacheKey('3.27.1', scripts);
    expect(cacheKey('3.27.1', scripts)).toBe(before);
    fs.writeFileSync(path.join(scripts, 'subprojects/x/meson.build'), "project('x', 'c')\n");
    expect(cacheKey('3.27.1', scripts)).not.toBe(before);
  });

  it('without a cache, as non-root with packages missing, names the exact apt-get command', () => {
    const system = { missingPackages: () => ['ninja-build', 'dpkg-dev'], isDebian: true, isRoot: false };
    const run = () => obtainWorker({ projectDir: project, env: { AULA_CACHE_DIR: cache }, system });
    expect(run).toThrow('apt-get install -y --no-install-recommends ninja-build dpkg-dev');
    expect(fs.existsSync(installed())).toBe(false);
  });

  it('refuses another mediasoup version than the one the build is made for', () => {
    fs.writeFileSync(path.join(project, 'node_modules/mediasoup/package.json'), JSON.stringify({ version: '3.19.3' }));
    expect(() => obtainWorker({ projectDir: project, env: {}, system: nothingMissing })).toThrow(/mediasoup 3\.19\.3 installed/);
  });

  it('rebuilds when the pinned libsrtp changes (how a libsrtp security fix reaches an installation)', () => {
    const copy = path.join(dir, 'worker-scripts');
    fs.cpSync(path.resolve(import.meta.dirname, '../../scripts/mediasoup-worker'), copy, { recursive: true });
    const before = cacheKey('3.27.1', copy);
    const file = path.join(copy, 'libsrtp.mjs');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain(`LIBSRTP_VERSION = '${LIBSRTP_VERSION}'`);
    fs.writeFileSync(file, text.replace(`LIBSRTP_VERSION = '${LIBSRTP_VERSION}'`, "LIBSRTP_VERSION = '2.5.0-3+deb12u1'"));
    expect(cacheKey('3.27.1', copy)).not.toBe(before);
  });
});

describe('the private apt configuration', () => {
  it("uses the machine's own Debian mirrors, deb822 or one-line", () => {
    const etc = path.join(dir, 'etc');
    fs.mkdirSync(path.join(etc, 'sources.list.d'), { recursive: true });
    fs.writeFileSync(
      path.join(etc, 'sources.list.d/debian.sources'),
      'Types: deb\nURIs: http://mirror.example/debian/\nSuites: bookworm\n\nTypes: deb\nURIs: http://mirror.example/debian-security\nSuites: bookworm-security\n',
    );
    expect(machineMirrors(etc)).toEqual({ mirror: 'http://mirror.example/debian', security: 'http://mirror.example/debian-security' });
    fs.rmSync(path.join(etc, 'sources.list.d/debian.sources'));
    fs.writeFileSync(path.join(etc, 'sources.list'), 'deb [arch=amd64] http://other.example/debian bookworm main\n');
    expect(machineMirrors(etc).mirror).toBe('http://other.example/debian');
    expect(machineMirrors(path.join(dir, 'none'))).toEqual({ mirror: 'http://deb.debian.org/debian', security: 'http://deb.debian.org/debian-security' });
  });

  it("lists bookworm-backports binaries and bookworm sources, signed by Debian's keyring", () => {
    const list = sourcesList({ mirror: 'http://m/debian', security: 'http://m/debian-security' });
    expect(list).toContain('deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://m/debian bookworm-backports main');
    expect(list).toContain('deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://m/debian bookworm main');
    expect(list).toContain('http://m/debian-security bookworm-security main');
  });

  it('compares Debian versions as dpkg does', () => {
    expect(debCompare('2.5.0-3+deb12u1', '2.5.0-3')).toBe(1);
    expect(debCompare('2.5.0-3', '2.5.0-3')).toBe(0);
    expect(debCompare('2.5.0-3', '2.7.0-1')).toBe(-1);
  });
});
