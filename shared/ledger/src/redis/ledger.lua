#!lua name=cspm_ledger_v1
--[[
The CSPM quota ledger as Redis Functions.

Why Functions and not EVALSHA: functions are part of the dataset, so they survive
SCRIPT FLUSH, restarts with persistence and failover; the client still reloads
the library when a call answers "Function not found" (a flushed or fresh server).

Why one call per operation: each function runs atomically, so
`used + reserved <= limit` can be checked and changed in one step, whatever
number of workers call at once.

Keys (all of one tenant share the hash tag {site:account}, so the library also
runs on Redis Cluster):
  KEYS[1] grant    hash: kind (closed|units|unlimited), limit, period, expires_ms, used, reserved
  KEYS[2] res      hash: job -> units reserved
  KEYS[3] lease    zset: job -> lease end (ms); a lease at or before now is expired
  KEYS[4] done     hash: job -> units committed (makes commit idempotent)
  KEYS[5] done_at  zset: job -> commit time (ms), to forget old commits
  KEYS[6] account  hash: v (version), json  (only cspm_account_save)
  KEYS[7] outbox   list of account events not yet published (only cspm_account_save)

ARGV[1] is "now" in ms, or "" to use the server's clock (production). Tests
pass their own clock to make lease expiry deterministic.

Every reply is a flat array of strings; the first element names the outcome.
]]

-- Commits are remembered this long; a job cannot be redelivered later than this.
local DONE_RETENTION_MS = 7 * 24 * 3600 * 1000
local PRUNE_BATCH = 64

local function s(n) return string.format('%d', n) end

local function now_ms(arg)
  if arg ~= nil and arg ~= '' then return tonumber(arg) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function num(v) return tonumber(v or '0') or 0 end

-- Returns expired leases' units to the pool and forgets old commits.
local function sweep(keys, now)
  local expired = redis.call('ZRANGEBYSCORE', keys[3], '-inf', now)
  if #expired > 0 then
    local returned = 0
    for _, job in ipairs(expired) do
      returned = returned + num(redis.call('HGET', keys[2], job))
      redis.call('HDEL', keys[2], job)
    end
    redis.call('ZREMRANGEBYSCORE', keys[3], '-inf', now)
    redis.call('HINCRBY', keys[1], 'reserved', -returned)
  end
  local old = redis.call('ZRANGEBYSCORE', keys[5], '-inf', now - DONE_RETENTION_MS, 'LIMIT', 0, PRUNE_BATCH)
  for _, job in ipairs(old) do
    redis.call('HDEL', keys[4], job)
    redis.call('ZREM', keys[5], job)
  end
end

local function state(keys)
  local g = redis.call('HMGET', keys[1], 'kind', 'limit', 'period', 'expires_ms', 'used', 'reserved')
  return {
    kind = g[1] or 'closed', limit = num(g[2]), period = num(g[3]),
    expires = num(g[4]), used = num(g[5]), reserved = num(g[6]),
  }
end

-- Units that may still be reserved, or -1 for no limit.
local function remaining(st, now)
  if st.kind == 'closed' then return 0 end
  if st.expires > 0 and now >= st.expires then return 0 end
  if st.kind == 'unlimited' then return -1 end
  local r = st.limit - st.used - st.reserved
  if r < 0 then return 0 end
  return r
end

local function snapshot_reply(keys, st, now)
  return { 'snapshot', st.kind, s(st.limit), s(st.period), s(st.expires), s(st.used), s(st.reserved),
           s(remaining(st, now)), s(redis.call('HLEN', keys[2])) }
end

-- Sets the grant. A new period starts at zero used and drops the old
-- period's reservations; in the same period a limit below what is used or
-- reserved is refused, so the invariant can never be broken by a grant.
local function apply_grant(keys, now, kind, limit, period, expires)
  sweep(keys, now)
  local st = state(keys)
  if period < st.period then
    return { 'err', 'stale_grant', s(st.period), s(period) }
  end
  if period > st.period then
    redis.call('DEL', keys[2], keys[3])
    redis.call('HSET', keys[1], 'used', 0, 'reserved', 0)
    st.used = 0
    st.reserved = 0
  end
  if kind == 'units' and limit < st.used + st.reserved then
    return { 'err', 'grant_below_usage', s(st.used + st.reserved), s(limit) }
  end
  if kind == 'closed' then
    -- Closing keeps the last limit: reservations already held may still
    -- commit and stay within it; nothing new can be reserved.
    if period > st.period or st.kind == 'unlimited' then limit = st.used + st.reserved else limit = st.limit end
  end
  redis.call('HSET', keys[1], 'kind', kind, 'limit', limit, 'period', period, 'expires_ms', expires)
  st.kind, st.limit, st.period, st.expires = kind, limit, period, expires
  return snapshot_reply(keys, st, now)
end

local function grant(keys, args)
  local now = now_ms(args[1])
  return apply_grant(keys, now, args[2], num(args[3]), num(args[4]), num(args[5]))
end

