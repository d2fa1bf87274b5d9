#!lua name=cspm_fleet_v1
--[[
Applying a job's results in one atomic step, so a result message delivered
twice counts once and a crash never leaves a task's counters half-updated.

KEYS[1] applied   set of job ids already applied
KEYS[2] task      hash of the task's counters
KEYS[3] results   hash: "<item>|<kind>/<id>" -> latest result JSON
KEYS[4] results_at hash: same field -> its evaluation time (ms), newest wins
ARGV: job_id, n, charged, then n times: field, at_ms, json, status, flag
]]
local function apply_results(keys, args)
  if redis.call('SADD', keys[1], args[1]) == 0 then return { '0' } end
  local n = tonumber(args[2])
  for i = 0, n - 1 do
    local base = 4 + i * 5
    local field, at, json, status, flag = args[base], tonumber(args[base + 1]), args[base + 2], args[base + 3], args[base + 4]
    local prev = tonumber(redis.call('HGET', keys[4], field) or '-1')
    if prev <= at then
      redis.call('HSET', keys[3], field, json)
      redis.call('HSET', keys[4], field, at)
    end
    redis.call('HINCRBY', keys[2], 's:' .. status, 1)
    if flag ~= '-' then redis.call('HINCRBY', keys[2], flag, 1) end
  end
  redis.call('HINCRBY', keys[2], 'finished', n)
  redis.call('HINCRBY', keys[2], 'charged', tonumber(args[3]))
  return { '1' }
end

redis.register_function('cspm_apply_results', apply_results)
