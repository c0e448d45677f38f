// Several aula nodes on 127.0.0.1 coordinated by a real redis-server that the
// test starts itself (a free loopback port, its files only in a temp dir).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ConfigInput } from '../../server/config/config.js';
import { waitFor } from './server.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

export class TestRedis {
  child?: ChildProcess;
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aula-redis-'));
  private constructor(readonly port: number) {}

  static async start(): Promise<TestRedis> {
    const r = new TestRedis(await freePort());
    await r.restart();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Start (again), with the append-only file in the temp dir: definitions survive a kill -9. */
  async restart(): Promise<void> {
    this.child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--dir',
        this.dir,
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    await waitFor(() => this.ping(), 15_000, 'redis-server up');
  }

  private ping(): Promise<boolean> {
    return new Promise((resolve) => {
      const s = net.connect(this.port, '127.0.0.1', () => s.write('PING\r\n'));
      s.once('data', (d) => {
        resolve(d.toString().startsWith('+PONG'));
        s.destroy();
      });
      s.once('error', () => resolve(false));
    });
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  }

  /** `redis-cli monitor` into a file: every command every node sends. */
  monitor(file: string): ChildProcess {
    const out = fs.openSync(file, 'a');
    return spawn('redis-cli', ['-p', String(this.port), 'monitor'], { stdio: ['ignore', out, 'ignore'] });
  }
}

/** What every node of one cluster shares (from a secret store in production). */
export function sharedSecrets() {
  return {
    adminToken: randomBytes(24).toString('base64url'),
    masterKey: randomBytes(32).toString('base64url'),
    secret: randomBytes(24).toString('base64url'),
  };
}

export interface NodeSpec {
  id: string;
  port: number;
  /** The admin API's own listener. */
  adminPort: number;
  internalPort: number;
  dataDir: string;
}

export async function nodeSpec(id: string, serverKeyFrom?: string): Promise<NodeSpec> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `aula-node-${id}-`));
  if (serverKeyFrom) fs.copyFileSync(path.join(serverKeyFrom, 'server-key.json'), path.join(dataDir, 'server-key.json'));
  return { id, port: await freePort(), adminPort: await freePort(), internalPort: await freePort(), dataDir };
}

export function nodeConfig(spec: NodeSpec, redisUrl: string, s: ReturnType<typeof sharedSecrets>, extra: ConfigInput = {}): ConfigInput {
  return {
    ...extra,
    http: { port: spec.port, ...extra.http },
    admin: { token: s.adminToken, port: spec.adminPort },
    ledger: { masterKey: s.masterKey },
    cluster: {
      redisUrl,
      nodeId: spec.id,
      internalUrl: `http://127.0.0.1:${spec.internalPort}`,
      publicUrl: `http://127.0.0.1:${spec.port}`,
      secret: s.secret,
      heartbeatMs: 300,
      nodeTtlMs: 3000,
      roomIdleSeconds: 60,
      redisTimeoutMs: 1000,
      ...extra.cluster,
    },
  };
}

/** A node as its own process (`node --import tsx server/main.ts`), so that it can be killed with SIGKILL. */
export async function spawnNode(spec: NodeSpec, config: ConfigInput): Promise<ChildProcess> {
  const file = path.join(spec.dataDir, '..', `aula-${spec.id}-${randomBytes(4).toString('hex')}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({
      ...config,
      media: { workers: 1, ...config.media },
      rooms: { demoRoom: false },
      data: { dir: spec.dataDir },
      metrics: { enabled: false },
      log: { level: 'info' },
    }),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, AULA_CONFIG: file },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  await waitFor(() => out.includes('cluster internal listener open') || child.exitCode !== null, 60_000, `node ${spec.id} up`);
  if (child.exitCode !== null) throw new Error(`node ${spec.id} exited: ${out.slice(-2000)}`);
  return child;
}

export async function admin(base: string, token: string, method: string, p: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}/api/admin${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}
