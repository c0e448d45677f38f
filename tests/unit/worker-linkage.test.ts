// The installed mediasoup worker is the one aula's build makes: libsrtp built
// with OpenSSL and linked statically (no NSS, whose per-packet AES context
// churn cost ~4 µs per packet), OpenSSL from Debian. Reads the real binary
// that `npm ci` put at mediasoup's default path.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLinkage, linkageProblem } from '../../scripts/mediasoup-worker/libsrtp.mjs';

const worker = path.resolve(import.meta.dirname, '../../node_modules/mediasoup/worker/out/Release/mediasoup-worker');

describe('the mediasoup worker binary', () => {
  it('is installed', () => {
    expect(fs.existsSync(worker)).toBe(true);
  });

  it('links OpenSSL and neither NSS nor a shared libsrtp (ldd)', () => {
    const ldd = spawnSync('ldd', [worker], { encoding: 'utf8' });
    expect(ldd.status).toBe(0);
    expect(ldd.stdout).toMatch(/libcrypto\.so\.3/);
    expect(ldd.stdout).toMatch(/libssl\.so\.3/);
    expect(ldd.stdout).not.toMatch(/libnss3|libsoftokn3|libnspr4/);
    expect(ldd.stdout).not.toMatch(/libsrtp/);
    expect(checkLinkage(worker)).toEqual({ ok: true, problem: '' });
  });

  it("carries libsrtp's OpenSSL backend inside it", () => {
    // The binary keeps its symbol table; libsrtp's OpenSSL cipher and MAC are in it, NSS's are not.
    const nm = spawnSync('nm', [worker], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(nm.status).toBe(0);
    expect(nm.stdout).toMatch(/ srtp_aes_icm_openssl_encrypt$/m);
    expect(nm.stdout).toMatch(/ srtp_aes_gcm_openssl_encrypt$/m);
    expect(nm.stdout).not.toMatch(/srtp_aes_(?:icm|gcm)_nss_/);
  });

  it("tells a worker built against Debian's libsrtp2 (NSS) apart", () => {
    // ldd of the 3.19.3 worker built against libsrtp2-1, abridged.
    const debian = [
      'libssl.so.3 => /lib/x86_64-linux-gnu/libssl.so.3',
      'libcrypto.so.3 => /lib/x86_64-linux-gnu/libcrypto.so.3',
      'libsrtp2.so.1 => /lib/x86_64-linux-gnu/libsrtp2.so.1',
      'libnss3.so => /lib/x86_64-linux-gnu/libnss3.so',
    ].join('\n');
    expect(linkageProblem(debian)).toBe('links NSS (libnss3)');
    expect(linkageProblem(debian.replace(/.*libnss3.*/, ''))).toMatch(/shared libsrtp/);
    expect(linkageProblem('libuv.so.1 => /lib/x86_64-linux-gnu/libuv.so.1')).toMatch(/OpenSSL/);
  });
});
