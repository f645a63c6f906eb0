-- Claim up to N due deliveries of one account for one worker, each under a lease.
-- KEYS[1] the account's due zset (endpoints), KEYS[2] the account's event stream
-- ARGV[1] N, ARGV[2] lease (ms), ARGV[3] the worker's lease token, ARGV[4] the account's
-- webhook key prefix `P:{A}:wh:` (see webhooks.lua), ARGV[5] most attempts in flight to
-- one endpoint (WEBHOOK_ENDPOINT_CONCURRENCY)
-- Returns {now, {{delivery id, endpoint id, event entry id, event type, attempt number,
--   url, secret, previous secret, its end (ms), failing since, {event field, value, ...}},
--   ...}, the account's next due time ('' when nothing is pending)}
--   ('' for what is absent; no event fields when the event is past retention)
-- It reads, by the prefix, each endpoint's hash `ep:<id>` and its previous secret
-- `ep:<id>:ps` (a string that expires when that secret stops signing).
--
-- Endpoints go in the order they came due; within one, deliveries in due order, which is
-- event order for first attempts (a first attempt is due at its event's time, and ids of
-- one millisecond sort by the event's sequence). An endpoint with ARGV[5] attempts in
-- flight gives none more until one ends. Deliveries of a deleted or disabled endpoint
-- are failed here, a hundred a claim.
local limit, lease, token, prefix = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], ARGV[4]
local per_endpoint = tonumber(ARGV[5])
local now = now_ms()
local claimed = {}

local function drop(endpoint_key, id, reason)
  local key = prefix .. 'dlv:' .. id
  if redis.call('HGET', key, 'st') == 'pending' then
    redis.call('HSET', key, 'st', 'failed', 'le', reason)
    redis.call('HDEL', key, 'na', 'lt', 'lx', 'rq')
  end
  redis.call('ZREM', endpoint_key .. ':due', id)
end

local function claim(id, key, d, endpoint, e)
  local attempt = tonumber(d[3] or '0') + 1
  redis.call('HSET', key, 'lt', token, 'lx', now + lease, 'at', attempt, 'la', now)
  redis.call('HDEL', key, 'rq')
  local endpoint_key = prefix .. 'ep:' .. endpoint
  redis.call('ZADD', endpoint_key .. ':due', now + lease, id)
  redis.call('ZADD', endpoint_key .. ':fly', now + lease, id)
  local fields = {}
  local entry = redis.call('XRANGE', KEYS[2], d[1], d[1])[1]
  if entry then
    fields = entry[2]
  end
  claimed[#claimed + 1] = {id, endpoint, d[1], d[2], attempt, e[2], e[3], e[4] or '',
    e[5] or '', e[6] or '', fields}
end

-- Before endpoint scores, `wh:due` held the deliveries themselves: move any left over.
local function migrate(id)
  local d = redis.call('HMGET', prefix .. 'dlv:' .. id, 'ep', 'st')
  redis.call('ZREM', KEYS[1], id)
  if d[2] == 'pending' then
    redis.call('HDEL', prefix .. 'dlv:' .. id, 'lt', 'lx')
    redis.call('ZADD', prefix .. 'ep:' .. d[1] .. ':due', now, id)
    redis.call('ZADD', KEYS[1], 'LT', now, d[1])
  end
end

local endpoints = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 32)
for _, member in ipairs(endpoints) do
  if string.sub(member, 1, 4) == 'whd_' then
    migrate(member)
  end
end
endpoints = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 32)
for _, endpoint in ipairs(endpoints) do
  if #claimed >= limit then
    break
  end
  local endpoint_key = prefix .. 'ep:' .. endpoint
  local e = redis.call('HMGET', endpoint_key, 'st', 'url', 'sk', 'ps', 'px', 'fs')
  if e[4] then  -- a previous secret kept in the hash before it had its own expiring key
    redis.call('HDEL', endpoint_key, 'ps')
  end
  e[4] = redis.call('GET', endpoint_key .. ':ps')  -- gone (false) once its 24 hours end
  if e[1] ~= 'enabled' then
    local reason = e[1] and 'endpoint_disabled' or 'endpoint_deleted'
    for _, id in ipairs(redis.call('ZRANGE', endpoint_key .. ':due', 0, 99)) do
      drop(endpoint_key, id, reason)
    end
  else
    local fly = endpoint_key .. ':fly'
    redis.call('ZREMRANGEBYSCORE', fly, '-inf', now)
    local budget = math.min(per_endpoint - redis.call('ZCARD', fly), limit - #claimed)
    local looked = 0
    while budget > 0 and looked < 200 do
      local ids = redis.call('ZRANGEBYSCORE', endpoint_key .. ':due', '-inf', now, 'LIMIT', 0,
        budget)
      if #ids == 0 then
        break
      end
      for _, id in ipairs(ids) do
        looked = looked + 1
        local key = prefix .. 'dlv:' .. id
        local d = redis.call('HMGET', key, 'ev', 'ty', 'at', 'st')
        if d[4] ~= 'pending' then
          redis.call('ZREM', endpoint_key .. ':due', id)  -- finished, or past retention
        else
          claim(id, key, d, endpoint, e)
          budget = budget - 1
        end
      end
    end
  end
  rescore_endpoint(KEYS[1], prefix, endpoint, per_endpoint, now)
end
return {now, claimed, account_next(KEYS[1])}
