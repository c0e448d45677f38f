// How `npx aula` reaches the running server: its admin API, with the admin
// token from --token, AULA_ADMIN_TOKEN, the config file or <data.dir>/admin-token.
import fs from 'node:fs';
import path from 'node:path';
import { adminTokenFile } from '../access/admin-token.js';
import { type Config, loadConfig } from '../config/config.js';
import { loopbackFor } from '../config/loopback.js';

export class CliError extends Error {}

export interface GlobalOptions {
  url?: string;
  token?: string;
  config?: string;
}

export class AdminClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  static fromOptions(opts: GlobalOptions): AdminClient {
    let config: Config;
    try {
      config = loadConfig({ file: opts.config });
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    // The admin API's own listener (admin.host:admin.port), not the main port.
    const url = (opts.url || process.env.AULA_URL || `http://${loopbackFor(config.admin.host)}:${config.admin.port}`).replace(/\/$/, '');
    const token = opts.token ?? config.admin.token ?? readTokenFile(config.data.dir);
    if (!token) {
      throw new CliError(`no admin token: pass --token, set AULA_ADMIN_TOKEN, or run where ${adminTokenFile(config.data.dir)} exists`);
    }
    return new AdminClient(url, token);
  }

  async call(method: string, route: string, body?: unknown): Promise<any> {
    const res = await this.send(method, route, body);
    if (res.status === 204) return {};
    return res.json().catch(() => ({}));
  }

  /** A GET whose answer is text (e.g. Markdown). */
  async text(route: string): Promise<string> {
    return (await this.send('GET', route)).text();
  }

  /** A GET whose answer is a file (e.g. a recording), as the response to stream from. */
  async download(route: string): Promise<Response> {
    return this.send('GET', route, undefined, 600_000);
  }

  private async send(method: string, route: string, body?: unknown, timeoutMs = 15_000): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/api/admin${route}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch {
      throw new CliError(`cannot reach the aula server at ${this.baseUrl} (is it running? see --url)`);
    }
    if (!res.ok) {
      const json = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
      throw new CliError(json.error?.message ?? `the server answered ${res.status}`);
    }
    return res;
  }
}

function readTokenFile(dataDir: string): string | undefined {
  try {
    return fs.readFileSync(adminTokenFile(path.resolve(dataDir)), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
