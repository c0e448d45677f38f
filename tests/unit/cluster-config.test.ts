// Several nodes: what cluster mode needs before it starts, and what the
// start-up banner shows of it (no secret, no Redis password).
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config/config.js';
import { configLines } from '../../server/config/summary.js';
import { RejoinTickets } from '../../server/cluster/rejoin.js';

const cluster = {
  redisUrl: 'redis://:s3cret-redis-pass@10.0.0.5:6379',
  nodeId: 'n1',
  internalUrl: 'http://10.0.0.11:3001',
  secret: 'x'.repeat(32),
};
const shared = { admin: { token: 't'.repeat(32) }, ledger: { masterKey: Buffer.alloc(32, 1).toString('base64url') } };

describe('cluster configuration', () => {
  it('is off without redisUrl, and single-node defaults are unchanged', () => {
    const c = loadConfig({ env: {} });
    expect(c.cluster.redisUrl).toBeUndefined();
  });

  it('needs nodeId, internalUrl and secret, and the shared admin token and master key', () => {
    expect(() => loadConfig({ env: {}, overrides: { cluster: { redisUrl: cluster.redisUrl } } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: {}, overrides: { cluster } })).toThrow(/admin.token and ledger.masterKey/);
    expect(loadConfig({ env: {}, overrides: { ...shared, cluster } }).cluster.nodeId).toBe('n1');
    expect(() => loadConfig({ env: {}, overrides: { ...shared, cluster: { ...cluster, secret: 'short' } } })).toThrow(/at least 32/);
    expect(() => loadConfig({ env: {}, overrides: { ...shared, cluster: { ...cluster, heartbeatMs: 5000, nodeTtlMs: 6000 } } })).toThrow(/two heartbeats/);
  });

  it('takes the cluster keys from the environment', () => {
    const c = loadConfig({
      env: {
        AULA_CLUSTER_REDIS_URL: cluster.redisUrl,
        AULA_CLUSTER_NODE_ID: 'n2',
        AULA_CLUSTER_INTERNAL_URL: cluster.internalUrl,
        AULA_CLUSTER_SECRET: cluster.secret,
      },
      overrides: shared,
    });
    expect(c.cluster).toMatchObject({ redisUrl: cluster.redisUrl, nodeId: 'n2' });
  });

  it('masks the cluster secret and the password in the Redis URL in the start-up banner', () => {
    const text = configLines(loadConfig({ env: {}, overrides: { ...shared, cluster } })).join('\n');
    expect(text).not.toContain('s3cret-redis-pass');
    expect(text).not.toContain(cluster.secret);
    expect(text).toContain('cluster.redisUrl = redis://:***@10.0.0.5:6379');
  });
});

describe('rejoin tickets', () => {
  it('let the same identity back into the same meeting only, and carry no name', () => {
    let meeting: string | undefined = 'm-1';
    const tickets = new RejoinTickets('k'.repeat(32), () => meeting);
    const t = tickets.issue('room1', 'identity-hash');
    expect(tickets.valid(t, 'room1', 'identity-hash')).toBe(true);
    expect(tickets.valid(t, 'room2', 'identity-hash')).toBe(false);
    expect(tickets.valid(t, 'room1', 'someone-else')).toBe(false);
    expect(tickets.valid(`${t.split('.')[0]}.forged`, 'room1', 'identity-hash')).toBe(false);
    expect(new RejoinTickets('o'.repeat(32), () => meeting).valid(t, 'room1', 'identity-hash')).toBe(false);
    meeting = 'm-2'; // the next lesson: last lesson's ticket is worthless
    expect(tickets.valid(t, 'room1', 'identity-hash')).toBe(false);
    expect(Buffer.from(t.split('.')[0]!, 'base64url').toString()).toMatch(/^\{"r":"room1","i":"identity-hash","m":"m-1","exp":\d+\}$/);
  });
});
