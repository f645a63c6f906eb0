-- Change a webhook endpoint's url, enabled events, description or status (a PATCH).
-- KEYS[1] the account's token balance, KEYS[2] the endpoint's hash, KEYS[3] the account's
-- subscriptions (hash), KEYS[4] the endpoint's deliveries (zset)
-- ARGV[1] the request's price, ARGV[2] endpoint id, ARGV[3] now (ms), then name, value
--   pairs among url <url> · ev <`*` or `,type,type,`> · d <description> · dnull '' (description
--   to null) · st <enabled|disabled>
-- Returns {0, balance, flat hash} | {1, balance} (insufficient tokens) | {2, balance} (no
-- such endpoint, charged)
--
-- Disabling by hand sets disabled_reason `manual` and unsubscribes it; enabling clears
-- the reason and the failing clock, and so does a new url (SPEC.md §16): the failures
-- of another address do not count towards disabling this one.
local refused = admit() if refused then return refused end
local paid, balance = debit(KEYS[1], tonumber(ARGV[1]))
if not paid then
  return {1, balance}
end
if redis.call('EXISTS', KEYS[2]) == 0 then
  return {2, balance}
end
local id, now = ARGV[2], ARGV[3]
local changed = false
for i = 4, #ARGV, 2 do
  local name, value = ARGV[i], ARGV[i + 1]
  if name == 'dnull' then
    changed = (redis.call('HDEL', KEYS[2], 'd') == 1) or changed
  elseif name == 'st' then
    local current = redis.call('HGET', KEYS[2], 'st')
    if value ~= current then
      changed = true
      redis.call('HSET', KEYS[2], 'st', value)
      if value == 'disabled' then
        redis.call('HSET', KEYS[2], 'dr', 'manual')
      else
        redis.call('HDEL', KEYS[2], 'dr', 'fs')
      end
    end
  elseif redis.call('HGET', KEYS[2], name) ~= value then
    changed = true
    redis.call('HSET', KEYS[2], name, value)
    if name == 'url' then
      redis.call('HDEL', KEYS[2], 'fs')
    end
  end
end
if changed then
  redis.call('HSET', KEYS[2], 'u', now)
end
if redis.call('HGET', KEYS[2], 'st') == 'enabled' then
  redis.call('HSET', KEYS[3], id, redis.call('HGET', KEYS[2], 'ev'))
else
  redis.call('HDEL', KEYS[3], id)
end
return {0, balance, redis.call('HGETALL', KEYS[2])}
