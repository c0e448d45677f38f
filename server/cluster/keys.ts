// Every Redis key and channel aula uses (docs/PRIVACY.md lists them with their
// TTLs). Ids and counts only: no display name, chat, address or token.
export const keys = {
  /** Set of room ids (persisted with AOF). */
  rooms: 'aula:rooms',
  /** Counter, +1 on every change of a room definition. */
  rev: 'aula:rev',
  /** Hash: `def` = JSON of the stored room (id, settings, link generation, createdAt), `rev`. */
  def: (room: string) => `aula:r:{${room}}:def`,
  /** `"<node> <boot> <epoch>"`: which node hosts the room now. Deleted only by its owner. */
  home: (room: string) => `aula:r:{${room}}:home`,
  /** Counter: one more on every change of home (fencing). */
  epoch: (room: string) => `aula:r:{${room}}:epoch`,
  /** Hash of counts (participants, waiting, locked, node); short TTL, refreshed by the home. */
  live: (room: string) => `aula:r:{${room}}:live`,
  /** The open meeting id of the room; TTL, refreshed while the meeting runs. */
  meeting: (room: string) => `aula:r:{${room}}:meeting`,
  /** The node's current boot id; expires when the node stops renewing it. */
  alive: (node: string) => `aula:n:{${node}}:alive`,
  /** Placements made to the node recently (burst safety); expires. */
  reserved: (node: string) => `aula:n:{${node}}:reserved`,
  /** Hash nodeId → JSON node info (addresses, state, load; no person). */
  nodes: 'aula:nodes',
  /** Hash of one meeting: room, start, nodes holding a ledger segment. */
  meetingIndex: (meeting: string) => `aula:m:{${meeting}}`,
  /** Channel: a room definition changed (`{roomId}`); a hint, the keys are the truth. */
  defsChannel: 'aula:ev:defs',
} as const;

/**
 * Place a room: if its home is still the value the caller read, pick the
 * least-loaded candidate (base load + recent placements), record the
 * placement against that node and make it the home with the next epoch.
 * Atomic in Redis, so ten rooms placed at once spread over the nodes.
 * KEYS: home, epoch, reserved(c1..cn)  ARGV: expected, reservedTtlMs, then per
 * candidate: node, boot, baseLoad. Returns the home value now in force.
 */
export const CLAIM = `
local cur = redis.call('GET', KEYS[1]) or ''
if cur ~= ARGV[1] then return cur end
local best, bestScore = nil, nil
local n = (#ARGV - 2) / 3
for i = 1, n do
  local r = tonumber(redis.call('GET', KEYS[2 + i]) or '0')
  local score = tonumber(ARGV[2 + (i - 1) * 3 + 3]) + r
  if bestScore == nil or score < bestScore then best, bestScore = i, score end
end
if best == nil then return '' end
redis.call('INCR', KEYS[2 + best])
redis.call('PEXPIRE', KEYS[2 + best], ARGV[2])
local epoch = redis.call('INCR', KEYS[2])
local v = ARGV[2 + (best - 1) * 3 + 1] .. ' ' .. ARGV[2 + (best - 1) * 3 + 2] .. ' ' .. epoch
redis.call('SET', KEYS[1], v)
return v`;

/** Delete KEYS[1] only if it still holds ARGV[1] (only the owner releases). */
export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Delete KEYS[2] (the meeting) only while KEYS[1] (home) holds ARGV[1] and KEYS[2] holds ARGV[2]. */
export const END_MEETING = `
if redis.call('GET', KEYS[1]) == ARGV[1] and redis.call('GET', KEYS[2]) == ARGV[2] then return redis.call('DEL', KEYS[2]) end
return 0`;
