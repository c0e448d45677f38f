// A private apt configuration for the worker build: Debian's own archive,
// suites beyond what the machine lists (bookworm-backports for meson, deb-src
// for libsrtp2), without touching /etc/apt. Everything lives in one directory
// that the build deletes afterwards. Only Debian's mirrors are contacted (the
// ones /etc/apt already names, else deb.debian.org).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
const DEFAULT_MIRROR = 'http://deb.debian.org/debian';
const DEFAULT_SECURITY = 'http://deb.debian.org/debian-security';

/** The machine's Debian mirrors (deb822 .sources or one-line sources.list). */
export function machineMirrors(etc = '/etc/apt') {
  const uris = [];
  const read = (file) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  const partsDir = path.join(etc, 'sources.list.d');
  const parts = fs.existsSync(partsDir)
    ? fs
        .readdirSync(partsDir)
        .sort()
        .map((f) => path.join(partsDir, f))
    : [];
  for (const file of parts.filter((f) => f.endsWith('.sources'))) {
    for (const m of read(file).matchAll(/^URIs:\s*(.+)$/gm)) uris.push(...m[1].trim().split(/\s+/));
  }
  for (const file of [path.join(etc, 'sources.list'), ...parts.filter((f) => f.endsWith('.list'))]) {
    for (const m of read(file).matchAll(/^deb(?:-src)?\s+(?:\[[^\]]*\]\s+)?(\S+)/gm)) uris.push(m[1]);
  }
  const http = uris.filter((u) => /^https?:\/\//.test(u)).map((u) => u.replace(/\/+$/, ''));
  return {
    mirror: http.find((u) => !/security/.test(u)) ?? DEFAULT_MIRROR,
    security: http.find((u) => /security/.test(u)) ?? DEFAULT_SECURITY,
  };
}

/** The sources.list text of the private configuration. */
export function sourcesList({ mirror, security }, release = 'bookworm') {
  const o = `[signed-by=${KEYRING}]`;
  return [
    `deb ${o} ${mirror} ${release}-backports main`,
    `deb-src ${o} ${mirror} ${release} main`,
    `deb-src ${o} ${mirror} ${release}-updates main`,
    `deb-src ${o} ${security} ${release}-security main`,
    '',
  ].join('\n');
}

/**
 * Create the private configuration in `dir`, fetch its indexes, and return
 * helpers that run apt-get / apt-cache with it. `run(cmd, args, opts)` must
 * throw on failure.
 */
export function privateApt(dir, run) {
  for (const sub of ['lists/partial', 'cache/archives/partial']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  fs.writeFileSync(path.join(dir, 'sources.list'), sourcesList(machineMirrors()));
  const opts = [
    '-o',
    `Dir::Etc::sourcelist=${path.join(dir, 'sources.list')}`,
    '-o',
    'Dir::Etc::sourceparts=/dev/null',
    '-o',
    `Dir::State::Lists=${path.join(dir, 'lists')}`,
    '-o',
    `Dir::Cache=${path.join(dir, 'cache')}`,
    // Files land in directories the sandbox user _apt may not write to.
    '-o',
    'APT::Sandbox::User=root',
  ];
  run('apt-get', [...opts, '-q', 'update']);
  return {
    /** Versions of a source package Debian offers, newest first. */
    sourceVersions(pkg) {
      const res = spawnSync('apt-cache', [...opts, 'showsrc', '--only-source', pkg], { encoding: 'utf8' });
      const versions = [...(res.stdout ?? '').matchAll(/^Version:\s*(\S+)$/gm)].map((m) => m[1]);
      return [...new Set(versions)].sort((a, b) => (debCompare(a, b) > 0 ? -1 : 1));
    },
    /** Versions of a binary package the private sources offer (the machine's own are not listed), newest first. */
    binaryVersions(pkg) {
      const res = spawnSync('apt-cache', [...opts, 'madison', pkg], { encoding: 'utf8' });
      const versions = (res.stdout ?? '')
        .split('\n')
        .filter((l) => / Packages\s*$/.test(l))
        .map((l) => l.split('|')[1]?.trim())
        .filter(Boolean);
      return [...new Set(versions)].sort((a, b) => (debCompare(a, b) > 0 ? -1 : 1));
    },
    /** Download and unpack a source package into `into`; returns the source tree. */
    source(pkg, version, into) {
      fs.mkdirSync(into, { recursive: true });
      run('apt-get', [...opts, '-q', 'source', `${pkg}=${version}`], { cwd: into });
      const tree = fs.readdirSync(into).find((f) => fs.statSync(path.join(into, f)).isDirectory());
      if (!tree) throw new Error(`apt-get source ${pkg}=${version} unpacked nothing`);
      return path.join(into, tree);
    },
    /** Download one binary package and unpack it (no install) into `into`. */
    unpack(pkg, version, into) {
      const dl = path.join(dir, 'debs');
      fs.mkdirSync(dl, { recursive: true });
      run('apt-get', [...opts, '-q', 'download', `${pkg}=${version}`], { cwd: dl });
      const deb = fs.readdirSync(dl).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
      if (!deb) throw new Error(`apt-get download ${pkg}=${version} fetched nothing`);
      run('dpkg-deb', ['-x', path.join(dl, deb), into]);
      return into;
    },
  };
}

/** Debian version comparison (dpkg --compare-versions), -1/0/1. */
export function debCompare(a, b) {
  if (a === b) return 0;
  return spawnSync('dpkg', ['--compare-versions', a, 'gt', b]).status === 0 ? 1 : -1;
}
