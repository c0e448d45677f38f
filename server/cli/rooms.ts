// `npx aula room …`: rooms and their links, through the admin API.
import type { Command } from 'commander';
import type { AdminClient } from './admin-client.js';
import { positiveInt, print } from './output.js';

type Room = { id: string; title: string; participants: number; waiting: number; settings: Record<string, unknown> };
type Links = { guest: string; moderator: string; expiresAt: string };

const describeRoom = (r: Room) =>
  `${r.id}  ${r.title}  (${r.participants} in the room, ${r.waiting} waiting; ${Object.entries(r.settings)
    .filter(([k]) => k !== 'title')
    .map(([k, v]) => `${k}=${[v].flat().join(',')}`)
    .join(' ')})`;
const describeLinks = (l: Links) => `guest link:     ${l.guest}\nmoderator link: ${l.moderator}\nvalid until:    ${l.expiresAt}`;

export function roomCommands(program: Command, client: () => AdminClient): void {
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
    .option('--issuer <iss...>', 'bind the room to these organisation issuers: only their tokens work there')
    .option('--moderator-devices-on', "a moderator's join page starts with camera and microphone on (guests' never)", false)
    .option('--json', 'machine-readable output', false)
    .action(async (o) => {
      const body = {
        ...(o.issuer ? { issuers: o.issuer } : {}),
        title: o.title,
        lobby: o.lobby,
        recording: o.recording,
        guestAccess: o.guests,
        moderatorDevicesOn: o.moderatorDevicesOn,
        ...(o.max ? { maxParticipants: o.max } : {}),
        ...(o.validDays ? { validityDays: o.validDays } : {}),
      };
      const r = await client().call('POST', '/rooms', body);
      print(o.json, r, () => `${describeRoom(r.room)}\n${describeLinks(r.links)}`);
    });

  room
    .command('update <id>')
    .description("change a room's settings (only those given; its links stay valid)")
    .option('--title <title>', 'room title shown on the join page')
    .option('--lobby', 'guests wait until a moderator admits them')
    .option('--no-lobby', 'guests come straight in')
    .option('--max <n>', 'maximum participants', positiveInt)
    .option('--recording', 'allow moderators to record')
    .option('--no-recording', 'do not allow recording')
    .option('--guests', 'guest links work')
    .option('--no-guests', 'refuse guest links')
    .option('--moderator-devices-on', "a moderator's join page starts with camera and microphone on")
    .option('--no-moderator-devices-on', 'everyone starts with camera and microphone off (the default)')
    .option('--json', 'machine-readable output', false)
    .action(async (id: string, o) => {
      // With --x defined before --no-x, commander leaves an option not given undefined: only what was given is sent.
      const fields = {
        title: o.title,
        lobby: o.lobby,
        maxParticipants: o.max,
        recording: o.recording,
        guestAccess: o.guests,
        moderatorDevicesOn: o.moderatorDevicesOn,
      };
      const body = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
      const r = await client().call('PATCH', `/rooms/${encodeURIComponent(id)}`, body);
      print(o.json, r, () => describeRoom(r.room));
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
}
