// `npx aula node …`: the nodes of a cluster (cluster.redisUrl), through any node's admin API.
import type { Command } from 'commander';
import { type AdminClient, CliError } from './admin-client.js';
import { print } from './output.js';

type Node = { id: string; alive: boolean; state: string; rooms: number; participants: number; internalUrl: string; publicUrl?: string; updatedAt: string };

const describeNode = (n: Node, self: string) =>
  `${n.id}${n.id === self ? ' (answering)' : ''}  ${n.alive ? n.state : 'gone'}  ${n.rooms} rooms, ${n.participants} participants  ` +
  `${n.publicUrl ?? ''}  internal ${n.internalUrl}  last beat ${n.updatedAt}`;

// A single node has no /nodes route: say why rather than "404".
async function call(client: AdminClient, method: string, route: string) {
  try {
    return await client.call(method, route);
  } catch (err) {
    if (err instanceof CliError && /^not found$|answered 404/.test(err.message))
      throw new CliError('this server runs as a single node (cluster.redisUrl is not set)');
    throw err;
  }
}

export function nodeCommands(program: Command, client: () => AdminClient): void {
  const node = program.command('node').description('several nodes: list them, drain one');
  node
    .command('list')
    .description('every node: alive or gone, serving or draining, its rooms and participants')
    .option('--json', 'machine-readable output', false)
    .action(async (o) => {
      const r = await call(client(), 'GET', '/nodes');
      print(o.json, r, () => (r.nodes.length ? r.nodes.map((n: Node) => describeNode(n, r.self)).join('\n') : 'no nodes registered'));
    });
  const verbs = [
    [
      'drain',
      'POST',
      'place no new rooms on the node; its classes go on until they end (undo: node undrain)',
      'is draining: no new rooms; it empties as its classes end',
    ],
    ['undrain', 'DELETE', 'let the node take new rooms again', 'takes new rooms again'],
  ] as const;
  for (const [verb, method, description, done] of verbs) {
    node
      .command(`${verb} <id>`)
      .description(description)
      .option('--json', 'machine-readable output', false)
      .action(async (id: string, o) => {
        const r = await call(client(), method, `/nodes/${encodeURIComponent(id)}/drain`);
        print(o.json, r, () => `node ${id} ${done}`);
      });
  }
}
