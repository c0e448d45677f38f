// `npx aula <verb>`: every verb accepts --json and, on failure, exits non-zero
// with one line on stderr.
import { Command, InvalidArgumentError } from 'commander';
import { AdminClient, CliError, type GlobalOptions } from './admin-client.js';

const program = new Command('aula')
  .description('Operate an aula server (talks to its admin API)')
  .option('--url <url>', 'server base URL (default: AULA_URL or http://127.0.0.1:<http.port>)')
  .option('--token <token>', 'admin token (default: AULA_ADMIN_TOKEN, config admin.token, or <data.dir>/admin-token)')
  .option('--config <file>', 'config file (default: AULA_CONFIG)')
  .showHelpAfterError()
  .exitOverride();

const positiveInt = (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return Number(v);
};

const client = () => AdminClient.fromOptions(program.opts<GlobalOptions>());

type Room = { id: string; title: string; participants: number; waiting: number; settings: Record<string, unknown> };
type Links = { guest: string; moderator: string; expiresAt: string };

function print(json: boolean, data: unknown, text: () => string): void {
  console.log(json ? JSON.stringify(data, null, 2) : text());
}

const describeRoom = (r: Room) =>
  `${r.id}  ${r.title}  (${r.participants} in the room, ${r.waiting} waiting; ${Object.entries(r.settings)
    .filter(([k]) => k !== 'title')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')})`;
const describeLinks = (l: Links) => `guest link:     ${l.guest}\nmoderator link: ${l.moderator}\nvalid until:    ${l.expiresAt}`;

const room = program.command('room').description('create, list, show, close rooms and (re-)issue their links');

room
  .command('create')
  .description('create a room and print its guest and moderator links')
  .requiredOption('--title <title>', 'room title shown on the join page')
  .option('--lobby', 'guests wait until a moderator admits them', false)
  .option('--max <n>', 'maximum participants', positiveInt)
  .option('--recording', 'allow moderators to record', false)
  .option('--no-guests', 'refuse guest links (moderator links and organisation tokens still work)')
  .option('--valid-days <n>', 'how long the links stay valid', positiveInt)
  .option('--json', 'machine-readable output', false)
  .action(async (o) => {
    const body = {
      title: o.title,
      lobby: o.lobby,
      recording: o.recording,
      guestAccess: o.guests,
      ...(o.max ? { maxParticipants: o.max } : {}),
      ...(o.validDays ? { validityDays: o.validDays } : {}),
    };
    const r = await client().call('POST', '/rooms', body);
    print(o.json, r, () => `${describeRoom(r.room)}\n${describeLinks(r.links)}`);
  });

room
  .command('list')
  .description('list rooms')
  .option('--json', 'machine-readable output', false)
  .action(async (o) => {
    const r = await client().call('GET', '/rooms');
    print(o.json, r, () => (r.rooms.length ? r.rooms.map(describeRoom).join('\n') : 'no rooms'));
  });

room
  .command('show <id>')
  .description('show one room')
  .option('--json', 'machine-readable output', false)
  .action(async (id: string, o) => {
    const r = await client().call('GET', `/rooms/${encodeURIComponent(id)}`);
    print(o.json, r, () => describeRoom(r.room));
  });

room
  .command('close <id>')
  .description('end a room for everyone and delete it')
  .option('--json', 'machine-readable output', false)
  .action(async (id: string, o) => {
    await client().call('DELETE', `/rooms/${encodeURIComponent(id)}`);
    print(o.json, { closed: id }, () => `closed ${id}`);
  });

room
  .command('links <id>')
  .description('issue new links; by default every older link of the room stops working')
  .option('--keep', 'keep older links working (no revocation)', false)
  .option('--valid-days <n>', 'how long the links stay valid', positiveInt)
  .option('--json', 'machine-readable output', false)
  .action(async (id: string, o) => {
    const body = { rotate: !o.keep, ...(o.validDays ? { validityDays: o.validDays } : {}) };
    const r = await client().call('POST', `/rooms/${encodeURIComponent(id)}/links`, body);
    print(o.json, r, () => describeLinks(r.links));
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const e = err as { code?: string; exitCode?: number; message: string };
  if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') process.exit(0);
  if (e.code?.startsWith('commander.')) process.exit(e.exitCode ?? 1); // commander printed its one-line error already
  console.error(`aula: ${err instanceof CliError ? e.message : `unexpected error: ${e.message}`}`);
  process.exit(1);
}
