// Operator assertions are single-use, also across a restart: the jti is kept
// on disk until the assertion expires.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AssertionReplay } from '../../server/privacy/assertion-replay.js';
import { AuditLog } from '../../server/privacy/audit-log.js';
import { Ledger, ledgerMasterKey } from '../../server/privacy/ledger.js';
import { Reports } from '../../server/privacy/reports.js';

describe('operator assertion replay', () => {
  it('refuses an assertion used before a restart, and forgets it once expired', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aula-jti-'));
    const pair = await generateKeyPair('ES256', { extractable: true });
    const operators = [{ name: 'alice', publicKey: { ...(await exportJWK(pair.publicKey)), kid: 'alice' } }];
    const boot = async () => {
      const audit = new AuditLog(dir);
      return Reports.create(new Ledger(dir, ledgerMasterKey(undefined, dir), 30, audit), audit, operators, true, new AssertionReplay(dir));
    };
    const assertion = await new SignJWT({ op: 'report.fetch', request: 'r1' })
      .setProtectedHeader({ alg: 'ES256', kid: 'alice' })
      .setIssuer('alice')
      .setAudience('aula-admin')
      .setIssuedAt()
      .setExpirationTime('2m')
      .setJti(randomUUID())
      .sign(pair.privateKey);

    const first = await boot();
    await expect(first.verify(assertion, 'report.fetch')).resolves.toMatchObject({ operator: 'alice' });
    await expect(first.verify(assertion, 'report.fetch')).rejects.toThrow(/used already/);
    // The server restarts with the same data directory: still refused.
    const second = await boot();
    await expect(second.verify(assertion, 'report.fetch')).rejects.toThrow(/used already/);
    expect(fs.statSync(path.join(dir, 'assertions.jti')).mode & 0o777).toBe(0o600);

    // Expired entries are dropped when the file is loaded.
    fs.appendFileSync(path.join(dir, 'assertions.jti'), `${JSON.stringify({ jti: 'old', exp: Date.now() - 1000 })}\n`);
    new AssertionReplay(dir);
    expect(fs.readFileSync(path.join(dir, 'assertions.jti'), 'utf8')).not.toContain('"old"');
    expect(new AssertionReplay(dir).use('old', Date.now() + 60_000)).toBe(true);
  });
});
