-- Helpers prepended to every webhook script (after lib.lua) by app/store/scripts.py.
--
-- What is due (see app/store/keyspace.py): the account's `wh:due` holds its endpoints
-- scored by when the next attempt to each may start; an endpoint's `due` holds its
-- pending deliveries by due time (an attempt in flight: its lease's end, so a delivery
-- whose worker died is due again then); its `fly` the attempts in flight by lease end.
-- A script passes the keys it knows through KEYS; those a due zset leads it to it names
-- with lib.lua's keyspace, from the account's prefix `P:{A}:`.

-- The current time of the Redis server, in ms: every host agrees on it, so leases do.
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Score an endpoint in the account's due zset (`due_key`): its first due delivery (in
-- `endpoint_due`), or, while `limit` attempts to it are in flight (`in_flight`), the first
-- of their leases to end. An endpoint with nothing pending leaves the zset.
local function rescore_endpoint(due_key, endpoint_due, in_flight, endpoint, limit, now)
  local first = redis.call('ZRANGE', endpoint_due, 0, 0, 'WITHSCORES')
  if #first == 0 then
    redis.call('ZREM', due_key, endpoint)
    redis.call('DEL', in_flight)
    return
  end
  local score = tonumber(first[2])
  redis.call('ZREMRANGEBYSCORE', in_flight, '-inf', now)
  if redis.call('ZCARD', in_flight) >= limit then
    local lease = tonumber(redis.call('ZRANGE', in_flight, 0, 0, 'WITHSCORES')[2])
    if lease > score then
      score = lease
    end
  end
  redis.call('ZADD', due_key, score, endpoint)
end

-- Make a delivery (not in flight) due at `at` in its endpoint's `endpoint_due`, the
-- endpoint no later in `due_key`, and hint the workers when that is now: PUBLISH, from the
-- script, so the hint travels in the write's own round trip (on a cluster it reaches the
-- subscribers of every node).
local function make_due(due_key, endpoint_due, endpoint, delivery, at, now, channel, account)
  redis.call('ZADD', endpoint_due, at, delivery)
  redis.call('ZADD', due_key, 'LT', at, endpoint)
  if at <= now and channel ~= '' then
    redis.call('PUBLISH', channel, account .. ' ' .. at)
  end
end

-- The account's next due time ('' when nothing is pending).
local function account_next(due_key)
  local first = redis.call('ZRANGE', due_key, 0, 0, 'WITHSCORES')
  return first[2] or ''
end

-- Make an existing delivery (its hash at `key`) due now, for any worker (the API's
-- `retry`, the tools of docs/webhooks.md): false, and nothing changed, while an attempt
-- of it is in flight.
local function due_now(key, due_key, endpoint_due, endpoint, delivery, now, channel, account)
  local lease = tonumber(redis.call('HGET', key, 'lx') or '0')
  if redis.call('HEXISTS', key, 'lt') == 1 and lease > now then
    return false
  end
  redis.call('HSET', key, 'st', 'pending', 'na', now)
  redis.call('HDEL', key, 'lt', 'lx')
  make_due(due_key, endpoint_due, endpoint, delivery, now, now, channel, account)
  return true
end

-- Record a webhook POST's Idempotency-Key outcome in the same step as its change
-- (docs/webhooks.md). `context` is JSON: tok the claim's token ('' without a key), ittl
-- the record's lifetime (s), st the HTTP status. The replay renders the answer from
-- `object` (the endpoint's or the delivery's flat hash), as `marker` (its id) says.
local function commit_webhook_idempotency(record, context, marker, object)
  local ctx = cjson.decode(context)
  if ctx.tok == '' or redis.call('HGET', record, 'token') ~= ctx.tok then
    return
  end
  redis.call('HSET', record, 'state', 'done', 'status', ctx.st, 'seq', marker,
    'object', cjson.encode(object), 'etag', '')
  redis.call('EXPIRE', record, ctx.ittl)
end
