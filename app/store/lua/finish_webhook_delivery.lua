-- Record an attempt's result: succeeded, due again later, failed, or endpoint disabled.
-- KEYS[1] the delivery's hash, KEYS[2] its endpoint's hash, KEYS[3] the account's due
-- zset, KEYS[4] the account's subscriptions, KEYS[5] the endpoint's due zset, KEYS[6] the
-- endpoint's attempts in flight, KEYS[7] the delivery's attempts (list, newest first)
-- ARGV[1] delivery id, ARGV[2] lease token, ARGV[3] `success` | `failure`,
-- ARGV[4] ms until the retry (-1: none left), ARGV[5] disable the endpoint: '' | `gone` |
-- `failing`, ARGV[6] the failing-since the worker judged `failing` by ('' none),
-- ARGV[7] status code ('' none), ARGV[8] error kind ('' none), ARGV[9] endpoint id,
-- ARGV[10] the account's webhook key prefix (see webhooks.lua), ARGV[11] '1' when the
-- failure is the receiver's (it starts the failing clock; the service's own do not),
-- ARGV[12] most attempts in flight to one endpoint, ARGV[13] the hint channel,
-- ARGV[14] the account, ARGV[15] the attempt's record for the history ('' none),
-- ARGV[16] how many attempts the history keeps
-- Returns {0, status, the account's next due time ('' none)} | {8} (the lease was lost:
-- another worker has the delivery)
if redis.call('HGET', KEYS[1], 'lt') ~= ARGV[2] then
  return {8}
end
local id, endpoint_id, prefix = ARGV[1], ARGV[9], ARGV[10]
local now = now_ms()
redis.call('HDEL', KEYS[1], 'lt', 'lx')
redis.call('ZREM', KEYS[6], id)
-- The history lives as long as its delivery: it expires with the delivery's hash.
if ARGV[15] ~= '' then
  redis.call('LPUSH', KEYS[7], ARGV[15])
  redis.call('LTRIM', KEYS[7], 0, tonumber(ARGV[16]) - 1)
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then
    redis.call('PEXPIRE', KEYS[7], ttl)
  end
end
if ARGV[7] ~= '' then
  redis.call('HSET', KEYS[1], 'lc', ARGV[7])
else
  redis.call('HDEL', KEYS[1], 'lc')
end
if ARGV[8] ~= '' then
  redis.call('HSET', KEYS[1], 'le', ARGV[8])
else
  redis.call('HDEL', KEYS[1], 'le')
end

-- The endpoint may have been deleted while the attempt was in flight: then nothing of it
-- is written again (a hash with only `fs` would be an endpoint with no url or secret).
local endpoint_exists = redis.call('HEXISTS', KEYS[2], 'url') == 1
local enabled = redis.call('HGET', KEYS[2], 'st') == 'enabled'
local status
if ARGV[3] == 'success' then
  status = 'succeeded'
  redis.call('HDEL', KEYS[2], 'fs')
else
  if endpoint_exists and ARGV[11] == '1' then
    redis.call('HSETNX', KEYS[2], 'fs', now)
  end
  local disable = ARGV[5] == 'gone'
  if ARGV[5] == 'failing' then
    disable = (redis.call('HGET', KEYS[2], 'fs') or '') == (ARGV[6] ~= '' and ARGV[6] or
      tostring(now))
  end
  if enabled and disable then
    redis.call('HSET', KEYS[2], 'st', 'disabled', 'dr', ARGV[5], 'u', now)
    redis.call('HDEL', KEYS[4], endpoint_id)
    enabled = false
  end
  local retry_now = redis.call('HGET', KEYS[1], 'rq') == '1'
  if enabled and (retry_now or tonumber(ARGV[4]) >= 0) then
    status = 'pending'
    local at = now
    if not retry_now then
      at = now + tonumber(ARGV[4])
    end
    redis.call('HSET', KEYS[1], 'st', 'pending', 'na', at)
    redis.call('ZADD', KEYS[5], at, id)
  else
    status = 'failed'
  end
end
redis.call('HDEL', KEYS[1], 'rq')
redis.call('HSET', KEYS[1], 'st', status)
if status ~= 'pending' then
  redis.call('HDEL', KEYS[1], 'na')
  redis.call('ZREM', KEYS[5], id)
end
-- A place in flight just freed: the endpoint's next delivery may start at once.
rescore_endpoint(KEYS[3], prefix, endpoint_id, tonumber(ARGV[12]), now)
local score = redis.call('ZSCORE', KEYS[3], endpoint_id)
if score and tonumber(score) <= now then
  redis.call('PUBLISH', ARGV[13], ARGV[14] .. ' ' .. score)
end
return {0, status, account_next(KEYS[3])}
