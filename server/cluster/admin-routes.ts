// Admin API additions in cluster mode (under /api/admin, after the token check):
// the nodes, and draining one (no new rooms there; its classes run to their end).
import express from 'express';
import type { Cluster } from './cluster.js';

export function clusterAdminRouter(cluster: Cluster): express.Router {
  const router = express.Router();
  router.get('/nodes', async (_req, res) => {
    res.json({ self: cluster.nodeId, nodes: await cluster.listNodes() });
  });
  const drain = (on: boolean) =>
    (async (req, res) => {
      const nodes = await cluster.listNodes();
      if (!nodes.some((n) => n.id === req.params.id)) {
        return void res.status(404).json({ error: { code: 'not_found', message: 'no such node' } });
      }
      await cluster.nodes.setDrain(String(req.params.id), on);
      res.json({ node: req.params.id, draining: on });
    }) as express.RequestHandler;
  router.post('/nodes/:id/drain', drain(true));
  router.delete('/nodes/:id/drain', drain(false));
  return router;
}
