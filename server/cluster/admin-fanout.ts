// The admin API on any node sees the whole cluster: meetings, report requests
// and recordings live on the disks of the nodes that hosted them, so a list is
// gathered from every live node, and an action is carried out by the node that
// holds the thing (forwarded over the internal listener). A report request is
// handled by a node holding a segment of the meeting; its approval and
// delivery by the node whose audit log holds the request — one audit chain per
// request. Mounted first among the admin routes, in cluster mode only.
import express, { type Request, type Response } from 'express';
import { decodeJwt } from 'jose';
import { type Cluster, LOCAL_HEADER } from './cluster.js';

type Json = Record<string, unknown>;

/** What this node holds itself (answered by its own routes, not forwarded). */
export interface Holds {
  recording(id: string): boolean;
  problem(id: string): boolean;
  request(id: string): boolean;
  segment(meetingId: string): boolean;
}

export function clusterFanoutRouter(cluster: Cluster, has: Holds): express.Router {
  const router = express.Router();
  // Forwarded from another node: this node answers for itself alone.
  router.use((req, _res, next) => next(req.get(LOCAL_HEADER) ? 'router' : undefined));

  /** GET `path` on every live node (this one included), with the node's id. */
  const gather = async (path: string): Promise<Array<{ node: string; body: Json }>> => {
    const nodes = (await cluster.listNodes()).filter((n) => n.alive);
    const answers = await Promise.all(
      nodes.map(async (n) => {
        const res = await cluster.ask(n.id, 'GET', `/internal/admin${path}`).catch(() => undefined);
        return res?.ok ? { node: n.id, body: (await res.json()) as Json } : undefined;
      }),
    );
    return answers.filter((a): a is { node: string; body: Json } => Boolean(a));
  };

  /** Carry the request out on `node` and pass its answer on (status, type and body, streamed). */
  const forward = async (node: string, req: Request, res: Response) => {
    const path = `/internal/admin${req.url}`;
    const upstream = await cluster.ask(node, req.method as 'GET' | 'POST' | 'DELETE', path, req.method === 'POST' ? req.body : undefined);
    res.status(upstream.status);
    for (const h of ['content-type', 'content-disposition']) {
      const v = upstream.headers.get(h);
      if (v) res.setHeader(h, v);
    }
    if (!upstream.body) return void res.end();
    const reader = (upstream.body as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      res.write(value);
    }
    res.end();
  };

  const locate = async (list: string, key: string, id: string): Promise<string | undefined> =>
    // A problem report may be named by its 8-character reference (the start of its id).
    (await gather(list)).find((a) => ((a.body[key] as Json[] | undefined) ?? []).some((x) => String(x.id).startsWith(id)))?.node;

  router.get('/meetings', async (_req, res) => {
    const merged = new Map<string, Json & { nodes: string[] }>();
    for (const { node, body } of await gather('/meetings')) {
      for (const m of (body.meetings as Json[]) ?? []) {
        const id = String(m.id);
        const known = merged.get(id);
        if (!known) {
          merged.set(id, { ...m, nodes: [node] });
          continue;
        }
        known.nodes.push(node);
        if (String(m.startedAt) < String(known.startedAt)) known.startedAt = m.startedAt;
        // Ended when its latest segment ended.
        if (String(m.startedAt) >= String(known.startedAt)) Object.assign(known, { endedAt: m.endedAt, expiresAt: m.expiresAt });
      }
    }
    res.json({ meetings: [...merged.values()].sort((a, b) => String(a.startedAt).localeCompare(String(b.startedAt))) });
  });

  router.get('/reports', async (_req, res) => {
    res.json({ requests: (await gather('/reports')).flatMap(({ node, body }) => ((body.requests as Json[]) ?? []).map((r) => ({ ...r, node }))) });
  });

  router.post('/reports', async (req, res, next) => {
    let meeting: string;
    try {
      const assertion = (req.body as { assertion?: unknown } | undefined)?.assertion;
      const claim = decodeJwt(typeof assertion === 'string' ? assertion : '').meeting;
      meeting = typeof claim === 'string' ? claim : '';
    } catch {
      return next(); // the local handler explains what is wrong with it
    }
    if (!meeting || has.segment(meeting)) return next();
    const holders = await cluster.segmentHolders(meeting).catch(() => [] as string[]);
    const alive = new Set((await cluster.listNodes()).filter((n) => n.alive).map((n) => n.id));
    // The earliest segment's node if it is up, else any live holder.
    const target = holders.find((n) => alive.has(n)) ?? holders[0];
    if (!target) return next();
    await forward(target, req, res);
  });

  router.post('/reports/:id/:step', async (req, res, next) => {
    if (has.request(String(req.params.id))) return next();
    const node = await locate('/reports', 'requests', String(req.params.id));
    if (!node) return next();
    await forward(node, req, res);
  });

  // Recordings and problem reports: listed from every node, shown and deleted by the node that keeps them.
  for (const kind of ['recordings', 'problems'] as const) {
    router.get(`/${kind}`, async (_req, res) => {
      res.json({ [kind]: (await gather(`/${kind}`)).flatMap(({ node, body }) => ((body[kind] as Json[]) ?? []).map((r) => ({ ...r, node }))) });
    });
    const held = (id: string) => (kind === 'recordings' ? has.recording(id) : has.problem(id));
    const one = (async (req, res, next) => {
      if (held(String(req.params.id))) return next();
      const node = await locate(`/${kind}`, kind, String(req.params.id));
      if (!node) return next();
      await forward(node, req, res);
    }) as express.RequestHandler;
    router.get(`/${kind}/:id`, one);
    if (kind === 'recordings') router.get(`/${kind}/:id/:file`, one);
    router.delete(`/${kind}/:id`, one);
  }
  return router;
}
