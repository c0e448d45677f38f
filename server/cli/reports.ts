// `npx aula meeting …` and `npx aula report …`: the attendee report from
// request to local decryption. Each server step is signed with the operator's
// private key, which never leaves this machine.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Command } from 'commander';
import { importJWK, type JWK, SignJWT } from 'jose';
import { decryptReport, NOTICE, reportToCsv } from '../privacy/report-format.js';
import type { AdminClient } from './admin-client.js';
import { CliError } from './admin-client.js';
import { print } from './output.js';

function readKey(file: string): JWK & { kid: string } {
  let jwk: JWK;
  try {
    jwk = JSON.parse(fs.readFileSync(file, 'utf8')) as JWK;
  } catch (err) {
    throw new CliError(`cannot read key ${file}: ${(err as Error).message}`);
  }
  if (!jwk.d) throw new CliError(`${file} is not a private key`);
  if (!jwk.kid) throw new CliError(`${file} has no "kid" (operator name); make keys with: npx aula keys generate`);
  return jwk as JWK & { kid: string };
}

/** A short-lived proof, signed with the operator's key, of what the operator asks for. */
async function assertion(keyFile: string, op: string, claims: Record<string, string>): Promise<string> {
  const jwk = readKey(keyFile);
  const key = await importJWK(jwk, 'ES256');
  return new SignJWT({ op, ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid })
    .setIssuer(jwk.kid)
    .setAudience('aula-admin')
    .setIssuedAt()
    .setExpirationTime('2m')
    .setJti(randomUUID())
    .sign(key);
}

type Request = { id: string; meetingId: string; requestedBy: string; approvedBy?: string; reason: string; deliveries: number };
const describeRequest = (r: Request) =>
  `${r.id}  meeting ${r.meetingId}  by ${r.requestedBy}  ${r.approvedBy ? `approved by ${r.approvedBy}` : 'awaiting approval'}  delivered ${r.deliveries}×  reason: ${r.reason}`;

export function reportCommands(program: Command, client: () => AdminClient): void {
  program
    .command('meeting')
    .description('meetings in the attendance ledger')
    .command('list')
    .description('list meeting occurrences (room, title, start, end, expiry; never names)')
    .option('--json', 'machine-readable output', false)
    .action(async (o) => {
      const r = await client().call('GET', '/meetings');
      type M = { id: string; roomId: string; title: string; startedAt: string; endedAt?: string; expiresAt: string | null; tampered?: true };
      print(o.json, r, () =>
        r.meetings.length
          ? r.meetings
              .map(
                (m: M) =>
                  `${m.id}  ${m.title}  ${m.startedAt} – ${m.endedAt ?? 'running'}  deleted after ${m.expiresAt ?? '-'}${m.tampered ? '  ALTERED ON DISK (fails its MAC; deleted at the next purge)' : ''}`,
              )
              .join('\n')
          : 'no meetings',
      );
    });

  const report = program.command('report').description('request, approve, fetch and decrypt attendee reports');

  report
    .command('request')
    .description('request the attendee report of a meeting, stating reason and legal basis')
    .requiredOption('--meeting <id>', 'meeting id (npx aula meeting list)')
    .requiredOption('--reason <text>', 'why, and on which legal basis')
    .requiredOption('--key <file>', 'your private operator key (.private.jwk)')
    .option('--json', 'machine-readable output', false)
    .action(async (o) => {
      const body = { assertion: await assertion(o.key, 'report.request', { meeting: o.meeting, reason: o.reason }) };
      const r = await client().call('POST', '/reports', body);
      print(o.json, r, () => `requested: ${describeRequest(r.request)}`);
    });

  report
    .command('approve <requestId>')
    .description("approve another operator's request (four eyes)")
    .requiredOption('--key <file>', 'your private operator key (.private.jwk)')
    .option('--json', 'machine-readable output', false)
    .action(async (id: string, o) => {
      const body = { assertion: await assertion(o.key, 'report.approve', { request: id }) };
      const r = await client().call('POST', `/reports/${encodeURIComponent(id)}/approve`, body);
      print(o.json, r, () => `approved: ${describeRequest(r.request)}`);
    });

  report
    .command('list')
    .description('list report requests and their state')
    .option('--json', 'machine-readable output', false)
    .action(async (o) => {
      const r = await client().call('GET', '/reports');
      const head = r.auditHead ? `\naudit log head: entry ${r.auditHead.seq}, ${r.auditHead.hash}` : '';
      print(o.json, r, () => `${r.requests.length ? r.requests.map(describeRequest).join('\n') : 'no requests'}${head}`);
    });

  report
    .command('fetch <requestId>')
    .description('fetch the approved report as a JWE encrypted to your key')
    .requiredOption('--key <file>', 'your private operator key (.private.jwk)')
    .requiredOption('--out <file>', 'where to write the encrypted report')
    .option('--json', 'machine-readable output', false)
    .action(async (id: string, o) => {
      const body = { assertion: await assertion(o.key, 'report.fetch', { request: id }) };
      const r = await client().call('POST', `/reports/${encodeURIComponent(id)}/fetch`, body);
      fs.writeFileSync(o.out, `${r.jwe}\n`, { mode: 0o600 });
      print(o.json, { file: o.out }, () => `wrote the encrypted report to ${o.out}; open it with: npx aula report decrypt ${o.out} --key ${o.key}`);
    });

  report
    .command('decrypt <file>')
    .description('decrypt a report locally (no server involved); prints the notice first')
    .requiredOption('--key <file>', 'your private operator key (.private.jwk)')
    .option('--format <format>', 'json or csv', 'json')
    .option('--json', 'the same as --format json (the default)', false)
    .action(async (file: string, o) => {
      if (o.json) o.format = 'json';
      if (!['json', 'csv'].includes(o.format)) throw new CliError('--format must be json or csv');
      const jwk = readKey(o.key);
      let payload;
      try {
        payload = await decryptReport(fs.readFileSync(file, 'utf8'), jwk);
      } catch {
        throw new CliError(`cannot decrypt ${file} with ${o.key}: not the key this report was encrypted to, or not a report`);
      }
      // The notice comes first, whatever the format.
      console.error(`${NOTICE.de}\n${NOTICE.en}\n`);
      console.log(o.format === 'csv' ? reportToCsv(payload) : JSON.stringify(payload, null, 2));
    });
}