-- ARGV: now, job, units, mode (all|up_to), lease_ms
local function reserve(keys, args)
  local now = now_ms(args[1])
  local job, units, mode, lease_ms = args[2], num(args[3]), args[4], num(args[5])
  sweep(keys, now)
  local done = redis.call('HGET', keys[4], job)
  if done then return { 'already_committed', done } end
  local held = redis.call('HGET', keys[2], job)
  if held then
    -- A repeated reserve holds once; it renews the lease of the live holder.
    local until_ms = math.max(num(redis.call('ZSCORE', keys[3], job)), now + lease_ms)
    redis.call('ZADD', keys[3], until_ms, job)
    return { 'reserved', held, '1', s(until_ms) }
  end
  local st = state(keys)
  if st.kind == 'closed' then return { 'refused', 'closed', s(units), '0' } end
  if st.expires > 0 and now >= st.expires then return { 'refused', 'expired', s(units), '0' } end
  local rem = remaining(st, now)
  local grant_units = units
  if rem >= 0 and rem < units then
    if mode == 'up_to' and rem > 0 then grant_units = rem
    else return { 'refused', 'exhausted', s(units), s(rem) } end
  end
  local until_ms = now + lease_ms
  redis.call('HSET', keys[2], job, grant_units)
  redis.call('ZADD', keys[3], until_ms, job)
  redis.call('HINCRBY', keys[1], 'reserved', grant_units)
  return { 'reserved', s(grant_units), '0', s(until_ms) }
end

-- ARGV: now, job, units used
local function commit(keys, args)
  local now = now_ms(args[1])
  local job, units = args[2], num(args[3])
  sweep(keys, now)
  local done = redis.call('HGET', keys[4], job)
  if done then return { 'committed', done, '0', '1' } end
  local held = redis.call('HGET', keys[2], job)
  if not held then return { 'err', 'no_reservation', '0', s(units) } end
  held = num(held)
  if units > held then return { 'err', 'exceeds_reservation', s(held), s(units) } end
  redis.call('HDEL', keys[2], job)
  redis.call('ZREM', keys[3], job)
  redis.call('HINCRBY', keys[1], 'reserved', -held)
  redis.call('HINCRBY', keys[1], 'used', units)
  redis.call('HSET', keys[4], job, units)
  redis.call('ZADD', keys[5], now, job)
  return { 'committed', s(units), s(held - units), '0' }
end

-- ARGV: now, job
local function release(keys, args)
  local now = now_ms(args[1])
  local job = args[2]
  sweep(keys, now)
  local held = redis.call('HGET', keys[2], job)
  if not held then return { 'released', '0' } end
  redis.call('HDEL', keys[2], job)
  redis.call('ZREM', keys[3], job)
  redis.call('HINCRBY', keys[1], 'reserved', -num(held))
  return { 'released', held }
end

-- Closes a job for good: its committed units, or 0 after returning what it
-- holds and recording a commit of 0 (a late holder can then charge nothing).
-- ARGV: now, job
local function settle(keys, args)
  local now = now_ms(args[1])
  local job = args[2]
  sweep(keys, now)
  local done = redis.call('HGET', keys[4], job)
  if done then return { 'settled', done } end
  local held = redis.call('HGET', keys[2], job)
  if held then
    redis.call('HDEL', keys[2], job)
    redis.call('ZREM', keys[3], job)
    redis.call('HINCRBY', keys[1], 'reserved', -num(held))
  end
  redis.call('HSET', keys[4], job, 0)
  redis.call('ZADD', keys[5], now, job)
  return { 'settled', '0' }
end

-- ARGV: now, job, lease_ms
local function extend(keys, args)
  local now = now_ms(args[1])
  local job, lease_ms = args[2], num(args[3])
  sweep(keys, now)
  if not redis.call('HGET', keys[2], job) then return { 'err', 'no_reservation', '0', '0' } end
  local until_ms = now + lease_ms
  redis.call('ZADD', keys[3], until_ms, job)
  return { 'extended', s(until_ms) }
end

local function snapshot(keys, args)
  local now = now_ms(args[1])
  sweep(keys, now)
  return snapshot_reply(keys, state(keys), now)
end

-- Saves a tenant's account document if its version is still the expected one,
-- and applies the grant that document implies, in one atomic step: the account
-- and the ledger can never disagree. The events the change causes go to the
-- tenant's outbox in the same step, so none is lost if the caller dies
-- before publishing them.
-- ARGV: now, expected version, new json, kind, limit, period, expires_ms, events...
local function account_save(keys, args)
  local now = now_ms(args[1])
  local current = redis.call('HGET', keys[6], 'v') or '0'
  if current ~= args[2] then return { 'err', 'version_conflict', current, args[2] } end
  local reply = apply_grant(keys, now, args[4], num(args[5]), num(args[6]), num(args[7]))
  if reply[1] == 'err' then return reply end
  local next_version = s(num(current) + 1)
  redis.call('HSET', keys[6], 'v', next_version, 'json', args[3])
  for i = 8, #args do redis.call('RPUSH', keys[7], args[i]) end
  return { 'saved', next_version }
end

-- Makes a token digest the tenant's only read token, in one step: the index
-- keeps both directions (digest -> tenant, "t:<tenant>" -> digest) in one
-- hash, so concurrent rotations can never leave two tokens valid.
-- KEYS[1] the token index; ARGV: tenant tag, new digest
local function rotate_token(keys, args)
  local tag, digest = args[1], args[2]
  local old = redis.call('HGET', keys[1], 't:' .. tag)
  if old then redis.call('HDEL', keys[1], old) end
  redis.call('HSET', keys[1], digest, tag, 't:' .. tag, digest)
  return { 'rotated' }
end

redis.register_function('cspm_grant', grant)
redis.register_function('cspm_rotate_token', rotate_token)
redis.register_function('cspm_reserve', reserve)
redis.register_function('cspm_commit', commit)
redis.register_function('cspm_release', release)
redis.register_function('cspm_extend', extend)
redis.register_function('cspm_settle', settle)
redis.register_function('cspm_snapshot', snapshot)
redis.register_function('cspm_account_save', account_save)
