// `npx aula recording …`: recordings through the admin API.
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { CliError, type AdminClient } from './admin-client.js';
import { print } from './output.js';

type Recording = {
  id: string;
  roomId: string;
  state: string;
  progress: number;
  startedAt: string;
  durationSeconds?: number;
  participants: number;
  chatMessages: number;
  tracks: number | unknown[];
  videoBytes?: number;
  interrupted?: boolean;
  composeCpuSeconds?: number;
  expiresAt: string;
};

const describe = (r: Recording) =>
  `${r.id}  ${r.state}${r.state === 'processing' ? ` ${Math.round(r.progress * 100)}%` : ''}${r.interrupted ? ' (interrupted)' : ''}  ` +
  `started ${r.startedAt}, ${r.durationSeconds ?? '?'} s, ${r.participants} participants, ${r.chatMessages} chat messages, ` +
  `room ${r.roomId}${r.videoBytes ? `, ${r.videoBytes} bytes` : ''}${r.composeCpuSeconds !== undefined ? `, composed in ${r.composeCpuSeconds} CPU s` : ''}; deleted after ${r.expiresAt}`;

export function recordingCommands(program: Command, client: () => AdminClient): void {
  const rec = program.command('recording').description('list, show, download and delete recordings');

  rec
    .command('list')
    .description('recordings with their state and composition progress')
    .option('--json', 'machine-readable output', false)
    .action(async (o) => {
      const r = await client().call('GET', '/recordings');
      print(o.json, r, () => (r.recordings.length ? r.recordings.map(describe).join('\n') : 'no recordings'));
    });

  rec
    .command('show <id>')
    .description('one recording')
    .option('--json', 'machine-readable output', false)
    .action(async (id: string, o) => {
      const r = await client().call('GET', `/recordings/${encodeURIComponent(id)}`);
      print(o.json, r, () => describe(r.recording));
    });

  rec
    .command('download <id>')
    .description('save the composed video (or, with --transcript, the chat transcript)')
    .requiredOption('--out <file>', 'where to save it')
    .option('--transcript', 'the chat transcript instead of the video', false)
    .option('--json', 'machine-readable output', false)
    .action(async (id: string, o) => {
      const res = await client().download(`/recordings/${encodeURIComponent(id)}/${o.transcript ? 'transcript' : 'video'}`);
      if (!res.body) throw new CliError('the server sent no file');
      await pipeline(Readable.fromWeb(res.body), fs.createWriteStream(o.out, { mode: 0o600 }));
      const bytes = fs.statSync(o.out).size;
      print(o.json, { saved: o.out, bytes }, () => `saved ${bytes} bytes to ${o.out}`);
    });

  rec
    .command('delete <id>')
    .description('delete a recording now (a running one is stopped first)')
    .option('--json', 'machine-readable output', false)
    .action(async (id: string, o) => {
      await client().call('DELETE', `/recordings/${encodeURIComponent(id)}`);
      print(o.json, { deleted: id }, () => `deleted ${id}`);
    });
}
