// `npx aula <verb>`: every verb accepts --json and, on failure, exits non-zero
// with one line on stderr.
import { Command } from 'commander';
import { AdminClient, CliError, type GlobalOptions } from './admin-client.js';
import { configCommands } from './config.js';
import { keyCommands } from './keys.js';
import { nodeCommands } from './nodes.js';
import { recordingCommands } from './recordings.js';
import { reportCommands } from './reports.js';
import { roomCommands } from './rooms.js';
import { transparencyCommands } from './transparency.js';

const program = new Command('aula')
  .description('Operate an aula server (talks to its admin API)')
  .option('--url <url>', 'admin API base URL (default: AULA_URL or http://<admin.host>:<admin.port>, i.e. http://127.0.0.1:9465)')
  .option('--token <token>', 'admin token (default: AULA_ADMIN_TOKEN, config admin.token, or <data.dir>/admin-token)')
  .option('--config <file>', 'config file (default: AULA_CONFIG)')
  .showHelpAfterError()
  .exitOverride()
  .addHelpText(
    'after',
    `
Examples:
  npx aula room create --title "Physics 9b" --lobby     create a room, print its guest and moderator links
  npx aula room list                                    rooms with their settings and head counts
  npx aula room show <id>                               one room
  npx aula room links <id>                              new links; the old ones stop working
  npx aula room close <id>                              end a room for everyone and delete it
  npx aula keys generate --out alice                    an operator key pair for attendee reports
  npx aula keys ledger                                  a random ledger master key
  npx aula meeting list                                 meetings in the attendance ledger (no names)
  npx aula report request --meeting <id> --reason "…" --key alice.private.jwk
  npx aula report approve <requestId> --key bob.private.jwk
  npx aula report fetch <requestId> --key alice.private.jwk --out report.jwe
  npx aula report decrypt report.jwe --key alice.private.jwk --format csv
  npx aula report list                                  report requests and their state
  npx aula recording list                               recordings, their state and composition progress
  npx aula recording download <id> --out class.webm     the composed video (--transcript: the chat transcript)
  npx aula recording show <id> / delete <id>            one recording (pseudonyms only, never names)
  npx aula problems list                                problem reports users sent
  npx aula problems show <id> / delete <id>             one report (id or its 8-character reference)
  npx aula privacy record --format md                   the Art. 30 record from the running configuration
  npx aula config check /etc/aula.json                  validate a configuration
  npx aula node list                                    several nodes: each node, its state and load
  npx aula node drain <id>                              no new rooms on that node; it empties as classes end

Every verb takes --json; on failure it prints one line "aula: …" and exits 1.`,
  );

const client = () => AdminClient.fromOptions(program.opts<GlobalOptions>());

roomCommands(program, client);
nodeCommands(program, client);
keyCommands(program);
reportCommands(program, client);
recordingCommands(program, client);
transparencyCommands(program, client);
configCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const e = err as { code?: string; exitCode?: number; message: string };
  if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') process.exit(0);
  if (e.code?.startsWith('commander.')) process.exit(e.exitCode ?? 1); // commander printed its one-line error already
  console.error(`aula: ${err instanceof CliError ? e.message : `unexpected error: ${e.message}`}`);
  process.exit(1);
}
