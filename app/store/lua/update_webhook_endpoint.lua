-- Change a webhook endpoint's url, enabled events, description or status (a PATCH).
-- KEYS[1] the endpoint's hash, KEYS[2] the account's subscriptions (hash),
-- KEYS[3] the endpoint's deliveries (zset)
-- ARGV[1] endpoint id, ARGV[2] now (ms), then name, value pairs among
--   url <url> · ev <`*` or `,type,type,`> · d <description> · dnull '' (description
--   to null) · st <enabled|disabled>
-- Returns {0, flat hash} | {2} (no such endpoint)
--
-- Disabling by hand sets disabled_reason `manual` and unsubscribes it; enabling clears
-- the reason and the failing clock, and moves the first-attempt watermark past every
-- delivery made before, so only events written from now on are sent (SPEC.md §16).
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {2}
end
local id, now = ARGV[1], ARGV[2]
local changed = false
for i = 3, #ARGV, 2 do
  local name, value = ARGV[i], ARGV[i + 1]
  if name == 'dnull' then
    changed = (redis.call('HDEL', KEYS[1], 'd') == 1) or changed
  elseif name == 'st' then
    local current = redis.call('HGET', KEYS[1], 'st')
    if value ~= current then
      changed = true
      redis.call('HSET', KEYS[1], 'st', value)
      if value == 'disabled' then
        redis.call('HSET', KEYS[1], 'dr', 'manual')
      else
        redis.call('HDEL', KEYS[1], 'dr', 'fs', 'ff', 'fx')
        local newest = redis.call('ZREVRANGE', KEYS[3], 0, 0)[1]
        if newest then
          redis.call('HSET', KEYS[1], 'fw', newest)
        end
      end
    end
  elseif redis.call('HGET', KEYS[1], name) ~= value then
    changed = true
    redis.call('HSET', KEYS[1], name, value)
  end
end
if changed then
  redis.call('HSET', KEYS[1], 'u', now)
end
if redis.call('HGET', KEYS[1], 'st') == 'enabled' then
  redis.call('HSET', KEYS[2], id, redis.call('HGET', KEYS[1], 'ev'))
else
  redis.call('HDEL', KEYS[2], id)
end
return {0, redis.call('HGETALL', KEYS[1])}
