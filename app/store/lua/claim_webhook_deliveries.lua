-- Claim up to N due deliveries of one account for one worker, each under a lease.
--! keys: due events
--! args: count lease token account_prefix per_endpoint
--! reply: now claimed next
-- Inputs: `due` the account's due zset (endpoints), `events` its stream; `count` N, `lease`
-- (ms), `token` the worker's lease token, `account_prefix` `P:{A}:`, `per_endpoint` most
-- attempts in flight to one endpoint (WEBHOOK_ENDPOINT_CONCURRENCY).
-- Replies OK with the Redis time, {{delivery id, endpoint id, event entry id, event type,
-- attempt number, url, secret, previous secret, its end (ms), failing since, {event field,
-- value, ...}}, ...} ('' for what is absent; no event fields when the event is past
-- retention), and the account's next due time ('' when nothing is pending).
-- It names, by lib.lua's keyspace, each due endpoint's hash, its `due` and `fly`, its
-- previous secret (a string that expires when that secret stops signing) and the hashes
-- of its deliveries.
--
-- Endpoints go in the order they came due; within one, deliveries in due order, which is
-- event order for first attempts (a first attempt is due at its event's time, and ids of
-- one millisecond sort by the event's sequence). An endpoint with `per_endpoint` attempts
-- in flight gives none more until one ends. Deliveries of a deleted or disabled endpoint
-- are failed here, a hundred a claim.
local limit, lease, token = tonumber(ARG.count), tonumber(ARG.lease), ARG.token
local per_endpoint, keys = tonumber(ARG.per_endpoint), keyspace(ARG.account_prefix)
local now = now_ms()
local claimed = {}

local function drop(endpoint_due, id, reason)
  local key = keys.webhook_delivery(id)
  if redis.call('HGET', key, 'st') == 'pending' then
    redis.call('HSET', key, 'st', 'failed', 'le', reason)
    redis.call('HDEL', key, 'na', 'lt', 'lx', 'rq')
  end
  redis.call('ZREM', endpoint_due, id)
end

local function claim(id, key, d, endpoint, e)
  local attempt = tonumber(d[3] or '0') + 1
  redis.call('HSET', key, 'lt', token, 'lx', now + lease, 'at', attempt, 'la', now)
  redis.call('HDEL', key, 'rq')
  redis.call('ZADD', keys.webhook_endpoint_due(endpoint), now + lease, id)
  redis.call('ZADD', keys.webhook_endpoint_in_flight(endpoint), now + lease, id)
  local fields = {}
  local entry = redis.call('XRANGE', KEY.events, d[1], d[1])[1]
  if entry then
    fields = entry[2]
  end
  claimed[#claimed + 1] = {id, endpoint, d[1], d[2], attempt, e[2], e[3], e.previous or '',
    e[4] or '', e[5] or '', fields}
end

local endpoints = redis.call('ZRANGEBYSCORE', KEY.due, '-inf', now, 'LIMIT', 0, 32)
for _, endpoint in ipairs(endpoints) do
  if #claimed >= limit then
    break
  end
  local endpoint_key = keys.webhook_endpoint(endpoint)
  local endpoint_due = keys.webhook_endpoint_due(endpoint)
  local in_flight = keys.webhook_endpoint_in_flight(endpoint)
  local e = redis.call('HMGET', endpoint_key, 'st', 'url', 'sk', 'px', 'fs')
  -- The previous secret has a key of its own: gone (false) once its 24 hours end.
  e.previous = redis.call('GET', keys.webhook_previous_secret(endpoint))
  if e[1] ~= 'enabled' then
    local reason = e[1] and 'endpoint_disabled' or 'endpoint_deleted'
    for _, id in ipairs(redis.call('ZRANGE', endpoint_due, 0, 99)) do
      drop(endpoint_due, id, reason)
    end
  else
    redis.call('ZREMRANGEBYSCORE', in_flight, '-inf', now)
    local budget = math.min(per_endpoint - redis.call('ZCARD', in_flight), limit - #claimed)
    local looked = 0
    while budget > 0 and looked < 200 do
      local ids = redis.call('ZRANGEBYSCORE', endpoint_due, '-inf', now, 'LIMIT', 0, budget)
      if #ids == 0 then
        break
      end
      for _, id in ipairs(ids) do
        looked = looked + 1
        local key = keys.webhook_delivery(id)
        local d = redis.call('HMGET', key, 'ev', 'ty', 'at', 'st')
        if d[4] ~= 'pending' then
          redis.call('ZREM', endpoint_due, id)  -- finished, or past retention
        else
          claim(id, key, d, endpoint, e)
          budget = budget - 1
        end
      end
    end
  end
  rescore_endpoint(KEY.due, endpoint_due, in_flight, endpoint, per_endpoint, now)
end
return {CODE.OK, now, claimed, account_next(KEY.due)}
