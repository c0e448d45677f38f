// `npx aula problems …` and `npx aula privacy record`.
import type { Command } from 'commander';
import { CliError, type AdminClient } from './admin-client.js';
import { print } from './output.js';

export function transparencyCommands(program: Command, client: () => AdminClient): void {
  const problems = program.command('problems').description('problem reports users chose to send');
  problems
    .command('list')
    .description('list problem reports (id, time, page, browser, start of the description)')
    .option('--json', 'machine-readable output', false)
    .action(async (o) => {
      const r = await client().call('GET', '/problems');
      type P = { id: string; receivedAt: string; page?: string; browser?: { name: string; version: string }; description?: string };
      print(o.json, r, () =>
        r.problems.length
          ? r.problems
              .map(
                (p: P) => `${p.id}  ${p.receivedAt}  ${p.page ?? '-'}  ${p.browser ? `${p.browser.name} ${p.browser.version}` : '-'}  ${p.description ?? ''}`,
              )
              .join('\n')
          : 'no problem reports',
      );
    });
  problems
    .command('delete <id>')
    .description('delete a problem report (e.g. when its sender asks), by id or the 8-character reference')
    .option('--json', 'machine-readable output', false)
    .action(async (id: string, o) => {
      await client().call('DELETE', `/problems/${encodeURIComponent(id)}`);
      print(o.json, { deleted: id }, () => `deleted ${id}`);
    });
  problems
    .command('show <id>')
    .description('show one problem report as it was sent (by id or the 8-character reference the user saw)')
    .option('--json', 'machine-readable output', false)
    .action(async (id: string, o) => {
      const r = await client().call('GET', `/problems/${encodeURIComponent(id)}`);
      print(o.json, r, () => JSON.stringify(r.problem, null, 2));
    });

  program
    .command('privacy')
    .description('data-protection documents')
    .command('record')
    .description('the record of processing activities (Art. 30 GDPR) from the running configuration')
    .option('--format <format>', 'md or json', 'md')
    .option('--json', 'the same as --format json', false)
    .action(async (o) => {
      if (!['md', 'json'].includes(o.format)) throw new CliError('--format must be md or json');
      if (o.json || o.format === 'json') {
        console.log(JSON.stringify(await client().call('GET', '/privacy/record?format=json'), null, 2));
        return;
      }
      console.log(await client().text('/privacy/record?format=md'));
    });
}
