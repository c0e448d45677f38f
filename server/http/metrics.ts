// Prometheus metrics at /metrics (prom-client). Labels carry kinds, sources,
// error codes and worker indexes only: never display names, room titles,
// room ids, addresses or tokens. Access: a bearer token if configured,
// and its own listener (by default on loopback only).
import http from 'node:http';
import client from 'prom-client';
import { bearerMatches } from '../access/admin-token.js';
import type { WorkerPool } from '../media/worker-pool.js';
import type { RoomRegistry } from '../rooms/registry.js';

export interface Metrics {
  registry: client.Registry;
  signallingError(code: string): void;
}

export function createMetrics(rooms: RoomRegistry, pool: WorkerPool): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'aula_process_' });
  const errors = new client.Counter({
    name: 'aula_signalling_errors_total',
    help: 'Signalling requests answered with an error, by error code',
    labelNames: ['code'],
    registers: [registry],
  });
  const gauge = (name: string, help: string, labelNames: string[], collect: (g: client.Gauge) => void | Promise<void>) =>
    new client.Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        await collect(this);
      },
    });

  gauge('aula_rooms', 'Rooms, and rooms with a meeting going on', ['state'], (g) => {
    const all = rooms.list();
    g.set({ state: 'all' }, all.length);
    g.set({ state: 'active' }, all.filter((r) => r.participants.size > 0).length);
  });
  gauge('aula_participants', 'Participants in rooms, and people waiting in lobbies', ['state'], (g) => {
    let inRooms = 0;
    let waiting = 0;
    for (const r of rooms.list()) {
      inRooms += r.participants.size;
      waiting += r.lobby.size;
    }
    g.set({ state: 'joined' }, inRooms);
    g.set({ state: 'waiting' }, waiting);
  });
  gauge('aula_producers', 'Media producers by kind and source', ['kind', 'source'], (g) => {
    for (const r of rooms.list())
      for (const p of r.participants.values()) for (const pr of p.media.producers.values()) g.inc({ kind: pr.kind, source: pr.appData.source });
  });
  gauge('aula_consumers', 'Media consumers by kind', ['kind'], (g) => {
    for (const r of rooms.list()) for (const p of r.participants.values()) for (const c of p.media.consumers.values()) g.inc({ kind: c.kind });
  });
  gauge('aula_bitrate_bps', 'Bitrate through all WebRTC transports, in and out', ['direction'], async (g) => {
    g.set({ direction: 'in' }, 0);
    g.set({ direction: 'out' }, 0);
    for (const r of rooms.list()) {
      for (const p of r.participants.values()) {
        for (const t of p.media.transports.values()) {
          const [s] = await t.getStats().catch(() => []);
          if (!s) continue;
          g.inc({ direction: 'in' }, s.recvBitrate);
          g.inc({ direction: 'out' }, s.sendBitrate);
        }
      }
    }
  });
  gauge('aula_worker_cpu_seconds', 'CPU time used by each mediasoup worker (user + system)', ['worker'], async (g) => {
    for (const [i, w] of pool.workers.entries()) {
      if (w.closed) continue;
      const u = await w.getResourceUsage().catch(() => undefined);
      if (u) g.set({ worker: String(i) }, (u.ru_utime + u.ru_stime) / 1000);
    }
  });
  gauge('aula_worker_max_rss_bytes', 'Peak resident memory of each mediasoup worker', ['worker'], async (g) => {
    for (const [i, w] of pool.workers.entries()) {
      if (w.closed) continue;
      const u = await w.getResourceUsage().catch(() => undefined);
      if (u) g.set({ worker: String(i) }, u.ru_maxrss * 1024);
    }
  });
  gauge('aula_workers', 'mediasoup workers alive', [], (g) => g.set(pool.workers.filter((w) => !w.closed).length));
  gauge('aula_worker_replacements', 'mediasoup workers that died and were replaced since start', [], (g) => g.set(pool.replacements));

  return { registry, signallingError: (code) => errors.inc({ code }) };
}

/**
 * The metrics listener: its own port (metrics.host:metrics.port), never the
 * main one, so a reverse proxy in front of aula cannot expose it by accident.
 */
export function startMetricsServer(metrics: Metrics, host: string, port: number, token: string | undefined): Promise<http.Server> {
  // The same error shape as the express apps (server/http/errors.ts), without express.
  const fail = (res: http.ServerResponse, status: number, code: string, message: string) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code, message } }));
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') return fail(res, 404, 'not_found', 'not found');
    if (token && !bearerMatches(req.headers.authorization, token)) return fail(res, 401, 'forbidden', 'metrics need the bearer token');
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      () => fail(res, 500, 'internal', 'the metrics could not be collected'),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
