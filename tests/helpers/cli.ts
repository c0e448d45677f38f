// Runs `npx aula …` (bin/aula.mjs) against a test server, as an operator would.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RunningServer } from '../../server/server.js';

const run = promisify(execFile);
export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The command with the server's URL and admin token; never throws, reports the exit code. */
export async function aulaCli(server: RunningServer | null, ...args: string[]): Promise<CliResult> {
  const target = server ? ['--url', server.adminUrl, '--token', server.adminToken] : [];
  try {
    const r = await run(process.execPath, ['bin/aula.mjs', ...args, ...target], { cwd: ROOT });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
