-- Claim up to N due deliveries of one account for one worker, each under a lease.
-- KEYS[1] the account's due zset, KEYS[2] the account's event stream
-- ARGV[1] N, ARGV[2] lease (ms), ARGV[3] the worker's lease token, ARGV[4] the account's
-- webhook key prefix `P:{A}:wh:` (see webhooks.lua), ARGV[5] most due entries to look at
-- Returns {now, {delivery id, endpoint id, event entry id, event type, attempt number,
--   url, secret, previous secret, its end (ms), failing since, {event field, value, ...}}, ...}
--   ('' for what is absent; no event fields when the event is past retention)
-- It reads, by the prefix, each endpoint's hash `ep:<id>` and its previous secret
-- `ep:<id>:ps` (a string that expires when that secret stops signing).
--
-- A claimed delivery's due score becomes the lease's end: if its worker dies, it is due
-- again then, for any worker. Deliveries of a deleted or disabled endpoint are failed here.
-- First attempts go in event order, one at a time per endpoint: a first attempt due while
-- another of its endpoint is in flight waits for that one's lease; otherwise the oldest
-- delivery past the endpoint's watermark goes first, whichever one came due.
local limit, lease, token, prefix = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], ARGV[4]
local now = now_ms()
local claimed, taken = {}, {}

local function drop(key, id, reason)
  redis.call('HSET', key, 'st', 'failed', 'le', reason)
  redis.call('HDEL', key, 'na', 'lt', 'lx')
  redis.call('ZREM', KEYS[1], id)
end

local function claim(id, key, endpoint)
  taken[id] = true
  local d = redis.call('HMGET', key, 'ep', 'ev', 'ty', 'at')
  local attempt = tonumber(d[4] or '0') + 1
  redis.call('HSET', key, 'lt', token, 'lx', now + lease, 'at', attempt, 'la', now)
  redis.call('HDEL', key, 'rq')
  redis.call('ZADD', KEYS[1], now + lease, id)
  local fields = {}
  local entry = redis.call('XRANGE', KEYS[2], d[2], d[2])[1]
  if entry then
    fields = entry[2]
  end
  claimed[#claimed + 1] = {id, d[1], d[2], d[3], attempt, endpoint[2], endpoint[3],
    endpoint[4] or '', endpoint[5] or '', endpoint[6] or '', fields}
end

local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[5]))
for _, id in ipairs(due) do
  if #claimed >= limit then
    break
  end
  local key = prefix .. 'dlv:' .. id
  local d = redis.call('HMGET', key, 'ep', 'st', 'at')
  if taken[id] then
    -- claimed above, as the oldest first attempt of its endpoint
  elseif not d[1] or d[2] ~= 'pending' then
    redis.call('ZREM', KEYS[1], id)
  else
    local endpoint_key = prefix .. 'ep:' .. d[1]
    local e = redis.call('HMGET', endpoint_key, 'st', 'url', 'sk', 'ps', 'px', 'fs', 'fw', 'ff',
      'fx')
    if e[4] then  -- a previous secret kept in the hash before it had its own expiring key
      redis.call('HDEL', endpoint_key, 'ps')
    end
    e[4] = redis.call('GET', endpoint_key .. ':ps')  -- gone (false) once its 24 hours end
    if not e[1] then
      drop(key, id, 'endpoint_deleted')
    elseif e[1] ~= 'enabled' then
      drop(key, id, 'endpoint_disabled')
    elseif d[3] ~= '0' or (e[7] and id <= e[7]) then
      claim(id, key, e)
    elseif e[8] and e[8] ~= id and tonumber(e[9] or '0') > now then
      redis.call('ZADD', KEYS[1], e[9], id)
    else
      local deliveries_key = endpoint_key .. ':dlv'
      local first = next_first_attempt(prefix, endpoint_key, deliveries_key, e[7]) or id
      redis.call('HSET', endpoint_key, 'fw', first, 'ff', first, 'fx', now + lease)
      claim(first, prefix .. 'dlv:' .. first, e)
    end
  end
end
return {now, claimed}
