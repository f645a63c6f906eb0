-- Record an attempt's result: succeeded, due again later, failed, or endpoint disabled.
--! keys: delivery endpoint due subscriptions endpoint_due in_flight attempts
--! args: delivery_id token outcome retry_in disable failing_since status_code error
--! args: endpoint_id counts per_endpoint channel account record kept
--! reply: status next
-- Inputs: `delivery` its hash, `endpoint` its endpoint's hash, `due` the account's due
-- zset, `subscriptions` the account's, `endpoint_due` the endpoint's due zset,
-- `in_flight` the endpoint's attempts in flight, `attempts` the delivery's (list, newest
-- first); `delivery_id`, `token` the lease's, `outcome` `success` | `failure`, `retry_in`
-- ms until the retry (-1: none left), `disable` the endpoint: '' | `gone` | `failing`,
-- `failing_since` the one the worker judged `failing` by ('' none), `status_code` ('' none),
-- `error` kind ('' none), `endpoint_id`, `counts` '1' when the failure is the receiver's
-- (it starts the failing clock; the service's own do not), `per_endpoint` most attempts in
-- flight to one endpoint, `channel` the hint channel, `account`, `record` the attempt's
-- for the history ('' none), `kept` how many attempts the history keeps.
-- Replies OK with the delivery's status and the account's next due time ('' none);
-- LEASE_LOST when another worker has the delivery.
if redis.call('HGET', KEY.delivery, 'lt') ~= ARG.token then
  return {CODE.LEASE_LOST}
end
local id, endpoint_id = ARG.delivery_id, ARG.endpoint_id
local now = now_ms()
redis.call('HDEL', KEY.delivery, 'lt', 'lx')
redis.call('ZREM', KEY.in_flight, id)
-- The history lives as long as its delivery: it expires with the delivery's hash.
if ARG.record ~= '' then
  redis.call('LPUSH', KEY.attempts, ARG.record)
  redis.call('LTRIM', KEY.attempts, 0, tonumber(ARG.kept) - 1)
  local ttl = redis.call('PTTL', KEY.delivery)
  if ttl > 0 then
    redis.call('PEXPIRE', KEY.attempts, ttl)
  end
end
if ARG.status_code ~= '' then
  redis.call('HSET', KEY.delivery, 'lc', ARG.status_code)
else
  redis.call('HDEL', KEY.delivery, 'lc')
end
if ARG.error ~= '' then
  redis.call('HSET', KEY.delivery, 'le', ARG.error)
else
  redis.call('HDEL', KEY.delivery, 'le')
end

-- The endpoint may have been deleted while the attempt was in flight: then nothing of it
-- is written again (a hash with only `fs` would be an endpoint with no url or secret).
local endpoint_exists = redis.call('HEXISTS', KEY.endpoint, 'url') == 1
local enabled = redis.call('HGET', KEY.endpoint, 'st') == 'enabled'
local status
if ARG.outcome == 'success' then
  status = 'succeeded'
  redis.call('HDEL', KEY.endpoint, 'fs')
else
  if endpoint_exists and ARG.counts == '1' then
    redis.call('HSETNX', KEY.endpoint, 'fs', now)
  end
  local disable = ARG.disable == 'gone'
  if ARG.disable == 'failing' then
    disable = (redis.call('HGET', KEY.endpoint, 'fs') or '') == (ARG.failing_since ~= '' and ARG.failing_since or
      tostring(now))
  end
  if enabled and disable then
    redis.call('HSET', KEY.endpoint, 'st', 'disabled', 'dr', ARG.disable, 'u', now)
    redis.call('HDEL', KEY.subscriptions, endpoint_id)
    enabled = false
  end
  local retry_now = redis.call('HGET', KEY.delivery, 'rq') == '1'
  if enabled and (retry_now or tonumber(ARG.retry_in) >= 0) then
    status = 'pending'
    local at = now
    if not retry_now then
      at = now + tonumber(ARG.retry_in)
    end
    redis.call('HSET', KEY.delivery, 'st', 'pending', 'na', at)
    redis.call('ZADD', KEY.endpoint_due, at, id)
  else
    status = 'failed'
  end
end
redis.call('HDEL', KEY.delivery, 'rq')
redis.call('HSET', KEY.delivery, 'st', status)
if status ~= 'pending' then
  redis.call('HDEL', KEY.delivery, 'na')
  redis.call('ZREM', KEY.endpoint_due, id)
end
-- A place in flight just freed: the endpoint's next delivery may start at once.
rescore_endpoint(KEY.due, KEY.endpoint_due, KEY.in_flight, endpoint_id,
  tonumber(ARG.per_endpoint), now)
local score = redis.call('ZSCORE', KEY.due, endpoint_id)
if score and tonumber(score) <= now then
  redis.call('PUBLISH', ARG.channel, ARG.account .. ' ' .. score)
end
return {CODE.OK, status, account_next(KEY.due)}
