#!lua name=cspm_fleet_v2
--[[
The scheduler store's multi-key steps, each one atomic, so concurrent
starts, results and sweeps never see a task half-changed. Every key of a
call belongs to one tenant (one hash tag), so this also runs on Cluster.

Per tenant:
  task:<id>   hash: record (JSON), state (starting|open|cancelled), total, counters
              (finished, charged, dead, exhausted, s:<STATUS>), progress_at, reason
  plan:<id>   hash: job id -> "units|instances|payload digest|instances digest|item"
  tasks       zset: task id -> created (ms)
  open        zset: task ids not yet finished -> created (ms), for the sweeper
  ctokens     hash: client token -> task id
  applied:<id> set of the task's job ids whose results were applied
  (a finished task's plan and applied set expire a week later: no result of
  it can come any more that is not a duplicate)
  results     hash: "<item>|<kind>/<id>" -> latest result JSON
  results_at  hash: same field -> "<at ms>|<status>|<risk rank>" of that result
  rix         zset (all scores 0): "<rank>|<field>" of every latest result
  rix:<S>     the same, only results whose status is S
  rcount      hash: "<item>|<S>" -> instances of the item with status S
  assets      hash: "<kind>/<id>" -> asset JSON;  aix zset of those keys
  atypes      hash: kind -> count;  aver: inventory version (incremented on change)
]]

local FINISHED_TASK_PLAN_TTL = 7 * 24 * 3600

local function finish_if_done(task_key, open_key, task_id, plan_key, applied_key)
  local finished = tonumber(redis.call('HGET', task_key, 'finished') or '0')
  local total = tonumber(redis.call('HGET', task_key, 'total') or '0')
  if finished >= total then
    redis.call('ZREM', open_key, task_id)
    redis.call('EXPIRE', plan_key, FINISHED_TASK_PLAN_TTL)
    redis.call('EXPIRE', applied_key, FINISHED_TASK_PLAN_TTL)
  end
end

-- KEYS: task, plan, tasks, open, ctokens
-- ARGV: task id, record JSON, created ms, total, client token or '', then job id, entry pairs
local function create_task(keys, args)
  local task_id, token = args[1], args[5]
  if token ~= '' then
    local existing = redis.call('HGET', keys[5], token)
    if existing then return { 'existing', existing } end
    redis.call('HSET', keys[5], token, task_id)
  end
  redis.call('HSET', keys[1], 'record', args[2], 'state', 'starting', 'total', args[4],
    'finished', 0, 'progress_at', args[3])
  for i = 6, #args, 2 do redis.call('HSET', keys[2], args[i], args[i + 1]) end
  redis.call('ZADD', keys[3], args[3], task_id)
  redis.call('ZADD', keys[4], args[3], task_id)
  return { 'created' }
end

-- Opens a starting task; idempotent (an open task answers '1' again), so a
-- caller whose reply was lost can ask once more. A cancelled or missing task: '0'.
-- KEYS: task;  ARGV: none
local function open_task(keys, args)
  local state = redis.call('HGET', keys[1], 'state')
  if state == 'open' then return { '1' } end
  if state ~= 'starting' then return { '0' } end
  redis.call('HSET', keys[1], 'state', 'open')
  return { '1' }
end

-- Gives up a start: 'starting' becomes 'cancelled' (workers then refuse its
-- jobs). Refused ('0') once the task is open: then the start succeeded, and
-- nothing may be undone. This is what makes opening and undoing exclusive.
-- KEYS: task;  ARGV: none
local function cancel_start(keys, args)
  local state = redis.call('HGET', keys[1], 'state')
  if state == 'open' then return { '0' } end
  if state then redis.call('HSET', keys[1], 'state', 'cancelled') end
  return { '1' }
end

-- Deletes a cancelled task (never an open one).
-- KEYS: task, plan, tasks, open, ctokens;  ARGV: task id, client token or ''
local function delete_task(keys, args)
  local state = redis.call('HGET', keys[1], 'state')
  if state == 'open' or state == 'starting' then return { '0' } end
  redis.call('DEL', keys[1], keys[2])
  redis.call('ZREM', keys[3], args[1])
  redis.call('ZREM', keys[4], args[1])
  if args[2] ~= '' and redis.call('HGET', keys[5], args[2]) == args[1] then redis.call('HDEL', keys[5], args[2]) end
  return { '1' }
end

