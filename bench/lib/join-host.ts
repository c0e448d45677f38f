// For bench/compare-join.ts: the aula server of another checkout (argv[2]),
// as its own tests start it (tests/helpers/server.ts: real mediasoup worker,
// port 0, temporary data dir), with one room. Prints the room's links as one
// JSON line and stays up until stdin closes.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const tree = path.resolve(process.argv[2] ?? '.');
const { startTestServer } = await import(pathToFileURL(path.join(tree, 'tests/helpers/server.ts')).href);
const server = await startTestServer();
const room = await server.rooms.create({ title: 'Join time', maxParticipants: 100 });
const links = await server.links(room);
process.stdout.write(`${JSON.stringify({ url: server.url, guest: links.guest, moderator: links.moderator })}\n`);
process.stdin.resume();
process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
