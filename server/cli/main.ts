// `npx aula <verb>`: every verb accepts --json and, on failure, exits non-zero
// with one line on stderr.
import { Command } from 'commander';
import { AdminClient, CliError, type GlobalOptions } from './admin-client.js';
import { keyCommands } from './keys.js';
import { reportCommands } from './reports.js';
import { roomCommands } from './rooms.js';
import { transparencyCommands } from './transparency.js';

const program = new Command('aula')
  .description('Operate an aula server (talks to its admin API)')
  .option('--url <url>', 'server base URL (default: AULA_URL or http://127.0.0.1:<http.port>)')
  .option('--token <token>', 'admin token (default: AULA_ADMIN_TOKEN, config admin.token, or <data.dir>/admin-token)')
  .option('--config <file>', 'config file (default: AULA_CONFIG)')
  .showHelpAfterError()
  .exitOverride();

const client = () => AdminClient.fromOptions(program.opts<GlobalOptions>());

roomCommands(program, client);
keyCommands(program);
reportCommands(program, client);
transparencyCommands(program, client);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const e = err as { code?: string; exitCode?: number; message: string };
  if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') process.exit(0);
  if (e.code?.startsWith('commander.')) process.exit(e.exitCode ?? 1); // commander printed its one-line error already
  console.error(`aula: ${err instanceof CliError ? e.message : `unexpected error: ${e.message}`}`);
  process.exit(1);
}