-- KEYS: applied, task, results, results_at, rix, rcount, plan, open, then
--       rix:<S> for each status S (declared, so Cluster knows every key touched)
-- ARGV: job id, task id, item, instances digest, charged, now ms, n,
--       then n times: field, at ms, json, status, flag, rank
local function apply_results(keys, args)
  local by_status = {}
  for i = 9, #keys do by_status[string.sub(keys[i], #keys[5] + 2)] = keys[i] end
  local job, task_id, item, digest, charged, now, n = args[1], args[2], args[3], args[4], args[5], args[6], tonumber(args[7])
  local entry = redis.call('HGET', keys[7], job)
  if not entry or redis.call('HGET', keys[2], 'state') ~= 'open' then return { 'rejected', 'no open task planned this job' } end
  local units, count, _, planned_digest = string.match(entry, '^(%d+)|(%d+)|([^|]*)|([^|]*)|')
  if planned_digest ~= digest or tonumber(count) ~= n then
    return { 'rejected', 'the instances are not the ones planned for this job' }
  end
  if tonumber(charged) > tonumber(units) then return { 'rejected', 'it charges more units than planned' } end
  if redis.call('SADD', keys[1], job) == 0 then return { 'duplicate' } end
  for i = 0, n - 1 do
    local base = 8 + i * 6
    local field, at, json, status, flag, rank =
      args[base], tonumber(args[base + 1]), args[base + 2], args[base + 3], args[base + 4], args[base + 5]
    local prev = redis.call('HGET', keys[4], field)
    local prev_at, prev_status, prev_rank = -1, nil, nil
    if prev then
      local a, st, rk = string.match(prev, '^(-?%d+)|([^|]*)|(%d+)$')
      prev_at, prev_status, prev_rank = tonumber(a), st, rk
    end
    if prev_at <= at then
      if prev_status then
        local old = prev_rank .. '|' .. field
        redis.call('ZREM', keys[5], old)
        if by_status[prev_status] then redis.call('ZREM', by_status[prev_status], old) end
        redis.call('HINCRBY', keys[6], item .. '|' .. prev_status, -1)
      end
      local member = rank .. '|' .. field
      redis.call('HSET', keys[3], field, json)
      redis.call('HSET', keys[4], field, at .. '|' .. status .. '|' .. rank)
      redis.call('ZADD', keys[5], 0, member)
      if by_status[status] then redis.call('ZADD', by_status[status], 0, member) end
      redis.call('HINCRBY', keys[6], item .. '|' .. status, 1)
    end
    redis.call('HINCRBY', keys[2], 's:' .. status, 1)
    if flag ~= '-' then redis.call('HINCRBY', keys[2], flag, 1) end
  end
  redis.call('HINCRBY', keys[2], 'finished', n)
  redis.call('HINCRBY', keys[2], 'charged', tonumber(charged))
  redis.call('HSET', keys[2], 'progress_at', now)
  finish_if_done(keys[2], keys[8], task_id, keys[7], keys[1])
  return { 'applied' }
end

-- A job whose messages are gone: its instances count as finished and failed.
-- KEYS: applied, task, open, plan;  ARGV: job id, task id, instances, charged, reason, now ms
local function apply_lost(keys, args)
  if not redis.call('HGET', keys[2], 'record') then return { '0' } end
  if redis.call('SADD', keys[1], args[1]) == 0 then return { '0' } end
  local n = tonumber(args[3])
  redis.call('HINCRBY', keys[2], 'finished', n)
  redis.call('HINCRBY', keys[2], 'dead', n)
  redis.call('HINCRBY', keys[2], 's:ERROR', n)
  redis.call('HINCRBY', keys[2], 'charged', tonumber(args[4]))
  redis.call('HSETNX', keys[2], 'reason', args[5])
  redis.call('HSET', keys[2], 'progress_at', args[6])
  finish_if_done(keys[2], keys[3], args[2], keys[4], keys[1])
  return { '1' }
end

-- KEYS: assets, aix, atypes, aver;  ARGV: n, then n times: key, kind, json
-- Returns the positions (1-based) of the assets that are new or changed.
local function put_assets(keys, args)
  local changed = {}
  local n = tonumber(args[1])
  for i = 0, n - 1 do
    local key, kind, json = args[2 + i * 3], args[3 + i * 3], args[4 + i * 3]
    local old = redis.call('HGET', keys[1], key)
    if old ~= json then
      if not old then
        redis.call('ZADD', keys[2], 0, key)
        redis.call('HINCRBY', keys[3], kind, 1)
      end
      redis.call('HSET', keys[1], key, json)
      changed[#changed + 1] = tostring(i + 1)
    end
  end
  if #changed > 0 then redis.call('INCR', keys[4]) end
  return changed
end

redis.register_function('cspm_fleet_create_task', create_task)
redis.register_function('cspm_fleet_open_task', open_task)
redis.register_function('cspm_fleet_cancel_start', cancel_start)
redis.register_function('cspm_fleet_delete_task', delete_task)
redis.register_function('cspm_fleet_apply_results', apply_results)
redis.register_function('cspm_fleet_apply_lost', apply_lost)
redis.register_function('cspm_fleet_put_assets', put_assets)
