-- Helpers prepended to every webhook script (after lib.lua) by app/store/scripts.py.
--
-- ARGV carries the account's webhook key prefix `P:{A}:wh:` wherever a script names the
-- keys a due delivery leads it to (delivery and endpoint hashes, an endpoint's `due` and
-- `fly`): keys of the script's own account, in its slot, that it cannot know in advance.
-- Result codes beyond lib.lua's: 6 too many endpoints, 7 endpoint disabled, 8 lease lost
-- (the attempt's result is dropped).
--
-- What is due (see app/store/keyspace.py): the account's `wh:due` holds its endpoints
-- scored by when the next attempt to each may start; an endpoint's `due` holds its
-- pending deliveries by due time (an attempt in flight: its lease's end, so a delivery
-- whose worker died is due again then); its `fly` the attempts in flight by lease end.

-- The current time of the Redis server, in ms: every host agrees on it, so leases do.
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Score an endpoint in the account's due zset (`due_key`): its first due delivery, or,
-- while `limit` attempts to it are in flight, the first of their leases to end. An
-- endpoint with nothing pending leaves the zset.
local function rescore_endpoint(due_key, prefix, endpoint, limit, now)
  local endpoint_key = prefix .. 'ep:' .. endpoint
  local first = redis.call('ZRANGE', endpoint_key .. ':due', 0, 0, 'WITHSCORES')
  if #first == 0 then
    redis.call('ZREM', due_key, endpoint)
    redis.call('DEL', endpoint_key .. ':fly')
    return
  end
  local score = tonumber(first[2])
  local fly = endpoint_key .. ':fly'
  redis.call('ZREMRANGEBYSCORE', fly, '-inf', now)
  if redis.call('ZCARD', fly) >= limit then
    local lease = tonumber(redis.call('ZRANGE', fly, 0, 0, 'WITHSCORES')[2])
    if lease > score then
      score = lease
    end
  end
  redis.call('ZADD', due_key, score, endpoint)
end

-- Make a delivery (not in flight) due at `at`, its endpoint no later, and hint the workers
-- when that is now: PUBLISH, from the script, so the hint travels in the write's own
-- round trip (on a cluster it reaches the subscribers of every node).
local function make_due(due_key, prefix, endpoint, delivery, at, now, channel, account)
  redis.call('ZADD', prefix .. 'ep:' .. endpoint .. ':due', at, delivery)
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

-- Make an existing delivery due now, for any worker (the API's `retry`, the tools of
-- SPEC.md §19): false, and nothing changed, while an attempt of it is in flight.
local function due_now(key, due_key, prefix, endpoint, delivery, now, channel, account)
  local lease = tonumber(redis.call('HGET', key, 'lx') or '0')
  if redis.call('HEXISTS', key, 'lt') == 1 and lease > now then
    return false
  end
  redis.call('HSET', key, 'st', 'pending', 'na', now)
  redis.call('HDEL', key, 'lt', 'lx')
  make_due(due_key, prefix, endpoint, delivery, now, now, channel, account)
  return true
end

-- Record a webhook POST's Idempotency-Key outcome in the same step as its change (SPEC.md
-- §16). `context` is JSON: tok the claim's token ('' without a key), ittl the record's
-- lifetime (s), st the HTTP status. The replay renders the answer from `object` (the
-- endpoint's or the delivery's flat hash), as `marker` (its id) says.
local function commit_webhook_idempotency(record, context, marker, object)
  local ctx = cjson.decode(context)
  if ctx.tok == '' or redis.call('HGET', record, 'token') ~= ctx.tok then
    return
  end
  redis.call('HSET', record, 'state', 'done', 'status', ctx.st, 'seq', marker,
    'object', cjson.encode(object), 'etag', '')
  redis.call('EXPIRE', record, ctx.ittl)
end
